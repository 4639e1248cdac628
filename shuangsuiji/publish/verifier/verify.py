#!/usr/bin/env python3
"""“双随机、一公开”抽查台账核验程序（verify.py）

这个文件是一个独立的核验程序：只用 Python 标准库（Python 3.8 或更新版本），不依赖 ssj 本身。
任何人都可以用它核对应急管理局公开的抽查台账和公开材料有没有被改动过，并把每一次随机抽取
从记录本身重新算一遍，看结果是否与记录一致。

怎么运行
--------
在公开材料所在的文件夹里运行（不写文件夹时，核验本文件所在的文件夹）::

    python verify.py            # 核验本文件所在的文件夹
    python verify.py 文件夹路径   # 核验指定的文件夹
    python verify.py --json     # 输出机器可读的 JSON 摘要
    python verify.py --digest 清单摘要   # 同时核对应急管理局另行公布的清单摘要（manifest.json 的 SHA-256）

全部核验通过时退出码为 0，发现任何问题时为 1。每个问题都会写明文件和行号，例如
``ledger/ergu.jsonl:3: hash 不符（记录被改动过）``。

它核对什么
----------
1. 文件清单（manifest.json，如果有）：清单中每个文件的 SHA-256 是否相符；有没有文件缺失；
   有没有清单之外多出来的文件（只有 manifest.json 本身除外；公示包的压缩包放在文件夹旁边，不在文件夹里，
   文件夹里多出的 .zip 文件同样算作问题）。公示包（有 results.json 的文件夹）必须有 manifest.json，否则算作问题。
2. 每个台账文件（文件夹里所有 *.jsonl，逐个按路径排序）：
   - 每一行都以换行符结尾（最后一行没有换行符 = 写入被中断的“残行”）；
   - 每一行都是该记录的 RFC 8785（JCS）规范形式，且不含浮点数、重复键；
   - 哈希链：``seq`` 依次为 0、1、2……；``prev`` 等于上一行的 ``hash``（第一行为 64 个 0）；
     ``hash`` 等于去掉 ``hash`` 字段后记录的 SHA-256。删除、插入、调换或改动任何一行都会被发现；
   - 每次抽取（draw）从记录本身完整重算：各层应抽数量 k = ⌈比例 × 总数⌉（精确计算，至少 1）、
     每家企业的“票号”、被抽中的企业及顺序、检查人员排序、检查组、后备人员，以及考虑利害冲突后
     每家企业分给哪个检查组（检查组编号与记录一样从 0 起算）；
   - 公平性等级：“事先公告”（announced）的抽取必须与更早的公告记录参数一致、名单摘要一致，
     且一份公告只能用一次；
   - 作废（void）必须指向本文件中更早的一次抽取，且每次抽取最多作废一次；
   - 回避换人（recusal，第十七条）：替补人员从记录本身重算，回避的人员必须在该企业当时的检查组里；
   - 其他记录（公告 announce、定向检查 targeted、计划批准 plan_approval、公开 publish）字段齐全。
     这些记录另有一些可选字段，本程序不要求也不核对：各类记录的 ``commit``（所依据的 git 提交）、
     公告的 ``seed_rule``（公布号码怎样变成种子）和 ``conflicts_digest``（利害关系申报的摘要，
     只能用当时的数据文件核对）、公开记录的 ``published``（每项公开结果的 {draw, entity}）。
3. 检查结果（results.json，如果有）：每一项公示结果都对应台账中一次未作废抽取的抽中单位，
   列出的检查人员都是该单位（回避替换后）的检查组成员。

抽取算法（公开约定，即 ssj 项目的 docs/ledger-format.md）
------------------------------------------------------
1. ``d = SHA-256(种子)`` 的十六进制；一个编号 id 的票号是
   ``"0." + 倒序(十进制(SHA-256(d + id)) 左侧补零到至少 64 位)``，与 consistent_sampler 程序包的
   ``first_fraction(id, seed)`` 完全相同。票号按字符串比较，小者优先，相同时按编号比较。
2. 每一层抽 k = ⌈比例 × 该层企业数⌉ 家（企业数至少 1 时 k 至少为 1），即票号最小的 k 家。
3. 各层抽中的企业合在一起按（票号，编号）排序，这就是分配检查组的顺序。
4. 检查人员按种子 ``种子 + "|inspectors"`` 下的票号排序；组数 T = min(抽中企业数, ⌊人数 / 每组人数⌋)；
   依次每 t 人一组，余下的人按顺序作为后备人员。
5. 第 i 家企业（从 0 起）分给第 i mod T 组；若该组有人与它有登记的利害冲突，就依次试下一组。
6. 回避换人：该企业当前的检查组（依次套用此前对同一抽取、同一企业的回避记录）之外、
   未曾为该企业回避过、与该企业没有登记利害冲突的第一位后备人员，就是替补人员。

本程序不核对的内容
------------------
只有应急管理局的 git 仓库里才能核对的规则，由 ``ssj verify-ledger`` 在仓库中核对（见 docs/ledger-format.md
“What ssj verify-ledger checks”）：台账的 git 历史只增不改（包括已推送的版本、被 reset 掉的提交和被删除的
台账文件）；每次抽取的输入文件与所依据提交中的文件一致、名单与当时的数据一致；抽取所依据的计划在抽取前
已经审批并记入 bureau.jsonl（第七条）、抽取日期在计划事项的实施时间内（第十二条）、不超过频次（第十六条）。

在 Windows 上可以用 ``py verify.py`` 运行。

This is an independent verifier of the ssj ledger (docs/ledger-format.md), standard library only.
Run ``python verify.py [FOLDER] [--json]``; exit status 0 means everything holds, 1 that something does
not, 2 a usage error. As a module it offers canonical(), record_hash(), digest(), first_fraction(),
sample_size(), read_ledger(), check_records(), check_ledger(), verify_manifest(), verify_folder(), main().
"""

# 本文件由 ssj 自动生成：shuangsuiji/core/ 中的公开算法加上 shuangsuiji/publish/verifier/command.py 的命令行，
# 只用 Python 标准库。请勿手工修改（python -m shuangsuiji.publish.verifier.build 重新生成）。

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import heapq
import json
import math
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date as _date
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/canonical.py: Canonical JSON (RFC 8785, JCS) for the values a ledger holds, and the digests built on it.
# --------------------------------------------------------------------------------------------------


ZERO_HASH = "0" * 64
_INT_LIMIT = 2**53 - 1  # RFC 8785 numbers are IEEE doubles: larger integers are not exact


class CanonicalError(ValueError):
    """A value that has no RFC 8785 form in the ledger's subset (a float, a huge integer, a lone surrogate…)."""


_ESCAPE = re.compile(r'[\x00-\x1f"\\]')
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(match: re.Match) -> str:
    char = match.group()
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be")


def _quote(text: str) -> str:
    return '"' + _ESCAPE.sub(_escape_char, text) + '"'


def _fast_quote():
    """The standard library's JSON string writer when it escapes exactly as above (it does; it is faster)."""
    try:
        from json.encoder import encode_basestring
    except ImportError:  # pragma: no cover
        return _quote
    probe = "".join(chr(c) for c in range(0x80)) + "\u2028\u2029\ue000\uffff汝\U0001f600"
    if all(encode_basestring(char) == _quote(char) for char in probe):
        return encode_basestring
    return _quote  # pragma: no cover


_QUOTE = _fast_quote()


_KEY_ORDERS: dict = {}  # tuple of an object's keys -> the keys in RFC 8785 order (objects repeat their keys)


def _sorted_keys(obj: dict) -> list:
    keys = tuple(obj)
    known = _KEY_ORDERS.get(keys)
    if known is not None:
        return known
    for key in keys:
        if not isinstance(key, str):
            raise CanonicalError(f"对象的键必须是字符串（{key!r}）")
    # UTF-16 order differs from code-point order only for characters beyond U+FFFF; ASCII keys sort alike.
    order = sorted(keys) if all(key.isascii() for key in keys) else sorted(keys, key=_utf16_key)
    if len(keys) <= 64 and len(_KEY_ORDERS) < 4096:
        _KEY_ORDERS[keys] = order
    return order


