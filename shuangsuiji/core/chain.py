"""Reading a ledger file (SPEC §5): whole lines, each the canonical form of its record, in one hash chain."""

from __future__ import annotations

import json

from shuangsuiji.core.canonical import ZERO_HASH, CanonicalError, record_forms
from shuangsuiji.core.text import is_at, is_hex64, is_int, show

COMMON_FIELDS = ("seq", "prev", "hash", "type", "at", "operator")


def no_duplicate_keys(pairs: list) -> dict:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"键“{key}”重复出现")
        result[key] = value
    return result


def no_float(text: str):
    raise ValueError(f"含有浮点数 {text}（台账中只允许整数）")


def no_constant(text: str):
    raise ValueError(f"含有 {text}（台账中不允许）")


def parse_ledger(data: bytes):
    """Parse the bytes of one ledger file; see :func:`read_ledger`."""
    records: list = []
    problems: list = []
    pieces = data.split(b"\n")
    whole, torn = pieces[:-1], pieces[-1]
    previous_hash: str | None = ZERO_HASH
    for index, raw in enumerate(whole):
        line = index + 1
        record, actual_hash = parse_line(raw, line, problems)
        records.append(record)
        if record is None:
            previous_hash = None
            continue
        check_chain(record, actual_hash, line, previous_hash, problems)
        stored = record.get("hash")
        previous_hash = stored if isinstance(stored, str) else None
    if torn:
        problems.append((
            len(pieces),
            "最后一行不完整（没有换行符，写入可能被中断）；可用 ssj ledger repair 去掉这一残行",
        ))
    return records, problems


def read_ledger(path):
    """Read one ledger file: ``(records, problems)``.

    ``records`` holds one entry per whole line, in file order: the record (a dict), or ``None`` where the
    line could not be read as a JSON object. A torn last line (no final newline) is not a record.
    ``problems`` is a list of ``(line_number, message)`` (1-based line numbers, Chinese messages) about
    the lines, their canonical form and the hash chain (``seq``, ``prev``, ``hash``, common fields).
    """
    with open(path, "rb") as handle:
        data = handle.read()
    return parse_ledger(data)


def parse_line(raw: bytes, line: int, problems: list):
    if not raw:
        problems.append((line, "空行（台账中每一行都应是一条记录）"))
        return None, None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.append((line, "不是有效的 UTF-8 文本"))
        return None, None
    try:
        record = json.loads(
            text,
            object_pairs_hook=no_duplicate_keys,
            parse_float=no_float,
            parse_constant=no_constant,
        )
    except RecursionError:
        problems.append((line, "无法解析：嵌套层数过多"))
        return None, None
    except ValueError as error:
        problems.append((line, f"无法按 JSON 解析（{error}）"))
        return None, None
    if not isinstance(record, dict):
        problems.append((line, "不是一条记录（应为 JSON 对象）"))
        return None, None
    try:
        form, actual_hash = record_forms(record)
    except CanonicalError as error:
        problems.append((line, f"含有台账不允许的内容：{error}"))
        return record, None
    if form != raw:
        if raw.endswith(b"\r"):
            problems.append((line, "行尾多了回车符（\\r），文件可能被转换成了 Windows 换行；字节已与记录时不同"))
        else:
            problems.append((line, "不是 RFC 8785 规范形式（空白、键的顺序或转义与规范不同）"))
    return record, actual_hash


def check_chain(record: dict, actual_hash, line: int, previous_hash, problems: list) -> None:
    for name in COMMON_FIELDS:
        if name not in record:
            problems.append((line, f"缺少字段 {name}"))
    seq = record.get("seq")
    if "seq" in record and (not is_int(seq) or seq != line - 1):
        problems.append((
            line,
            f"seq 应为 {line - 1}，记录为 {show(seq)}（前面的记录被删除、插入或调换过）",
        ))
    if "prev" in record:
        prev = record["prev"]
        if not is_hex64(prev):
            problems.append((line, "prev 不是 64 位小写十六进制哈希"))
        elif line == 1 and prev != ZERO_HASH:
            problems.append((line, "第一条记录的 prev 应为 64 个 0"))
        elif line > 1 and previous_hash is not None and prev != previous_hash:
            problems.append((line, "prev 与上一行的 hash 不符（前面的记录被删除、插入、调换或改动过）"))
    if "hash" in record:
        stored = record["hash"]
        if not is_hex64(stored):
            problems.append((line, "hash 不是 64 位小写十六进制哈希"))
        elif actual_hash is not None and actual_hash != stored:
            problems.append((line, "hash 不符（记录被改动过）"))
    if "type" in record and not isinstance(record["type"], str):
        problems.append((line, "type 应为字符串"))
    if "at" in record and not is_at(record["at"]):
        problems.append((line, "at 不是带时区的 ISO 8601 时间（如 2026-12-01T09:30:00+08:00）：{}".format(show(record["at"]))))
    if "operator" in record and not (isinstance(record["operator"], str) and record["operator"].strip()):
        problems.append((line, "operator 应为非空字符串"))
