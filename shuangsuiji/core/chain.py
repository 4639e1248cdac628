"""Reading a ledger (SPEC §5, format 2): one chain per section (and one for the bureau), split into year files
``<ledger>/<year>.jsonl``; every line the canonical form of its record, chained by ``seq``, ``prev`` and ``hash``
across the year files. Read line by line, so memory stays bounded whatever a file holds."""

from __future__ import annotations

import contextlib
import json
import os
import re
from typing import NamedTuple

from shuangsuiji.core.canonical import ZERO_HASH, CanonicalError, record_forms
from shuangsuiji.core.text import is_at, is_hex64, is_int, moment, show

FORMAT = 2
COMMON_FIELDS = ("format", "seq", "prev", "hash", "type", "at", "operator", "heads")
#: the ledger of the bureau's own records (plan and checklist approvals, publications, document numbers)
BUREAU = "bureau"
#: the longest line a ledger may hold (a province-scale draw record is well under 1 MB)
MAX_LINE_BYTES = 64 * 1024 * 1024
_YEAR_FILE = re.compile(r"([0-9]{4})\.jsonl")
_LEDGER_NAME = re.compile(r"[A-Za-z0-9_-]+")


class Entry(NamedTuple):
    """One record and where it lies: ledger name, file, 1-based line, byte offset of the line."""

    ledger: str
    path: str
    line: int
    offset: int
    record: dict


def no_duplicate_keys(pairs: list) -> dict:
    """A JSON object hook that refuses a key given twice (JSON itself would keep the last silently)."""
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
    """A ledger holds no floating-point numbers."""
    raise ValueError(f"含有浮点数 {text}（台账中只允许整数）")


def no_constant(text: str):
    """A ledger holds no NaN or Infinity."""
    raise ValueError(f"含有 {text}（台账中不允许）")


class TooDeep(ValueError):
    """JSON nested deeper than Python's parser can follow: refused like any other malformed JSON."""


def strict_json(text: str):
    """JSON as the ledger allows it: no repeated keys, no floats, no NaN, no nesting too deep to read.

    Every file the verifiers read goes through here, so a deeply nested file is one more ``ValueError`` naming
    its file, never a ``RecursionError`` past the handlers."""
    try:
        return json.loads(text, object_pairs_hook=no_duplicate_keys, parse_float=no_float,
                          parse_constant=no_constant)
    except RecursionError:
        raise TooDeep("嵌套层数过多") from None


def ledger_files(folder: str) -> dict:
    """``{ledger: [(year, path), …]}`` of a ledger folder (``<ledger>/<year>.jsonl``), years ascending.

    Symbolic links are not followed and not listed (the caller reports them).
    """
    found: dict = {}
    if not os.path.isdir(folder):
        return found
    for name in sorted(os.listdir(folder)):
        sub = os.path.join(folder, name)
        if not _LEDGER_NAME.fullmatch(name) or os.path.islink(sub) or not os.path.isdir(sub):
            continue
        years = []
        for file_name in sorted(os.listdir(sub)):
            match = _YEAR_FILE.fullmatch(file_name)
            path = os.path.join(sub, file_name)
            if match and not os.path.islink(path) and os.path.isfile(path):
                years.append((int(match.group(1)), path))
        if years:
            found[name] = years
    return found


def format1_files(folder: str) -> list:
    """The names of format-1 ledgers (one ``<section>.jsonl`` directly in the ledger folder), which format 2
    refuses rather than passes over: their records would otherwise look like no records at all."""
    if not os.path.isdir(folder):
        return []
    return sorted(name for name in os.listdir(folder) if name.endswith(".jsonl"))


def parse_line(raw: bytes, where: tuple, problems: list):
    """(record or None, SHA-256 of its canonical form without ``hash`` or None); problems appended."""
    if not raw:
        problems.append((*where, "空行（台账中每一行都应是一条记录）"))
        return None, None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.append((*where, "不是有效的 UTF-8 文本"))
        return None, None
    try:
        record = strict_json(text)
    except TooDeep:
        problems.append((*where, "无法解析：嵌套层数过多"))
        return None, None
    except ValueError as error:
        problems.append((*where, f"无法按 JSON 解析（{error}）"))
        return None, None
    if not isinstance(record, dict):
        problems.append((*where, "不是一条记录（应为 JSON 对象）"))
        return None, None
    try:
        form, actual_hash = record_forms(record)
    except CanonicalError as error:
        problems.append((*where, f"含有台账不允许的内容：{error}"))
        return record, None
    if form != raw:
        if raw.endswith(b"\r"):
            problems.append((*where, "行尾多了回车符（\\r），文件可能被转换成了 Windows 换行；字节已与记录时不同"))
        else:
            problems.append((*where, "不是 RFC 8785 规范形式（空白、键的顺序或转义与规范不同）"))
    return record, actual_hash