def _text(value) -> str:
    """The RFC 8785 text of ``value`` (strings inside lists and objects are handled inline, for speed)."""
    kind = type(value)
    if kind is str:
        return _QUOTE(value)
    if kind is dict:
        parts = []
        for key in _sorted_keys(value):
            item = value[key]
            parts.append(_QUOTE(key) + ":" + (_QUOTE(item) if type(item) is str else _text(item)))
        return "{" + ",".join(parts) + "}"
    if kind is list or kind is tuple:
        if value:
            try:  # fast path for the long id lists: all strings, nothing to escape
                if _ESCAPE.search("".join(value)) is None:
                    return '["' + '","'.join(value) + '"]'
            except TypeError:
                pass
        return "[" + ",".join(_QUOTE(item) if type(item) is str else _text(item) for item in value) + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if not -_INT_LIMIT <= value <= _INT_LIMIT:
            raise CanonicalError(f"整数 {value} 超出 RFC 8785 可精确表示的范围（±2^53−1）")
        return str(int(value))
    if isinstance(value, float):
        raise CanonicalError(f"台账中不允许浮点数（{value!r}）")
    if isinstance(value, str):
        return _QUOTE(str(value))
    if isinstance(value, dict):
        return _text(dict(value))
    if isinstance(value, (list, tuple)):
        return _text(list(value))
    raise CanonicalError(f"台账中不允许 {type(value).__name__} 类型的值")


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise CanonicalError("字符串中含有孤立的代理字符（不是有效的 Unicode 文本）") from None


def canonical(value) -> bytes:
    """The RFC 8785 (JCS) UTF-8 bytes of ``value`` (dict, list, str, int, bool, None; never float).

    Keys are sorted by UTF-16 code units; strings are escaped as ECMAScript ``JSON.stringify`` does
    (``\\b \\f \\n \\r \\t \\" \\\\``, other control characters as ``\\u00xx``), everything else is
    written as UTF-8. Raises :class:`CanonicalError` (a ``ValueError``) for anything else.
    """
    try:
        return _utf8(_text(value))
    except RecursionError:
        raise CanonicalError("嵌套层数过多") from None


def record_forms(record: dict):
    """(canonical bytes of ``record``, SHA-256 hex of the canonical record without ``hash``), in one pass."""
    try:
        keys = _sorted_keys(record)
        parts = {key: _QUOTE(key) + ":" + _text(record[key]) for key in keys}
    except RecursionError:
        raise CanonicalError("嵌套层数过多") from None
    full = _utf8("{" + ",".join(parts[key] for key in keys) + "}")
    body = _utf8("{" + ",".join(parts[key] for key in keys if key != "hash") + "}")
    return full, hashlib.sha256(body).hexdigest()


def sha256_hex(data: bytes) -> str:
    """Lowercase hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def digest(value) -> str:
    """SHA-256 (lowercase hex) of the RFC 8785 form of ``value``."""
    return hashlib.sha256(canonical(value)).hexdigest()


def id_list_digest(ids) -> str:
    """Digest of a population or inspector pool: SHA-256 of the RFC 8785 form of the sorted ids."""
    return digest(sorted(ids))


def record_hash(record: dict) -> str:
    """A record's ``hash``: SHA-256 of the RFC 8785 form of the record without its ``hash`` field."""
    return digest({key: value for key, value in record.items() if key != "hash"})


def jsonable(value):
    """Plain JSON data from YAML data: dates become ISO strings, Decimals their decimal string.

    For digests of the bureau's YAML files (a plan's approved content), never for ledger records.
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)  # an unquoted 0.1 in a plan: digested as the literal that was typed
    return value


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/text.py: How the verifiers write values into their messages, and the checks of plain field formats.
# --------------------------------------------------------------------------------------------------


_HEX64 = re.compile(r"[0-9a-f]{64}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AT = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})")


def show(value, limit: int = 80) -> str:
    """A short, readable rendering of a value for a message."""
    if isinstance(value, str):
        text = f"“{value}”"
    else:
        try:
            text = canonical(value).decode("utf-8")
        except ValueError:
            text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def short_ticket(ticket) -> str:
    """The first digits of a ticket, enough to recognise it in a message."""
    if isinstance(ticket, str):
        return ticket if len(ticket) <= 16 else ticket[:14] + "…"
    return show(ticket)


def show_ids(ids, limit: int = 6) -> str:
    """A few ids, joined with 、 and the count when there are more."""
    ids = list(ids)
    if not ids:
        return "（空）"
    shown = "、".join(str(item) for item in ids[:limit])
    return shown + (f"等 {len(ids)} 个" if len(ids) > limit else "")


def is_int(value) -> bool:
    """An integer that is not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_hex64(value) -> bool:
    """64 lowercase hex digits (a SHA-256)."""
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