class Chain:
    """Where a ledger's chain stands: the next ``seq`` and the last ``hash`` (None once it cannot be followed)."""

    def __init__(self) -> None:
        self.seq = 0
        self.hash: str | None = ZERO_HASH
        self.at: tuple | None = None  # (moment, text) of the latest readable ``at`` so far

    def check(self, record: dict, actual_hash, where: tuple, problems: list) -> None:
        """The common fields of one record, and its place in the chain."""
        add = problems.append
        for name in COMMON_FIELDS:
            if name not in record:
                add((*where, f"缺少字段 {name}"))
        if record.get("format", FORMAT) != FORMAT:
            add((*where, f"记录格式为 {show(record.get('format'))}：本程序只核验第 {FORMAT} 版台账格式"))
        seq = record.get("seq")
        if "seq" in record and (not is_int(seq) or seq != self.seq):
            add((*where, f"seq 应为 {self.seq}，记录为 {show(seq)}（前面的记录被删除、插入或调换过）"))
        prev = record.get("prev")
        if "prev" in record:
            if not is_hex64(prev):
                add((*where, "prev 不是 64 位小写十六进制哈希"))
            elif self.seq == 0 and prev != ZERO_HASH:
                add((*where, "第一条记录的 prev 应为 64 个 0"))
            elif self.seq > 0 and self.hash is not None and prev != self.hash:
                add((*where, "prev 与上一条记录的 hash 不符（前面的记录被删除、插入、调换或改动过）"))
        stored = record.get("hash")
        if "hash" in record:
            if not is_hex64(stored):
                add((*where, "hash 不是 64 位小写十六进制哈希"))
            elif actual_hash is not None and actual_hash != stored:
                add((*where, "hash 不符（记录被改动过）"))
        if "type" in record and not isinstance(record["type"], str):
            add((*where, "type 应为字符串"))
        if "at" in record and not is_at(record["at"]):
            add((*where, "at 不是带时区的 ISO 8601 时间（如 2026-12-01T09:30:00+08:00）：{}".format(show(record["at"]))))
        if "operator" in record and not (isinstance(record["operator"], str) and record["operator"].strip()):
            add((*where, "operator 应为非空字符串"))
        heads = record.get("heads")
        if "heads" in record and not (isinstance(heads, dict) and all(
                isinstance(h, dict) and set(h) == {"seq", "hash"} and is_int(h["seq"]) and is_hex64(h["hash"])
                for h in heads.values())):
            add((*where, "heads 应为 {台账: {seq, hash}}"))
        self.seq += 1
        self.hash = stored if isinstance(stored, str) else None

    def check_at(self, record: dict, sealed: bool, where: tuple, problems: list) -> None:
        """Along a chain time only moves on: a record dated before one written before it was back-dated (or
        moved), and every rule that reads times (lottery, rest, rotation) would be misled. Only a record whose
        ``hash`` holds (``sealed``) sets the time the next ones are held to: an edited one is reported as such."""
        text = record.get("at")
        if not is_at(text):
            return
        at = moment(text)
        if self.at is not None and at < self.at[0]:
            problems.append((*where, f"记录时间 {text} 早于本台账此前记录的时间 {self.at[1]}："
                                     "台账的记录时间只能随写入顺序向后（记录被倒签或调换过）"))
        elif sealed and (self.at is None or at > self.at[0]):
            self.at = (at, text)