def is_date(value) -> bool:
    """A real calendar date written YYYY-MM-DD."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        _date(int(value[0:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        return False
    return True


def is_at(value) -> bool:
    """An ISO 8601 moment with its offset (2026-12-01T09:30:00+08:00)."""
    if not isinstance(value, str):
        return False
    match = _AT.fullmatch(value)
    return match is not None and is_date(match.group(1))


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/chain.py: Reading a ledger file (SPEC §5): whole lines, each the canonical form of its record, in one hash chain.
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/manifest.py: The bundle's file list (SPEC §6): ``manifest.json`` = ``{"files": {"<relative path>": "<sha256 hex>"}}``.
# --------------------------------------------------------------------------------------------------


MANIFEST = "manifest.json"


def file_sha256(path: str) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def files_under(folder: str, skip_hidden: bool) -> dict:
    """{NFC relative POSIX path: real path} of every file below ``folder``."""
    found = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(
            name for name in dirs if name != "__pycache__" and not (skip_hidden and name.startswith("."))
        )
        for name in files:
            real = os.path.join(root, name)
            relative = os.path.relpath(real, folder).replace(os.sep, "/")
            found[unicodedata.normalize("NFC", relative)] = real
    return found


def verify_manifest(folder) -> list:
    """Check ``FOLDER/manifest.json``: ``[(relative_path, message), …]`` (empty when everything holds).

    The manifest is ``{"files": {"relative/posix/path": "sha256 hex"}}`` and lists every file of the
    folder except ``manifest.json`` itself (the bundle's zip lies beside the folder, not in it: a ``.zip``
    inside the folder is an unlisted file like any other). Each listed file's SHA-256 is checked;
    files present but not listed, and listed but missing, are reported.
    """
    folder = os.fspath(folder)
    problems: list = []
    try:
        with open(os.path.join(folder, MANIFEST), "rb") as handle:
            manifest = json.loads(
                handle.read().decode("utf-8-sig"),
                object_pairs_hook=no_duplicate_keys,
                parse_float=no_float,
                parse_constant=no_constant,
            )
    except (OSError, ValueError) as error:
        return [(MANIFEST, f"无法读取文件清单（{error}）")]
    listed = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(listed, dict):
        return [(MANIFEST, "文件清单格式不对：应为 {\"files\": {路径: SHA-256}}")]
    present = files_under(folder, skip_hidden=False)
    present.pop(MANIFEST, None)
    listed_nfc = set()
    for path in sorted(listed):
        expected = listed[path]
        key = unicodedata.normalize("NFC", path)
        listed_nfc.add(key)
        parts = key.split("/")
        if key.startswith("/") or "\\" in key or any(part in ("", ".", "..") for part in parts):
            problems.append((path, "清单中的路径不合规（应为文件夹内的相对路径，用 / 分隔）"))
            continue
        if not is_hex64(expected):
            problems.append((path, "清单中的 SHA-256 不是 64 位小写十六进制"))
            continue
        real = present.get(key)
        if real is None:
            problems.append((path, "清单中列出的文件不存在"))
            continue
        if file_sha256(real) != expected:
            problems.append((path, "文件的 SHA-256 与清单不符（文件被改动过）"))
    for path in sorted(present):
        if path not in listed_nfc:
            problems.append((path, "文件不在清单（manifest.json）里"))
    return problems


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/ratio.py: Ratios and sample sizes in exact decimal arithmetic (SPEC §4): never floats.
# --------------------------------------------------------------------------------------------------


_DECIMAL = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)$")
_RECORDED = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)")


def parse_ratio(text: str | int | float | Decimal) -> Decimal:
    """Parse ``0.1``, ``.5``, ``1`` or ``10%`` into a Decimal in (0, 1]; refuse anything else.

    Full-width input (``１０％``, ``０.１``, as a Chinese input method types it) is read after NFKC.
    """
    raw = _as_text(text).strip()
    plain = unicodedata.normalize("NFKC", raw).strip()
    percent = plain.endswith("%")
    number = plain[:-1].strip() if percent else plain
    if not _DECIMAL.match(number):
        raise ValueError(f"比例“{raw}”无效：请写成小数（如 0.1）或百分数（如 10%）")
    value = Decimal(number) / 100 if percent else Decimal(number)
    if not Decimal(0) < value <= Decimal(1):
        raise ValueError(f"比例“{raw}”超出范围：必须大于 0 且不大于 1（即 100%）")
    return value


def _as_text(value: str | int | float | Decimal) -> str:
    # YAML reads an unquoted 0.1 as a float; repr() gives back the shortest literal that was typed.
    if isinstance(value, bool):
        raise ValueError("比例不能是真/假值")
    return repr(value) if isinstance(value, float) else str(value)


def format_ratio(value: Decimal) -> str:
    """The canonical decimal string of a ratio: ``0.1``, ``0.25``, ``1`` (no exponent, no trailing zeros)."""
    text = format(value.normalize(), "f")
    return text


def recorded_ratio(text: object) -> Fraction:
    """The exact ratio a record holds: a plain decimal string in (0, 1] such as ``"0.1"`` (no exponent, no %)."""
    if not isinstance(text, str) or not _RECORDED.fullmatch(text):
        raise ValueError(f"比例 {show(text)} 不是小数字符串（应写成 \"0.1\" 这样的形式）")
    value = Fraction(text)
    if not 0 < value <= 1:
        raise ValueError(f"比例 {show(text)} 不在 (0, 1] 范围内")
    return value


def sample_size(population: int, ratio: Decimal | Fraction | str) -> int:
    """k = ⌈r·N⌉ computed exactly; at least 1 when N ≥ 1 (``ratio`` a Decimal, a Fraction or a recorded string)."""
    if not isinstance(population, int) or isinstance(population, bool) or population < 0:
        raise ValueError("总数必须是非负整数")
    if population == 0:
        return 0
    if isinstance(ratio, str):
        ratio = recorded_ratio(ratio)
    elif not isinstance(ratio, (Decimal, Fraction)):
        raise ValueError(f"比例 {show(ratio)} 应为小数字符串、Decimal 或 Fraction")
    exact = (ratio if isinstance(ratio, Fraction) else Fraction(ratio)) * population
    return max(1, min(population, math.ceil(exact)))


def scale_ratio(ratio: Decimal, multiplier: Decimal) -> Decimal:
    """ratio × multiplier, capped at 1 (第十六条: companies with problems are checked more often)."""
    return min(Decimal(1), ratio * multiplier)


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/tickets.py: Tickets (SPEC §4): Rivest's consistent-sampling first tickets, digit for digit as the
# --------------------------------------------------------------------------------------------------


#: Suffix that derives the inspectors' seed from the companies' seed.
INSPECTOR_SEED_SUFFIX = "|inspectors"


class Ticket(NamedTuple):
    """A ticket and its id; tuples order by ticket, then by id (the tie-break)."""

    ticket: str
    id: str


def normalize_seed(seed: str) -> str:
    """Surrounding white space removed, NFC applied; an empty seed is refused."""
    text = unicodedata.normalize("NFC", seed.strip())
    if not text:
        raise ValueError("随机种子不能为空")
    return text


def seed_digest(seed: str) -> str:
    """``sha256_hex(UTF-8(seed))``: computed once per draw."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def ticket_of(item_id: str, digest: str) -> str:
    """``0.`` + the reversed, zero-padded decimal of SHA-256(digest + id)."""
    value = int.from_bytes(hashlib.sha256((digest + item_id).encode("utf-8")).digest(), "big")
    return "0." + f"{value:064d}"[::-1]


def first_fraction(id, seed) -> str:  # same parameter names as consistent_sampler.first_fraction
    """The first ticket of ``id`` under ``seed``; like that package, both are turned into strings first."""
    return ticket_of(str(id), seed_digest(str(seed)))


def _ticket_list(ids: list, seed: str) -> list:
    """The ticket of every id, in order: ``ticket_of`` inlined, since a province-scale draw computes 100,000."""
    digest = seed_digest(seed)
    sha256, from_bytes = hashlib.sha256, int.from_bytes
    return ["0." + f"{from_bytes(sha256((digest + i).encode('utf-8')).digest(), 'big'):064d}"[::-1] for i in ids]


def _pairs(ids, seed: str) -> list:
    """(ticket, id) for every id."""
    listed = list(ids)
    return list(zip(_ticket_list(listed, seed), listed))


def tickets(ids, seed: str) -> list:
    """Every id with its :class:`Ticket`, in input order."""
    return [Ticket(*pair) for pair in _pairs(ids, seed)]


def rank(ids, seed: str) -> list:
    """All ids as :class:`Ticket`, in ticket order, smallest first."""
    return [Ticket(*pair) for pair in sorted(_pairs(ids, seed))]


def smallest(ids, seed: str, k: int) -> list:
    """The ``k`` smallest tickets as :class:`Ticket`, in ticket order, ties broken by id.

    Tickets are compared as plain strings (much cheaper than tuples at province scale); only when two
    tickets are equal — astronomically unlikely — does the slower (ticket, id) order decide.
    """
    if k <= 0:
        return []
    listed = list(ids)
    owner = dict(zip(_ticket_list(listed, seed), listed))
    if len(owner) < len(listed):
        return [Ticket(*pair) for pair in heapq.nsmallest(k, _pairs(listed, seed))]
    chosen = sorted(owner)[:k] if 32 * k >= len(owner) else heapq.nsmallest(k, owner)
    return [Ticket(ticket, owner[ticket]) for ticket in chosen]


def inspector_seed(seed: str) -> str:
    """The seed that ranks inspectors: ``seed + "|inspectors"``."""
    return seed + INSPECTOR_SEED_SUFFIX


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/draw.py: One draw, pure (SPEC §4): strata and seed in; selected companies, teams and assignments out.
# --------------------------------------------------------------------------------------------------


class Refused(ValueError):
    """A draw or recusal the public rules do not allow (the message says why, in Chinese)."""

    def __init__(self, message: str, entity: str | None = None) -> None:
        super().__init__(message)
        #: the company the refusal is about, when it is about one
        self.entity = entity


@dataclass(frozen=True)
class Stratum:
    """A named part of the eligible population, drawn at its own ratio."""

    name: str
    ratio: Decimal
    population: list


@dataclass(frozen=True)
class DrawInput:
    """Everything the algorithm needs; nothing else may influence a draw."""

    seed: str
    strata: list
    inspectors: list
    team_size: int = 2
    #: declared (inspector, entity) conflicts of interest
    conflicts: frozenset = field(default_factory=frozenset)


def draw(spec: DrawInput) -> dict:
    """The algorithmic part of a draw record: strata, inspectors, conflicts, assignments."""
    if spec.team_size < 2:
        raise Refused("每组至少 2 名执法人员（第十八条）")
    strata, selected = [], []
    for stratum in spec.strata:
        population = _sorted_unique(stratum.population)
        k, chosen = select(population, stratum.ratio, spec.seed)
        selected.extend(chosen)
        strata.append({
            "name": stratum.name, "ratio": format_ratio(stratum.ratio), "population": population, "k": k,
            "selected": [{"id": t.id, "ticket": t.ticket} for t in chosen],
        })
    selected.sort()
    eligible = sorted(set(spec.inspectors))
    if not selected:
        raise Refused("没有符合条件的检查对象（在营且属于本科室监管范围），无法抽取")
    teams, reserve = form_teams(eligible, spec.seed, spec.team_size, len(selected))
    conflicts = relevant_conflicts(spec.conflicts, eligible, [t.id for t in selected])
    return {
        "strata": strata,
        "inspectors": {"eligible": eligible, "team_size": spec.team_size, "teams": teams, "reserve": reserve},
        "conflicts": [{"inspector": i, "entity": e} for i, e in conflicts],
        "assignments": assign([t.id for t in selected], teams, set(conflicts)),
    }


def _sorted_unique(ids: list) -> list:
    """``sorted(set(ids))``, skipping the work when the strata already come sorted (they do)."""
    if all(map(str.__lt__, ids, ids[1:])):
        return list(ids)
    return sorted(set(ids))


def select(population: list, ratio: Decimal | Fraction | str, seed: str) -> tuple:
    """(k, the k smallest tickets of ``population`` in ticket order) with k = ⌈ratio × N⌉."""
    k = sample_size(len(population), ratio)
    return k, (smallest(population, seed, k) if k else [])


def team_count(companies: int, inspectors: int, team_size: int) -> int:
    """T = min(k, ⌊E / t⌋): no more teams than companies, each of ``team_size`` people."""
    return min(companies, inspectors // team_size)


def form_teams(eligible: list, seed: str, team_size: int, companies: int) -> tuple:
    """(teams, reserve): the inspectors in ticket order under ``seed|inspectors``, t at a time; the rest wait."""
    count = team_count(companies, len(eligible), team_size)
    if count == 0:
        raise Refused(
            f"符合条件的执法人员只有 {len(eligible)} 名（在岗、执法证在抽取日有效），不足一组 {team_size} 人（第十八条）"
        )
    ranked = [t.id for t in rank(eligible, inspector_seed(seed))]
    return [ranked[j * team_size:(j + 1) * team_size] for j in range(count)], ranked[count * team_size:]


def relevant_conflicts(conflicts, eligible: list, selected: list) -> list:
    """The declared (inspector, entity) pairs between the inspector pool and the selected companies, sorted."""
    chosen, pool = set(selected), set(eligible)
    return sorted((i, e) for i, e in conflicts if e in chosen and i in pool)


def assign(selected: list, teams: list, conflicts: set) -> list:
    """Company i (in ticket order) goes to team i mod T, or the next team without a conflict (第十七条)."""
    assignments = []
    conflicted = {entity for _, entity in conflicts}
    count = len(teams)
    for i, company in enumerate(selected):
        if company not in conflicted:  # the common case: nobody declared a conflict with this company
            assignments.append({"entity": company, "team": i % count})
            continue
        for step in range(count):
            team = (i + step) % count
            if not any((member, company) in conflicts for member in teams[team]):
                assignments.append({"entity": company, "team": team})
                break
        else:
            raise Refused(f"单位 {company} 与所有检查组都有申报的利害关系，无法分配（第十七条），请增加执法人员或调整组数",
                          company)
    return assignments


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/recusal.py: Recusal (第十七条, SPEC §4): who checks a company after inspectors stepped aside, and who replaces them.
# --------------------------------------------------------------------------------------------------


def team_index(record: dict, entity: str):
    """The team number ``entity`` was assigned to in a draw record, or None when it was not selected."""
    return next((a.get("team") for a in record.get("assignments", []) if a.get("entity") == entity), None)


def apply_recusals(team: list, entity: str, recusals: list) -> list:
    """``team`` (of ``entity``) after the recusals for it, in order: each recused member replaced in place."""
    team = list(team)
    for recusal in recusals:
        if recusal.get("entity") == entity and recusal.get("inspector") in team:
            team[team.index(recusal["inspector"])] = recusal.get("replacement")
    return team


def current_team(record: dict, entity: str, recusals: list) -> list:
    """The team that checks ``entity`` after the given recusals of this draw, in order."""
    index = team_index(record, entity)
    if index is None:
        raise Refused(f"单位 {entity} 不在这次抽取的结果中")
    return apply_recusals(record["inspectors"]["teams"][index], entity, recusals)


def teams_after(record: dict, recusals: list) -> dict:
    """Every selected company's team after the recusals, in one pass (large draws have thousands)."""
    teams = record["inspectors"]["teams"]
    current = {a["entity"]: list(teams[a["team"]]) for a in record["assignments"]}
    for recusal in recusals:
        team = current.get(recusal["entity"])
        if team is not None and recusal["inspector"] in team:
            team[team.index(recusal["inspector"])] = recusal["replacement"]
    return current


def replacement_for(record: dict, entity: str, inspector: str, earlier: list):
    """The reserve inspector who replaces ``inspector`` for ``entity`` (SPEC §4), or None.

    Beyond SPEC §4's wording, whoever already stepped aside for ``entity`` in this draw never comes
    back as a replacement: otherwise a second recusal could return the first one's conflicted inspector.
    """
    team = current_team(record, entity, earlier)
    if inspector not in team:
        raise Refused(f"{inspector} 不在单位 {entity} 的检查组中（当前检查组：{'、'.join(map(str, team))}）")
    conflicts = {(c["inspector"], c["entity"]) for c in record["conflicts"]}
    stepped_aside = {inspector} | {r["inspector"] for r in earlier if r["entity"] == entity}
    for candidate in record["inspectors"]["reserve"]:
        if candidate not in team and candidate not in stepped_aside and (candidate, entity) not in conflicts:
            return str(candidate)
    return None


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/words.py: The public vocabulary: fairness levels, record types, strata, reasons — in Chinese a citizen understands.
# --------------------------------------------------------------------------------------------------


FAIRNESS = {
    "announced": "事先公告（最可信）：抽取的参数和名单在随机种子产生之前就已公告，种子来自公告指定的公开来源（如彩票开奖号码），任何人都无法事先挑选结果",
    "system": "系统随机：种子由电脑在抽取时用安全随机数自动生成，操作员不能指定种子；但外部无法证明没有在别处多次试抽后只提交了满意的一次",
    "operator": "人工输入（可信度最低）：种子由操作员输入且没有事先公告，不能排除事先试抽后挑选结果的可能",
}

FAIRNESS_SHORT = {"announced": "事先公告", "system": "系统随机", "operator": "人工输入"}

RECORD_TYPES = {
    "draw": "随机抽取",
    "announce": "抽取公告",
    "void": "作废",
    "recusal": "回避替换",
    "targeted": "非随机检查",
    "plan_approval": "计划审批",
    "publish": "结果公开",
}

FAIRNESS_LEVELS = tuple(FAIRNESS_SHORT)

FAIRNESS_LEGEND = (
    "公平性说明：“事先公告”＝抽取前已公告参数和名单摘要，种子取自公告写明的公开来源（最可信）；"
    "“系统随机”＝种子由程序在抽取时用操作系统的安全随机数生成；"
    "“人工输入”＝种子由操作员输入、事先没有公告（可信度最低，因为可能事先试算过）。"
)

#: Strata in order of precedence (SPEC §4): a company belongs to the first that applies.
STRATUM_NAMES = ("重点", "黑名单", "问题", "风险A", "风险B", "风险C", "风险D", "一般")

#: The reason categories of a recusal (第十七条); personal details are never recorded.
RECUSAL_REASONS = ("利害关系回避", "因故不能执行检查", "其他")

#: The grounds for an inspection outside the random draw (第七条).
TARGETED_BASES = ("投诉举报", "上级交办", "移送线索")


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/rederive.py: Re-deriving a recorded draw (SPEC §4, §5) with the very functions that made it: strata, selections, teams,
# --------------------------------------------------------------------------------------------------


DRAW_FIELDS = (
    "section", "plan_item", "checklist_item", "date", "seed", "seed_source", "fairness", "announcement",
    "ratio", "team_size", "strata", "inspectors", "conflicts", "assignments", "inputs", "commit", "dirty",
)
ANNOUNCE_MATCHED = ("section", "plan_item", "date", "ratio", "team_size", "seed_source")
SYSTEM_SEED_DIGITS = 20


class DrawFacts:
    """What later records need of a draw: where it is, and its re-derived teams (None if not derivable)."""

    def __init__(self, line: int, record: dict) -> None:
        self.line = line
        self.record = record
        self.teams: list | None = None  # list of lists of inspector ids, once re-derived
        self.reserve: list = []
        self.team_of: dict = {}  # entity -> team index
        self.conflicts: set = set()  # (inspector, entity)


def same_json(left, right) -> bool:
    """Equal as JSON values (so that 1 and true, or 1 and "1", never count as the same)."""
    try:
        return canonical(left) == canonical(right)
    except ValueError:
        return False



class DrawChecks:
    """What every record check shares (problems found, what earlier records left), and the checks of ``draw``
    records; :class:`~shuangsuiji.core.records.RecordChecker` adds the other record types."""

    def __init__(self) -> None:
        self.problems: list = []
        self.line = 0
        self.draws: dict = {}  # hash -> _Draw
        self.announces: dict = {}  # hash -> (line, record)
        self.announcement_used: dict = {}  # announce hash -> line of the draw that used it
        self.voided: dict = {}  # draw hash -> line of the void
        self.recusals: dict = {}  # (draw hash, entity) -> [recusal records], in order
        self.section: str | None = None
        self.section_line = 0

    def add(self, message: str) -> None:
        self.problems.append((self.line, message))

    def require(self, record: dict, fields) -> bool:
        missing = [name for name in fields if name not in record]
        if missing:
            self.add("{} 记录缺少字段 {}".format(record.get("type"), "、".join(missing)))
        return not missing

    def check_section(self, record: dict) -> None:
        section = record.get("section")
        if not isinstance(section, str) or not section:
            self.add("section 应为非空字符串")
            return
        if self.section is None:
            self.section, self.section_line = section, self.line
        elif section != self.section:
            self.add(
                f"每个科室一个台账文件：本文件第 {self.section_line} 行起属于 {show(self.section)}，这条记录却属于 {show(section)}"
            )

    def draw(self, record: dict) -> None:
        info = DrawFacts(self.line, record)
        if is_hex64(record.get("hash")) and record["hash"] not in self.draws:
            self.draws[record["hash"]] = info
        if not self.require(record, DRAW_FIELDS):
            return
        self.check_section(record)
        self.draw_fields(record)
        derived = self.derive(record)
        if derived is None:
            return
        strata, merged, eligible = derived
        self.check_fairness(record, strata, eligible)
        self.derive_teams(record, info, merged, eligible)

    def draw_fields(self, record: dict) -> None:
        if record["plan_item"] is not None and not isinstance(record["plan_item"], str):
            self.add("plan_item 应为字符串或 null")
        if record["checklist_item"] is not None and not isinstance(record["checklist_item"], str):
            self.add("checklist_item 应为字符串或 null")
        if not is_date(record["date"]):
            self.add("date 不是有效日期（YYYY-MM-DD）：{}".format(show(record["date"])))
        if not isinstance(record["seed_source"], str):
            self.add("seed_source 应为字符串")
        inputs = record["inputs"]
        if not isinstance(inputs, dict) or not all(is_hex64(value) for value in inputs.values()):
            self.add("inputs 应为 {文件路径: SHA-256} 对象")
        if record["commit"] is not None and not isinstance(record["commit"], str):
            self.add("commit 应为字符串或 null")
        if not isinstance(record["dirty"], bool):
            self.add("dirty 应为 true 或 false")

    def derive(self, record: dict):
        """Check the strata and re-derive their selections; returns (strata, merged, eligible) or None."""
        seed = record["seed"]
        if not isinstance(seed, str) or not seed:
            self.add("seed 应为非空字符串")
            return None
        if seed != unicodedata.normalize("NFC", seed.strip()):
            self.add("seed 未去掉首尾空白或不是 NFC 形式（记录的应是实际使用的种子）")
        floor = None
        if record["ratio"] is not None:
            try:
                floor = recorded_ratio(record["ratio"])
            except ValueError as error:
                self.add(f"ratio：{error}")
        team_size = record["team_size"]
        if not is_int(team_size) or team_size < 2:
            self.add("team_size 应为不小于 2 的整数（第十八条：每组至少 2 名检查人员）")
            return None
        strata = record["strata"]
        if not isinstance(strata, list) or not strata:
            self.add("strata 应为非空列表")
            return None
        merged: list = []
        seen_ids: dict = {}
        names: set = set()
        ok = True
        for number, stratum in enumerate(strata, 1):
            chosen = self.derive_stratum(number, stratum, (floor, record["ratio"]), seed, seen_ids, names)
            if chosen is None:
                ok = False
                continue
            merged.extend(chosen)
        if not ok:
            return None
        merged.sort()
        eligible = self.inspector_pool(record, team_size)
        return None if eligible is None else (strata, merged, eligible)

    def derive_stratum(self, number: int, stratum, floor: tuple, seed: str, seen_ids: dict, names: set):
        """One stratum's checks and re-derived selection (``None`` when it cannot be re-derived)."""
        label = f"第 {number} 层"
        if not isinstance(stratum, dict) or not all(
            name in stratum for name in ("name", "ratio", "population", "k", "selected")
        ):
            self.add(f"{label} 应含 name、ratio、population、k、selected")
            return None
        name = stratum["name"]
        label = f"第 {number} 层（{name}）"
        if name not in STRATUM_NAMES:
            self.add("{}：层名 {} 不是 {} 之一".format(label, show(name), "、".join(STRATUM_NAMES)))
        elif name in names:
            self.add(f"{label}：层名重复")
        names.add(name if isinstance(name, str) else repr(name))
        try:
            ratio = recorded_ratio(stratum["ratio"])
        except ValueError as error:
            self.add(f"{label}：{error}")
            return None
        if floor[0] is not None and ratio < floor[0]:
            self.add("{}：比例 {} 低于本次抽取的比例下限 {}".format(label, stratum["ratio"], floor[1]))
        population = stratum["population"]
        if not isinstance(population, list) or not all(isinstance(item, str) for item in population):
            self.add(f"{label}：population 应为编号（字符串）列表")
            return None
        ordered = self.check_population(label, population, seen_ids)
        k, chosen = select(population, ratio, seed)
        if stratum["k"] != k or not is_int(stratum["k"]):
            self.add(
                "{}：k 应为 {}（⌈{} × {}⌉），记录为 {}".format(label, k, stratum["ratio"], len(population), show(stratum["k"]))
            )
        self.compare_selected(label, chosen, stratum["selected"])
        return chosen if ordered else None

    def check_population(self, label: str, population: list, seen_ids: dict) -> bool:
        """Sorted, without repeats, and no company in two strata; reports and returns False otherwise."""
        ok = True
        for position in range(1, len(population)):
            if not population[position - 1] < population[position]:
                self.add(
                    f"{label}：population 未按编号排序或有重复（{show(population[position - 1])} 与 {show(population[position])}）"
                )
                ok = False
                break
        for item in population:
            if item in seen_ids:
                self.add(f"{label}：企业 {item} 同时出现在{seen_ids[item]}，一家企业只能属于一层")
                return False
            seen_ids[item] = label
        return ok

    def inspector_pool(self, record: dict, team_size: int):
        """The recorded inspector pool, once its shape holds (None otherwise)."""
        inspectors = record["inspectors"]
        if not isinstance(inspectors, dict) or not all(
            name in inspectors for name in ("eligible", "team_size", "teams", "reserve")
        ):
            self.add("inspectors 应含 eligible、team_size、teams、reserve")
            return None
        eligible = inspectors["eligible"]
        if not isinstance(eligible, list) or not all(isinstance(item, str) for item in eligible):
            self.add("inspectors.eligible 应为检查人员编号（字符串）列表")
            return None
        if len(set(eligible)) != len(eligible):
            self.add("inspectors.eligible 中有重复的检查人员")
            return None
        if inspectors["team_size"] != team_size or not is_int(inspectors["team_size"]):
            self.add("inspectors.team_size（{}）与 team_size（{}）不一致".format(show(inspectors["team_size"]), team_size))
        return eligible

    def compare_selected(self, label: str, chosen: list, recorded) -> None:
        if not isinstance(recorded, list):
            self.add(f"{label}：selected 应为列表")
            return
        for position, (ticket, item) in enumerate(chosen):
            if position >= len(recorded):
                self.add(f"{label}：应抽中 {len(chosen)} 家企业，记录只有 {len(recorded)} 家")
                return
            entry = recorded[position]
            if not isinstance(entry, dict) or entry.get("id") != item or entry.get("ticket") != ticket:
                got = (
                    "{}（票号 {}）".format(show(entry.get("id")), short_ticket(entry.get("ticket")))
                    if isinstance(entry, dict) else show(entry)
                )
                self.add(
                    f"{label}：被抽中的第 {position + 1} 家应为 {show(item)}（票号 {short_ticket(ticket)}），记录为 {got}"
                )
                return
        if len(recorded) > len(chosen):
            self.add(f"{label}：应抽中 {len(chosen)} 家企业，记录却有 {len(recorded)} 家")

    def check_fairness(self, record: dict, strata: list, eligible: list) -> None:
        fairness = record["fairness"]
        announcement = record["announcement"]
        if fairness not in FAIRNESS_LEVELS:
            self.add(f"fairness 应为 announced、system 或 operator 之一，记录为 {show(fairness)}")
            return
        seed = record["seed"]
        if fairness == "system" and not (len(seed) == SYSTEM_SEED_DIGITS and seed.isascii() and seed.isdigit()):
            self.add("fairness 为 system（系统随机）时种子应为 20 位数字")
        if fairness != "announced":
            if announcement is not None:
                self.add("不是“事先公告”的抽取，announcement 应为 null")
            return
        if not is_hex64(announcement):
            self.add("“事先公告”的抽取必须写明所依据公告的 hash（announcement）")
            return
        found = self.announces.get(announcement)
        if found is None:
            self.add(f"所依据的公告不存在（本文件在这一行之前没有 hash 为 {announcement[:12]}… 的公告记录）")
            return
        self.check_announced(record, found, strata, eligible)

    def check_announced(self, record: dict, found: tuple, strata: list, eligible: list) -> None:
        announce_line, announce = found
        announcement = record["announcement"]
        if announcement in self.voided:
            self.add(f"所依据的公告已在第 {self.voided[announcement]} 行作废，不能再按它抽取")
        used = self.announcement_used.get(announcement)
        if used is not None:
            self.add(f"第 {announce_line} 行的公告已被第 {used} 行的抽取用过；一份公告只能用于一次抽取（重抽需要新的公告）")
        else:
            self.announcement_used[announcement] = self.line
        seed = record.get("seed")
        if announce.get("seed_rule") and not (isinstance(seed, str) and seed.isascii() and seed.isdigit()):
            self.add(f"第 {announce_line} 行的公告规定种子只取公布号码中的数字，记录的种子 {show(seed)} 不符合")
        for name in ANNOUNCE_MATCHED:
            if name in announce and not same_json(record.get(name), announce[name]):
                self.add(
                    f"{name} 与第 {announce_line} 行的公告不一致：公告为 {show(announce[name])}，抽取为 {show(record.get(name))}"
                )
        population = sorted(item for stratum in strata for item in stratum["population"])
        expected = {
            "population_digest": digest(population),
            "pool_digest": digest(sorted(eligible)),
            "strata_digest": digest([[s["name"], s["ratio"], s["population"]] for s in strata]),
        }
        words = {"population_digest": "企业名单", "pool_digest": "检查人员名单", "strata_digest": "分层"}
        for name, value in expected.items():
            if announce.get(name) != value:
                self.add(f"{words[name]}摘要（{name}）与第 {announce_line} 行公告的不符：名单在公告之后被改动过")

    def derive_teams(self, record: dict, info: DrawFacts, merged: list, eligible: list) -> None:
        team_size = record["team_size"]
        inspectors = record["inspectors"]
        selected = [item for _, item in merged]
        try:
            teams, reserve = form_teams(eligible, record["seed"], team_size, len(selected))
        except Refused:
            self.add(
                f"无法组成检查组（抽中 {len(selected)} 家企业，符合条件的检查人员 {len(eligible)} 名，每组 {team_size} 名），这次抽取本不应成立"
            )
            teams, reserve = [], sorted(eligible)
        self.compare_teams(teams, inspectors["teams"])
        if teams and inspectors["reserve"] != reserve:
            self.add("后备人员（reserve）应为 {}，记录为 {}".format(show_ids(reserve), show(inspectors["reserve"])))
        conflicts = self.conflicts(record["conflicts"], set(eligible), set(selected))
        info.conflicts = conflicts
        if not teams:
            return
        relevant = set(relevant_conflicts(conflicts, eligible, selected))
        try:
            expected = assign(selected, teams, relevant)
        except Refused as refusal:
            self.add(f"企业 {refusal.entity} 与所有检查组都有利害冲突，这次抽取本不应成立")
            return
        self.compare_assignments(expected, record["assignments"])
        info.teams, info.reserve = teams, reserve
        info.team_of = {a["entity"]: a["team"] for a in expected}

    def compare_teams(self, teams: list, recorded_teams) -> None:
        if not isinstance(recorded_teams, list):
            self.add("inspectors.teams 应为列表")
            return
        for j in range(max(len(teams), len(recorded_teams))):
            want = teams[j] if j < len(teams) else None
            got = recorded_teams[j] if j < len(recorded_teams) else None
            if want != got:
                if want is None:
                    self.add(f"应只有 {len(teams)} 个检查组，记录却有 {len(recorded_teams)} 个")
                elif got is None:
                    self.add(f"应有 {len(teams)} 个检查组，记录只有 {len(recorded_teams)} 个")
                else:
                    self.add(f"检查组 {j} 应为 {show_ids(want)}，记录为 {show(got)}")
                return

    def conflicts(self, recorded, eligible: set, selected: set) -> set:
        result: set = set()
        if not isinstance(recorded, list):
            self.add("conflicts 应为列表")
            return result
        previous = None
        for entry in recorded:
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("inspector"), str)
                and isinstance(entry.get("entity"), str)
            ):
                self.add(f"conflicts 的每一项应为 {{inspector, entity}}：{show(entry)}")
                continue
            pair = (entry["inspector"], entry["entity"])
            if pair[0] not in eligible:
                self.add(f"利害冲突中的检查人员 {pair[0]} 不在符合条件的检查人员名单里")
            if pair[1] not in selected:
                self.add(f"利害冲突中的企业 {pair[1]} 不是这次被抽中的企业")
            if previous is not None and not previous < pair:
                self.add("conflicts 未按检查人员、企业排序或有重复（{} / {}）".format(*pair))
            previous = pair
            result.add(pair)
        return result

    def compare_assignments(self, expected: list, recorded) -> None:
        if not isinstance(recorded, list):
            self.add("assignments 应为列表")
            return
        for index, want in enumerate(expected):
            if index >= len(recorded):
                self.add(f"应有 {len(expected)} 条分组（assignments），记录只有 {len(recorded)} 条")
                return
            got = recorded[index]
            team = got.get("team") if isinstance(got, dict) else None
            if not isinstance(got, dict) or got.get("entity") != want["entity"] or not same_json(team, want["team"]):
                self.add(
                    "分组第 {} 条应为企业 {} → 检查组 {}，记录为 {}".format(index + 1, want["entity"], want["team"], show(got))
                )
                return
        if len(recorded) > len(expected):
            self.add(f"应有 {len(expected)} 条分组（assignments），记录却有 {len(recorded)} 条")


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/records.py: The meaning of a ledger's records (SPEC §5): every draw and recusal re-derived, voids and announcements
# --------------------------------------------------------------------------------------------------