def read_ledger(name: str, files: list, problems: list):
    """Every record of one ledger, in order, across its year files: yields :class:`Entry`.

    ``problems`` collects ``(path, line, message)``: a torn or overlong line, a line that is not the canonical
    form of its record, a broken chain, a record filed under the wrong year, a year file that starts anew.
    """
    chain = Chain()
    for position, (year, path) in enumerate(files):
        first_in_file = True
        with open(path, "rb") as handle:
            line, offset = 0, 0
            while True:
                raw = handle.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    break
                line += 1
                where = (path, line)
                start, offset = offset, offset + len(raw)
                if not raw.endswith(b"\n"):
                    if len(raw) > MAX_LINE_BYTES:
                        problems.append((*where, f"这一行超过 {MAX_LINE_BYTES // (1024 * 1024)} MB，不予读取"))
                        _skip_rest_of_line(handle)
                        offset = handle.tell()
                        chain.hash = None
                        chain.seq += 1
                        continue
                    problems.append((*where, "最后一行不完整（没有换行符，写入可能被中断）；可用 ssj ledger repair 去掉这一残行"))
                    break
                record, actual_hash = parse_line(raw[:-1], where, problems)
                if record is None:
                    chain.hash = None
                    chain.seq += 1
                    continue
                if first_in_file and position > 0 and record.get("seq") == 0:
                    problems.append((*where, f"{year} 年的台账文件重新开始了一条链（seq 为 0）：跨年的台账应接着上一年的最后一条记录"))
                first_in_file = False
                at = record.get("at")
                if isinstance(at, str) and at[:4] != str(year):
                    problems.append((*where, f"记录时间 {at[:10]} 不属于 {year} 年：记录应写在其时间所在年份的文件里"))
                chain.check(record, actual_hash, where, problems)
                chain.check_at(record, actual_hash is not None and actual_hash == record.get("hash"), where, problems)
                yield Entry(name, path, line, start, record)


def _skip_rest_of_line(handle) -> None:
    while True:
        chunk = handle.readline(MAX_LINE_BYTES)
        if not chunk or chunk.endswith(b"\n"):
            return


def read_record_at(path: str, offset: int) -> dict:
    """The record on the line that starts at ``offset`` of ``path`` (already checked when it was first read)."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        return strict_json(handle.readline(MAX_LINE_BYTES + 1).decode("utf-8"))


def tip(files: list):
    """(seq, hash) of a ledger's last record, read from the end of its last year file; None for no record."""
    for _, path in reversed(files):
        last = last_line(path)
        if last:
            record = strict_json(last.decode("utf-8"))
            return record["seq"], record["hash"]
    return None


def last_line(path: str, block: int = 1 << 16) -> bytes:
    """The last whole line of a file (without its newline), read from the end; b"" for an empty file."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        end = handle.tell()
        if end == 0:
            return b""
        data = b""
        position = end
        while position > 0:
            step = min(block, position)
            position -= step
            handle.seek(position)
            data = handle.read(step) + data
            body = data[:-1] if data.endswith(b"\n") else data
            cut = body.rfind(b"\n")
            if cut >= 0:
                return body[cut + 1:]
        return data[:-1] if data.endswith(b"\n") else data


def intact_records(blobs: list) -> list:
    """The records of one ledger given as the bytes of its year files (in order), up to its first broken line:
    what a command may trust without a full verification (a typed-in line never counts)."""
    chain = Chain()
    problems: list = []
    records: list = []
    for data in blobs:
        lines = data.split(b"\n")
        for number, raw in enumerate(lines[:-1], 1):
            record, actual_hash = parse_line(raw, ("", number), problems)
            if record is None or problems:
                return records
            chain.check(record, actual_hash, ("", number), problems)
            if problems:
                return records
            records.append(record)
        if lines[-1]:
            return records
    return records


def hash_at(files: list, seq: int):
    """The hash of record ``seq`` of a ledger's year files (streamed; None when it is not there)."""
    for _, path in files:
        with open(path, "rb") as handle:
            for line in handle:
                if f'"seq":{seq},'.encode() in line:
                    with contextlib.suppress(ValueError, UnicodeDecodeError):
                        record = strict_json(line.decode("utf-8"))
                        if record.get("seq") == seq:
                            return record.get("hash")
    return None


def first_difference(old_folder: str, name: str, files: list):
    """The seq of the first record where an older copy of a ledger and this one differ."""
    old_files = ledger_files(old_folder).get(name, [])
    mine = record_hashes(files)
    for seq, digest in enumerate(record_hashes(old_files)):
        if next(mine, None) != digest:
            return seq
    return None


def record_hashes(files: list):
    """Every line's record hash, in order, streamed (an unreadable line gives nothing)."""
    for _, path in files:
        with open(path, "rb") as handle:
            for line in handle:
                with contextlib.suppress(ValueError, UnicodeDecodeError):
                    yield strict_json(line.decode("utf-8")).get("hash")