ANNOUNCE_FIELDS = (
    "section", "plan_item", "date", "ratio", "team_size", "seed_source",
    "population_digest", "pool_digest", "strata_digest",
)
VOID_FIELDS = ("draw", "reason")
RECUSAL_FIELDS = ("draw", "entity", "inspector", "replacement", "reason")
TARGETED_FIELDS = ("section", "date", "basis", "reference", "reason", "entities", "inspectors")
PLAN_APPROVAL_FIELDS = ("year", "plan", "meeting", "approved_on", "approver", "digest")
PUBLISH_FIELDS = ("manifest_digest", "sections", "from", "to", "results")


class RecordChecker(DrawChecks):
    """Checks one ledger file's records in order; ``problems`` collects ``(line, message)``."""

    def run(self, records) -> list:
        handlers = {
            "draw": self.draw, "announce": self.announce, "void": self.void, "recusal": self.recusal,
            "targeted": self.targeted, "plan_approval": self.plan_approval, "publish": self.publish,
        }
        for index, record in enumerate(records):
            if record is None:
                continue
            self.line = index + 1
            kind = record.get("type")
            handler = handlers.get(kind) if isinstance(kind, str) else None
            if handler is None:
                if "type" in record:
                    self.add(f"未知的记录类型 {show(kind)}")
                continue
            handler(record)
        return self.problems

    # -- other record types -------------------------------------------------------------------------

    def announce(self, record: dict) -> None:
        if is_hex64(record.get("hash")) and record["hash"] not in self.announces:
            self.announces[record["hash"]] = (self.line, record)
        if not self.require(record, ANNOUNCE_FIELDS):
            return
        self.check_section(record)
        if record["plan_item"] is not None and not isinstance(record["plan_item"], str):
            self.add("plan_item 应为字符串或 null")
        if not is_date(record["date"]):
            self.add("date 不是有效日期（YYYY-MM-DD）：{}".format(show(record["date"])))
        if record["ratio"] is not None:
            try:
                recorded_ratio(record["ratio"])
            except ValueError as error:
                self.add(f"ratio：{error}")
        if not is_int(record["team_size"]) or record["team_size"] < 2:
            self.add("team_size 应为不小于 2 的整数")
        if not isinstance(record["seed_source"], str) or not record["seed_source"].strip():
            self.add("公告必须写明将来种子的公开来源（seed_source）")
        for name in ("population_digest", "pool_digest", "strata_digest"):
            if not is_hex64(record[name]):
                self.add(f"{name} 不是 64 位小写十六进制摘要")

    def void(self, record: dict) -> None:
        if not self.require(record, VOID_FIELDS):
            return
        target = record["draw"]
        if not isinstance(record["reason"], str) or not record["reason"].strip():
            self.add("作废必须写明原因（reason）")
        found = self.draws.get(target) if is_hex64(target) else None
        announced = self.announces.get(target) if is_hex64(target) else None
        if found is None and announced is None:
            self.add(f"作废的抽取或公告不存在（本文件在这一行之前没有 hash 为 {show(target, 20)} 的抽取或公告记录）")
            return
        line = found.line if found is not None else announced[0] if announced is not None else 0
        if target in self.voided:
            self.add(f"第 {line} 行的记录已在第 {self.voided[target]} 行作废过；一条记录只能作废一次")
            return
        if announced is not None and target in self.announcement_used:
            self.add(f"第 {line} 行的公告已在第 {self.announcement_used[target]} 行用于抽取，不能再作废公告（应作废那次抽取）")
            return
        self.voided[target] = self.line

    def recusal(self, record: dict) -> None:
        if not self.require(record, RECUSAL_FIELDS):
            return
        if record["reason"] not in RECUSAL_REASONS:
            self.add("回避原因应为 {} 之一，记录为 {}".format("、".join(RECUSAL_REASONS), show(record["reason"])))
        target = record["draw"]
        found = self.draws.get(target) if is_hex64(target) else None
        if found is None:
            self.add(f"回避所指的抽取不存在（本文件在这一行之前没有 hash 为 {show(target, 20)} 的抽取记录）")
            return
        if target in self.voided:
            self.add(f"第 {found.line} 行的抽取已在第 {self.voided[target]} 行作废，不能再回避换人")
        entity, inspector, replacement = record["entity"], record["inspector"], record["replacement"]
        if found.teams is None:
            self.add(f"所指的第 {found.line} 行抽取本身无法复核，这次回避换人也无法复核")
            return
        if not isinstance(entity, str) or entity not in found.team_of:
            self.add(f"企业 {show(entity)} 不是第 {found.line} 行抽取中被抽中的企业")
            return
        history = self.recusals.setdefault((target, entity), [])
        team = apply_recusals(found.teams[found.team_of[entity]], entity, history)
        history.append(record)
        if inspector not in team:
            self.add(f"回避的检查人员 {show(inspector)} 不在企业 {entity} 当前的检查组（{show_ids(team)}）里")
            return
        if not isinstance(replacement, str):
            self.add("回避记录必须写明替补人员（replacement）：没有人可替补时不能记录回避，应另行处理或作废抽取")
            return
        stepped_aside = {earlier.get("inspector") for earlier in history}  # includes this record's inspector
        expected = next((c for c in found.reserve if c not in team and c not in stepped_aside
                         and (c, entity) not in found.conflicts), None)
        if replacement != expected:
            self.add(
                "替补人员应为 {}（后备名单中第一位不在该组、未曾为该企业回避且与该企业无利害冲突的人员），记录为 {}".format(
                    show(expected) if expected is not None else "无人可替补", show(replacement)
                )
            )

    def targeted(self, record: dict) -> None:
        if not self.require(record, TARGETED_FIELDS):
            return
        self.check_section(record)
        if record["basis"] not in TARGETED_BASES:
            self.add("定向检查的依据应为 {} 之一，记录为 {}".format("、".join(TARGETED_BASES), show(record["basis"])))
        for name in ("entities", "inspectors"):
            value = record[name]
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                self.add(f"{name} 应为编号（字符串）列表")

    def plan_approval(self, record: dict) -> None:
        self.require(record, PLAN_APPROVAL_FIELDS)

    def publish(self, record: dict) -> None:
        self.require(record, PUBLISH_FIELDS)


def check_records(records) -> list:
    """Check the meaning of one ledger file's records, in file order: ``[(line_number, message), …]``.

    ``records`` is what :func:`~shuangsuiji.core.chain.read_ledger` returns (``records[i]`` is line ``i + 1``;
    ``None`` entries are skipped). Every draw is re-derived from its record alone; voids, recusals and
    announcements are checked against the earlier records of the same file.
    """
    return RecordChecker().run(records)


def check_ledger(path):
    """:func:`~shuangsuiji.core.chain.read_ledger` and :func:`check_records` together: ``(records, problems)``
    sorted by line."""
    records, problems = read_ledger(path)
    problems = problems + check_records(records)
    problems.sort(key=lambda problem: problem[0])
    return records, problems


# --------------------------------------------------------------------------------------------------
# shuangsuiji/publish/verifier/command.py: 命令行
# --------------------------------------------------------------------------------------------------


RESULTS = "results.json"
MISSING_MANIFEST = "缺少文件清单：这是一个公示包（有 results.json），没有 manifest.json 就无法核对各文件是否被改动过"


def _team_now(draw: dict, entity: str, records: list) -> list:
    """The team checking ``entity`` after every recusal recorded for it (in file order)."""
    index = team_index(draw, entity)
    teams = draw.get("inspectors", {}).get("teams", [])
    if not isinstance(index, int) or not 0 <= index < len(teams):
        return []
    recusals = [r for r in records if r.get("type") == "recusal" and r.get("draw") == draw.get("hash")]
    return apply_recusals(teams[index], entity, recusals)


def check_results(path, records: list) -> list:
    """Every published result belongs to a drawn, non-voided company and names only its team's inspectors."""
    try:
        with open(path, "rb") as handle:
            results = json.loads(handle.read().decode("utf-8-sig")).get("results", [])
    except (OSError, ValueError, AttributeError) as error:
        return [f"无法读取检查结果（{error}）"]
    draws = {r.get("hash"): r for r in records if r.get("type") == "draw"}
    voided = {r.get("draw") for r in records if r.get("type") == "void"}
    problems = []
    for number, result in enumerate(results if isinstance(results, list) else [], 1):
        if not isinstance(result, dict):
            problems.append(f"第 {number} 项结果格式不对")
            continue
        draw = draws.get(result.get("draw_hash"))
        entity = result.get("entity_id")
        if draw is None:
            problems.append(f"第 {number} 项结果（{show(entity)}）所依据的抽取不在公示的台账中")
            continue
        if draw.get("hash") in voided:
            problems.append(f"第 {number} 项结果（{show(entity)}）所依据的抽取已作废")
        team = _team_now(draw, str(entity), records)
        if not team:
            problems.append(f"第 {number} 项结果的单位 {show(entity)} 不在所依据的抽取结果中")
            continue
        outsiders = [p.get("id") for p in result.get("inspectors", []) if isinstance(p, dict) and p.get("id") not in team]
        if outsiders:
            problems.append(f"第 {number} 项结果的检查人员 {show_ids(outsiders)} 不是抽中的检查组成员（检查组：{show_ids(team)}）")
    return problems


def verify_folder(folder) -> dict:
    """Verify a folder (manifest, if any, and every ``*.jsonl`` below it); returns a summary dict."""
    folder = os.fspath(folder)
    report: dict = {"folder": os.path.abspath(folder), "manifest": None, "ledgers": [], "problems": []}
    if os.path.isfile(os.path.join(folder, MANIFEST)):
        manifest_problems = verify_manifest(folder)
        try:
            with open(os.path.join(folder, MANIFEST), "rb") as handle:
                listed = json.loads(handle.read().decode("utf-8-sig")).get("files", {})
            count = len(listed) if isinstance(listed, dict) else 0
        except (OSError, ValueError, AttributeError):
            count = 0
        report["manifest"] = {
            "files": count,
            "problems": [{"path": path, "message": message} for path, message in manifest_problems],
        }
        report["problems"].extend({"path": path, "line": None, "message": m} for path, m in manifest_problems)
    ledgers = sorted(
        path for path in files_under(folder, skip_hidden=True).items() if path[0].endswith(".jsonl")
    )
    all_records: list = []
    for relative, real in ledgers:
        try:
            records, problems = check_ledger(real)
        except OSError as error:
            records, problems = [], [(0, f"无法读取（{error}）")]
        present = [record for record in records if record is not None]
        all_records.extend(present)
        counts = {kind: 0 for kind in RECORD_TYPES}
        fairness = {level: 0 for level in FAIRNESS_LEVELS}
        for record in present:
            if record.get("type") in counts:
                counts[record["type"]] += 1
            if record.get("type") == "draw" and record.get("fairness") in fairness:
                fairness[record["fairness"]] += 1
        entry = {
            "path": relative,
            "records": len(present),
            "draws": counts["draw"],
            "voids": counts["void"],
            "recusals": counts["recusal"],
            "announcements": counts["announce"],
            "fairness": fairness,
            "problems": [{"line": line, "message": message} for line, message in problems],
        }
        report["ledgers"].append(entry)
        report["problems"].extend({"path": relative, "line": line, "message": m} for line, m in problems)
    results_path = os.path.join(folder, RESULTS)
    if os.path.isfile(results_path) and report["manifest"] is None:
        # a disclosure bundle (it has results.json) without its file list could have been changed at will
        report["problems"].append({"path": MANIFEST, "line": None, "message": MISSING_MANIFEST})
    if os.path.isfile(results_path):
        result_problems = check_results(results_path, all_records)
        report["results"] = {"problems": result_problems}
        report["problems"].extend({"path": RESULTS, "line": None, "message": m} for m in result_problems)
    if not ledgers and report["manifest"] is None:
        report["problems"].append({"path": ".", "line": None, "message": "这个文件夹里既没有 manifest.json，也没有台账文件（*.jsonl）"})
    report["ok"] = not report["problems"]
    return report


def _summary_line(entry: dict) -> str:
    head = f"{entry['path']}：{entry['records']} 条记录"
    draws = entry["draws"]
    count = len(entry["problems"])
    if count:
        return head + (f"，{draws} 次抽取；发现 {count} 个问题" if draws else f"；发现 {count} 个问题")
    if not draws:
        return head + "，哈希链完整"
    details = "、".join(f"{FAIRNESS_SHORT[level]} {n} 次" for level, n in entry["fairness"].items() if n)
    if entry["voids"]:
        details += f"；其中作废 {entry['voids']} 次"
    if entry["recusals"]:
        details += f"；回避换人 {entry['recusals']} 次，替补人员复核一致"
    return head + f"，{draws} 次抽取全部复核一致（{details}）"




def _print_report(report: dict) -> None:
    print(f"核验文件夹：{report['folder']}")
    manifest = report["manifest"]
    if manifest is None:
        missing = [p for p in report["problems"] if p["path"] == MANIFEST]
        print(f"{MANIFEST}: {MISSING_MANIFEST}" if missing else "（没有 manifest.json，跳过文件清单核验）")
    elif manifest["problems"]:
        print(f"manifest.json：清单列出 {manifest['files']} 个文件；发现 {len(manifest['problems'])} 个问题")
        for problem in manifest["problems"]:
            print(f"{problem['path']}: {problem['message']}")
    else:
        print(f"manifest.json：清单中 {manifest['files']} 个文件的 SHA-256 全部相符，没有多出或缺少的文件")
    for entry in report["ledgers"]:
        print(_summary_line(entry))
        for problem in entry["problems"]:
            if problem["line"]:
                print(f"{entry['path']}:{problem['line']}: {problem['message']}")
            else:
                print(f"{entry['path']}: {problem['message']}")
    digest = report.get("digest")
    if digest is not None:
        if digest["ok"]:
            print(f"清单摘要：manifest.json 的 SHA-256 与公布的 {digest['expected']} 一致")
        else:
            print(f"{MANIFEST}: {report['problems'][-1]['message']}")
    results = report.get("results")
    if results is not None:
        if results["problems"]:
            for message in results["problems"]:
                print(f"{RESULTS}: {message}")
        else:
            print(f"{RESULTS}：每一项公示结果都对应台账中一次有效抽取的抽中单位，检查人员均为该单位的检查组成员")
    if not report["ledgers"] and manifest is None:
        print(report["problems"][0]["message"])
    draws = sum(entry["draws"] for entry in report["ledgers"])
    if draws:
        print(FAIRNESS_LEGEND)
    if report["ok"]:
        print(f"核验通过：{len(report['ledgers'])} 个台账文件的哈希链完整，{draws} 次抽取全部从记录本身重新算出、结果一致。")
    else:
        print(f"核验未通过：共发现 {len(report['problems'])} 个问题（见上）。")


def _check_digest(report: dict, folder: str, expected: str) -> None:
    """Compare manifest.json with the digest the bureau published elsewhere (its notice board, the platform)."""
    try:
        with open(os.path.join(folder, MANIFEST), "rb") as handle:
            actual = hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        actual = None
    report["digest"] = {"expected": expected, "actual": actual, "ok": actual == expected}
    if actual != expected:
        report["problems"].append({"path": MANIFEST, "line": None,
                                   "message": f"manifest.json 的 SHA-256 为 {actual}，与公布的清单摘要 {expected} 不符：公示包被替换或改动过"})
        report["ok"] = False


def main(argv=None) -> int:
    """``python verify.py [FOLDER] [--json]``: exit status 0 only when everything holds."""
    parser = argparse.ArgumentParser(
        prog="verify.py",
        description="核验“双随机、一公开”抽查台账与公开材料：文件清单、哈希链，并重新计算每一次随机抽取。",
    )
    parser.add_argument(
        "folder", nargs="?", default=os.path.dirname(os.path.abspath(__file__)),
        help="要核验的文件夹（默认：本文件所在的文件夹）",
    )
    parser.add_argument("--json", action="store_true", help="输出机器可读的 JSON 摘要")
    parser.add_argument(
        "--digest", metavar="SHA256",
        help="应急管理局公布的清单摘要（manifest.json 的 SHA-256）：核对公示包没有被整体替换过",
    )
    args = parser.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    if not os.path.isdir(args.folder):
        print(f"找不到文件夹：{args.folder}", file=sys.stderr)
        return 2
    report = verify_folder(args.folder)
    if args.digest is not None:
        _check_digest(report, args.folder, args.digest.strip().lower())
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
