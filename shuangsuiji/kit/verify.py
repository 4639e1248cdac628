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

from __future__ import annotations

import argparse
import contextlib
import hashlib
import heapq
import json
import os
import re
import sys
import unicodedata
from datetime import date as _date
from fractions import Fraction

__all__ = [
    "ZERO_HASH",
    "CanonicalError",
    "canonical",
    "record_hash",
    "digest",
    "sha256_hex",
    "first_fraction",
    "parse_ratio",
    "sample_size",
    "parse_ledger",
    "read_ledger",
    "check_records",
    "check_ledger",
    "verify_manifest",
    "verify_folder",
    "main",
]

ZERO_HASH = "0" * 64
RECORD_TYPES = ("draw", "announce", "void", "recusal", "targeted", "plan_approval", "publish")
COMMON_FIELDS = ("seq", "prev", "hash", "type", "at", "operator")
STRATUM_NAMES = ("重点", "黑名单", "问题", "风险A", "风险B", "风险C", "风险D", "一般")
FAIRNESS_LEVELS = ("announced", "system", "operator")
FAIRNESS_WORDS = {"announced": "事先公告", "system": "系统随机", "operator": "人工输入"}
RECUSAL_REASONS = ("利害关系回避", "因故不能执行检查", "其他")
TARGETED_BASES = ("投诉举报", "上级交办", "移送线索")
DRAW_FIELDS = (
    "section", "plan_item", "checklist_item", "date", "seed", "seed_source", "fairness", "announcement",
    "ratio", "team_size", "strata", "inspectors", "conflicts", "assignments", "inputs", "commit", "dirty",
)
ANNOUNCE_FIELDS = (
    "section", "plan_item", "date", "ratio", "team_size", "seed_source",
    "population_digest", "pool_digest", "strata_digest",
)
VOID_FIELDS = ("draw", "reason")
RECUSAL_FIELDS = ("draw", "entity", "inspector", "replacement", "reason")
TARGETED_FIELDS = ("section", "date", "basis", "reference", "reason", "entities", "inspectors")
PLAN_APPROVAL_FIELDS = ("year", "plan", "meeting", "approved_on", "approver", "digest")
PUBLISH_FIELDS = ("manifest_digest", "sections", "from", "to", "results")
ANNOUNCE_MATCHED = ("section", "plan_item", "date", "ratio", "team_size", "seed_source")

_INT_LIMIT = 2**53 - 1  # RFC 8785 numbers are IEEE doubles: larger integers are not exact
_HEX64 = re.compile(r"[0-9a-f]{64}")
_RATIO = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AT = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})")
_SYSTEM_SEED = re.compile(r"[0-9]{20}")


# ---------------------------------------------------------------------------------------------------
# RFC 8785 (JSON Canonicalization Scheme) for the values a ledger holds
# ---------------------------------------------------------------------------------------------------

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


def _record_forms(record: dict):
    """(canonical bytes of ``record``, SHA-256 hex of the canonical record without ``hash``), in one pass."""
    try:
        keys = _sorted_keys(record)
        parts = {key: _QUOTE(key) + ":" + _text(record[key]) for key in keys}
    except RecursionError:
        raise CanonicalError("嵌套层数过多") from None
    full = _utf8("{" + ",".join(parts[key] for key in keys) + "}")
    body = _utf8("{" + ",".join(parts[key] for key in keys if key != "hash") + "}")
    return full, hashlib.sha256(body).hexdigest()


def sha256_hex(text: str) -> str:
    """SHA-256 of the UTF-8 bytes of ``text``, lowercase hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest(value) -> str:
    """SHA-256 (lowercase hex) of the RFC 8785 form of ``value``."""
    return hashlib.sha256(canonical(value)).hexdigest()


def record_hash(record: dict) -> str:
    """A record's ``hash``: SHA-256 of the RFC 8785 form of the record without its ``hash`` field."""
    return digest({key: value for key, value in record.items() if key != "hash"})


# ---------------------------------------------------------------------------------------------------
# Tickets (consistent sampling, Rivest) and sample sizes
# ---------------------------------------------------------------------------------------------------

def _ticket(seed_hash: str, item_id: str) -> str:
    number = int.from_bytes(hashlib.sha256((seed_hash + item_id).encode("utf-8")).digest(), "big")
    return "0." + str(number).zfill(64)[::-1]


def first_fraction(id, seed) -> str:  # same parameter names as consistent_sampler.first_fraction
    """The ticket of ``id`` under ``seed``: ``consistent_sampler.first_fraction(id, seed)``.

    Like that package, both are turned into strings with ``str()`` first.
    """
    return _ticket(sha256_hex(str(seed)), str(id))


def _ranked(ids, seed: str) -> list:
    """``(ticket, id)`` pairs of ``ids`` under ``seed``, smallest ticket first, ties by id."""
    seed_hash = sha256_hex(seed)
    return sorted([(_ticket(seed_hash, item), item) for item in ids])


def _smallest(ids, seed_hash: str, k: int) -> list:
    """The ``k`` smallest ``(ticket, id)`` pairs of ``ids`` under the seed whose SHA-256 hex is ``seed_hash``."""
    sha256, from_bytes = hashlib.sha256, int.from_bytes  # _ticket inlined: millions of ids in a large ledger
    pairs = [("0." + str(from_bytes(sha256((seed_hash + item).encode("utf-8")).digest(), "big")).zfill(64)[::-1], item)
             for item in ids]
    if k * 4 >= len(pairs):
        pairs.sort()
        return pairs[:k]
    return heapq.nsmallest(k, pairs)


def parse_ratio(text) -> Fraction:
    """An exact ratio in (0, 1] from a decimal string such as ``"0.1"``, ``"1"`` or ``"0.125"`` (no exponent)."""
    if not isinstance(text, str) or not _RATIO.fullmatch(text):
        raise ValueError(f"比例 {_show(text)} 不是小数字符串（应写成 \"0.1\" 这样的形式）")
    value = Fraction(text)
    if not 0 < value <= 1:
        raise ValueError(f"比例 {_show(text)} 不在 (0, 1] 范围内")
    return value


def sample_size(n: int, ratio) -> int:
    """k = ⌈ratio · n⌉ in exact arithmetic, at least 1 when n ≥ 1 (``ratio`` a decimal string or Fraction)."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError("总数必须是非负整数")
    value = ratio if isinstance(ratio, Fraction) else parse_ratio(ratio)
    if n == 0:
        return 0
    return max(1, -((-value.numerator * n) // value.denominator))


# ---------------------------------------------------------------------------------------------------
# Reading a ledger file: lines, canonical form, hash chain
# ---------------------------------------------------------------------------------------------------

def _no_duplicate_keys(pairs: list) -> dict:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"键“{key}”重复出现")
        result[key] = value
    return result


def _no_float(text: str):
    raise ValueError(f"含有浮点数 {text}（台账中只允许整数）")


def _no_constant(text: str):
    raise ValueError(f"含有 {text}（台账中不允许）")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_hex64(value) -> bool:
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


def _is_date(value) -> bool:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        _date(int(value[0:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        return False
    return True


def _is_at(value) -> bool:
    if not isinstance(value, str):
        return False
    match = _AT.fullmatch(value)
    return match is not None and _is_date(match.group(1))


def _show(value, limit: int = 80) -> str:
    """A short, readable rendering of a value for a message."""
    if isinstance(value, str):
        text = f"“{value}”"
    else:
        try:
            text = canonical(value).decode("utf-8")
        except ValueError:
            text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short_ticket(ticket) -> str:
    if isinstance(ticket, str):
        return ticket if len(ticket) <= 16 else ticket[:14] + "…"
    return _show(ticket)


def _show_ids(ids, limit: int = 6) -> str:
    ids = list(ids)
    if not ids:
        return "（空）"
    shown = "、".join(str(item) for item in ids[:limit])
    return shown + (f"等 {len(ids)} 个" if len(ids) > limit else "")


def parse_ledger(data: bytes):
    """Parse the bytes of one ledger file; see :func:`read_ledger`."""
    records: list = []
    problems: list = []
    pieces = data.split(b"\n")
    whole, torn = pieces[:-1], pieces[-1]
    previous_hash: str | None = ZERO_HASH
    for index, raw in enumerate(whole):
        line = index + 1
        record, actual_hash = _parse_line(raw, line, problems)
        records.append(record)
        if record is None:
            previous_hash = None
            continue
        _check_chain(record, actual_hash, line, previous_hash, problems)
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


def _parse_line(raw: bytes, line: int, problems: list):
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
            object_pairs_hook=_no_duplicate_keys,
            parse_float=_no_float,
            parse_constant=_no_constant,
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
        form, actual_hash = _record_forms(record)
    except CanonicalError as error:
        problems.append((line, f"含有台账不允许的内容：{error}"))
        return record, None
    if form != raw:
        if raw.endswith(b"\r"):
            problems.append((line, "行尾多了回车符（\\r），文件可能被转换成了 Windows 换行；字节已与记录时不同"))
        else:
            problems.append((line, "不是 RFC 8785 规范形式（空白、键的顺序或转义与规范不同）"))
    return record, actual_hash


def _check_chain(record: dict, actual_hash, line: int, previous_hash, problems: list) -> None:
    for field in COMMON_FIELDS:
        if field not in record:
            problems.append((line, f"缺少字段 {field}"))
    seq = record.get("seq")
    if "seq" in record and (not _is_int(seq) or seq != line - 1):
        problems.append((
            line,
            f"seq 应为 {line - 1}，记录为 {_show(seq)}（前面的记录被删除、插入或调换过）",
        ))
    if "prev" in record:
        prev = record["prev"]
        if not _is_hex64(prev):
            problems.append((line, "prev 不是 64 位小写十六进制哈希"))
        elif line == 1 and prev != ZERO_HASH:
            problems.append((line, "第一条记录的 prev 应为 64 个 0"))
        elif line > 1 and previous_hash is not None and prev != previous_hash:
            problems.append((line, "prev 与上一行的 hash 不符（前面的记录被删除、插入、调换或改动过）"))
    if "hash" in record:
        stored = record["hash"]
        if not _is_hex64(stored):
            problems.append((line, "hash 不是 64 位小写十六进制哈希"))
        elif actual_hash is not None and actual_hash != stored:
            problems.append((line, "hash 不符（记录被改动过）"))
    if "type" in record and not isinstance(record["type"], str):
        problems.append((line, "type 应为字符串"))
    if "at" in record and not _is_at(record["at"]):
        problems.append((line, "at 不是带时区的 ISO 8601 时间（如 2026-12-01T09:30:00+08:00）：{}".format(_show(record["at"]))))
    if "operator" in record and not (isinstance(record["operator"], str) and record["operator"].strip()):
        problems.append((line, "operator 应为非空字符串"))


# ---------------------------------------------------------------------------------------------------
# Checking the records: re-deriving draws and recusals, voids, announcements
# ---------------------------------------------------------------------------------------------------

class _Draw:
    """What later records need of a draw: where it is, and its re-derived teams (None if not derivable)."""

    def __init__(self, line: int, record: dict) -> None:
        self.line = line
        self.record = record
        self.teams: list | None = None  # list of lists of inspector ids
        self.reserve: list = []
        self.team_of: dict = {}  # entity -> team index
        self.conflicts: set = set()  # (inspector, entity)


class _Checker:
    def __init__(self) -> None:
        self.problems: list = []
        self.line = 0
        self.draws: dict = {}  # hash -> _Draw
        self.announces: dict = {}  # hash -> (line, record)
        self.announcement_used: dict = {}  # announce hash -> line of the draw that used it
        self.voided: dict = {}  # draw hash -> line of the void
        self.recusals: dict = {}  # (draw hash, entity) -> [(inspector, replacement), ...]
        self.section: str | None = None
        self.section_line = 0

    def add(self, message: str) -> None:
        self.problems.append((self.line, message))

    def require(self, record: dict, fields) -> bool:
        missing = [field for field in fields if field not in record]
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
                f"每个科室一个台账文件：本文件第 {self.section_line} 行起属于 {_show(self.section)}，这条记录却属于 {_show(section)}"
            )

    def run(self, records) -> list:
        for index, record in enumerate(records):
            if record is None:
                continue
            self.line = index + 1
            kind = record.get("type")
            handler = {
                "draw": self.draw,
                "announce": self.announce,
                "void": self.void,
                "recusal": self.recusal,
                "targeted": self.targeted,
                "plan_approval": self.plan_approval,
                "publish": self.publish,
            }.get(kind) if isinstance(kind, str) else None
            if handler is None:
                if "type" in record:
                    self.add(f"未知的记录类型 {_show(kind)}")
                continue
            handler(record)
        return self.problems

    # -- draw ---------------------------------------------------------------------------------------

    def draw(self, record: dict) -> None:
        info = _Draw(self.line, record)
        if _is_hex64(record.get("hash")) and record["hash"] not in self.draws:
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
        if not _is_date(record["date"]):
            self.add("date 不是有效日期（YYYY-MM-DD）：{}".format(_show(record["date"])))
        if not isinstance(record["seed_source"], str):
            self.add("seed_source 应为字符串")
        inputs = record["inputs"]
        if not isinstance(inputs, dict) or not all(_is_hex64(value) for value in inputs.values()):
            self.add("inputs 应为 {文件路径: SHA-256} 对象")
        if record["commit"] is not None and not isinstance(record["commit"], str):
            self.add("commit 应为字符串或 null")
        if not isinstance(record["dirty"], bool):
            self.add("dirty 应为 true 或 false")

    def derive(self, record: dict):
        """Check the strata and their selections; returns (strata, merged pairs, eligible) or None."""
        seed = record["seed"]
        if not isinstance(seed, str) or not seed:
            self.add("seed 应为非空字符串")
            return None
        if seed != unicodedata.normalize("NFC", seed.strip()):
            self.add("seed 未去掉首尾空白或不是 NFC 形式（记录的应是实际使用的种子）")
        floor = None
        if record["ratio"] is not None:
            try:
                floor = parse_ratio(record["ratio"])
            except ValueError as error:
                self.add(f"ratio：{error}")
        team_size = record["team_size"]
        if not _is_int(team_size) or team_size < 2:
            self.add("team_size 应为不小于 2 的整数（第十八条：每组至少 2 名检查人员）")
            return None
        strata = record["strata"]
        if not isinstance(strata, list) or not strata:
            self.add("strata 应为非空列表")
            return None
        seed_hash = sha256_hex(seed)
        merged: list = []
        seen_ids: dict = {}
        names: set = set()
        ok = True
        for number, stratum in enumerate(strata, 1):
            label = f"第 {number} 层"
            if not isinstance(stratum, dict) or not all(
                field in stratum for field in ("name", "ratio", "population", "k", "selected")
            ):
                self.add(f"{label} 应含 name、ratio、population、k、selected")
                ok = False
                continue
            name = stratum["name"]
            label = f"第 {number} 层（{name}）"
            if name not in STRATUM_NAMES:
                self.add("{}：层名 {} 不是 {} 之一".format(label, _show(name), "、".join(STRATUM_NAMES)))
            elif name in names:
                self.add(f"{label}：层名重复")
            names.add(name if isinstance(name, str) else repr(name))
            try:
                ratio = parse_ratio(stratum["ratio"])
            except ValueError as error:
                self.add(f"{label}：{error}")
                ok = False
                continue
            if floor is not None and ratio < floor:
                self.add("{}：比例 {} 低于本次抽取的比例下限 {}".format(label, stratum["ratio"], record["ratio"]))
            population = stratum["population"]
            if not isinstance(population, list) or not all(isinstance(item, str) for item in population):
                self.add(f"{label}：population 应为编号（字符串）列表")
                ok = False
                continue
            for position in range(1, len(population)):
                if not population[position - 1] < population[position]:
                    self.add(
                        f"{label}：population 未按编号排序或有重复（{_show(population[position - 1])} 与 {_show(population[position])}）"
                    )
                    ok = False
                    break
            for item in population:
                if item in seen_ids:
                    self.add(f"{label}：企业 {item} 同时出现在{seen_ids[item]}，一家企业只能属于一层")
                    ok = False
                    break
                seen_ids[item] = label
            k = sample_size(len(population), ratio)
            if stratum["k"] != k or not _is_int(stratum["k"]):
                self.add(
                    "{}：k 应为 {}（⌈{} × {}⌉），记录为 {}".format(label, k, stratum["ratio"], len(population), _show(stratum["k"]))
                )
            chosen = _smallest(population, seed_hash, k) if k else []
            self.compare_selected(label, chosen, stratum["selected"])
            merged.extend(chosen)
        if not ok:
            return None
        merged.sort()
        inspectors = record["inspectors"]
        if not isinstance(inspectors, dict) or not all(
            field in inspectors for field in ("eligible", "team_size", "teams", "reserve")
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
        if inspectors["team_size"] != team_size or not _is_int(inspectors["team_size"]):
            self.add("inspectors.team_size（{}）与 team_size（{}）不一致".format(_show(inspectors["team_size"]), team_size))
        return strata, merged, eligible

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
                    "{}（票号 {}）".format(_show(entry.get("id")), _short_ticket(entry.get("ticket")))
                    if isinstance(entry, dict) else _show(entry)
                )
                self.add(
                    f"{label}：被抽中的第 {position + 1} 家应为 {_show(item)}（票号 {_short_ticket(ticket)}），记录为 {got}"
                )
                return
        if len(recorded) > len(chosen):
            self.add(f"{label}：应抽中 {len(chosen)} 家企业，记录却有 {len(recorded)} 家")

    def check_fairness(self, record: dict, strata: list, eligible: list) -> None:
        fairness = record["fairness"]
        announcement = record["announcement"]
        if fairness not in FAIRNESS_LEVELS:
            self.add(f"fairness 应为 announced、system 或 operator 之一，记录为 {_show(fairness)}")
            return
        if fairness == "system" and not _SYSTEM_SEED.fullmatch(record["seed"]):
            self.add("fairness 为 system（系统随机）时种子应为 20 位数字")
        if fairness != "announced":
            if announcement is not None:
                self.add("不是“事先公告”的抽取，announcement 应为 null")
            return
        if not _is_hex64(announcement):
            self.add("“事先公告”的抽取必须写明所依据公告的 hash（announcement）")
            return
        found = self.announces.get(announcement)
        if found is None:
            self.add(f"所依据的公告不存在（本文件在这一行之前没有 hash 为 {announcement[:12]}… 的公告记录）")
            return
        announce_line, announce = found
        if announcement in self.voided:
            self.add(f"所依据的公告已在第 {self.voided[announcement]} 行作废，不能再按它抽取")
        used = self.announcement_used.get(announcement)
        if used is not None:
            self.add(f"第 {announce_line} 行的公告已被第 {used} 行的抽取用过；一份公告只能用于一次抽取（重抽需要新的公告）")
        else:
            self.announcement_used[announcement] = self.line
        seed = record.get("seed")
        if announce.get("seed_rule") and not (isinstance(seed, str) and seed.isascii() and seed.isdigit()):
            self.add(f"第 {announce_line} 行的公告规定种子只取公布号码中的数字，记录的种子 {_show(seed)} 不符合")
        for field in ANNOUNCE_MATCHED:
            if field in announce and not _same(record.get(field), announce[field]):
                self.add(
                    f"{field} 与第 {announce_line} 行的公告不一致：公告为 {_show(announce[field])}，抽取为 {_show(record.get(field))}"
                )
        population = sorted(item for stratum in strata for item in stratum["population"])
        expected = {
            "population_digest": digest(population),
            "pool_digest": digest(sorted(eligible)),
            "strata_digest": digest([[s["name"], s["ratio"], s["population"]] for s in strata]),
        }
        words = {"population_digest": "企业名单", "pool_digest": "检查人员名单", "strata_digest": "分层"}
        for field, value in expected.items():
            if announce.get(field) != value:
                self.add(
                    f"{words[field]}摘要（{field}）与第 {announce_line} 行公告的不符：名单在公告之后被改动过"
                )

    def derive_teams(self, record: dict, info: _Draw, merged: list, eligible: list) -> None:
        team_size = record["team_size"]
        inspectors = record["inspectors"]
        total = len(merged)
        team_count = min(total, len(eligible) // team_size)
        ranked = [item for _, item in _ranked(eligible, record["seed"] + "|inspectors")]
        teams = [ranked[j * team_size:(j + 1) * team_size] for j in range(team_count)]
        reserve = ranked[team_count * team_size:]
        if team_count == 0:
            self.add(
                f"无法组成检查组（抽中 {total} 家企业，符合条件的检查人员 {len(eligible)} 名，每组 {team_size} 名），这次抽取本不应成立"
            )
        recorded_teams = inspectors["teams"]
        if not isinstance(recorded_teams, list):
            self.add("inspectors.teams 应为列表")
        else:
            for j in range(max(len(teams), len(recorded_teams))):
                want = teams[j] if j < len(teams) else None
                got = recorded_teams[j] if j < len(recorded_teams) else None
                if want != got:
                    if want is None:
                        self.add(f"应只有 {len(teams)} 个检查组，记录却有 {len(recorded_teams)} 个")
                    elif got is None:
                        self.add(f"应有 {len(teams)} 个检查组，记录只有 {len(recorded_teams)} 个")
                    else:
                        self.add(f"检查组 {j} 应为 {_show_ids(want)}，记录为 {_show(got)}")
                    break
        if inspectors["reserve"] != reserve:
            self.add("后备人员（reserve）应为 {}，记录为 {}".format(_show_ids(reserve), _show(inspectors["reserve"])))
        selected = {item for _, item in merged}
        conflicts = self.conflicts(record["conflicts"], set(eligible), selected)
        info.conflicts = conflicts
        if team_count == 0:
            return
        expected = []
        team_of = {}
        conflicted = {entity for _, entity in conflicts}
        for index, (_, entity) in enumerate(merged):
            assigned = next((t for t in ((index + step) % team_count for step in range(team_count))
                             if entity not in conflicted or not any((m, entity) in conflicts for m in teams[t])), None)
            if assigned is None:
                self.add(f"企业 {entity} 与所有检查组都有利害冲突，这次抽取本不应成立")
            expected.append({"entity": entity, "team": assigned})
            team_of[entity] = assigned
        self.compare_assignments(expected, record["assignments"])
        info.teams, info.reserve, info.team_of = teams, reserve, team_of

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
                self.add(f"conflicts 的每一项应为 {{inspector, entity}}：{_show(entry)}")
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
            if (
                not isinstance(got, dict)
                or got.get("entity") != want["entity"]
                or team != want["team"]
                or type(team) is not type(want["team"])
            ):
                self.add(
                    "分组第 {} 条应为企业 {} → 检查组 {}，记录为 {}".format(index + 1, want["entity"], want["team"], _show(got))
                )
                return
        if len(recorded) > len(expected):
            self.add(f"应有 {len(expected)} 条分组（assignments），记录却有 {len(recorded)} 条")

    # -- other record types -------------------------------------------------------------------------

    def announce(self, record: dict) -> None:
        if _is_hex64(record.get("hash")) and record["hash"] not in self.announces:
            self.announces[record["hash"]] = (self.line, record)
        if not self.require(record, ANNOUNCE_FIELDS):
            return
        self.check_section(record)
        if record["plan_item"] is not None and not isinstance(record["plan_item"], str):
            self.add("plan_item 应为字符串或 null")
        if not _is_date(record["date"]):
            self.add("date 不是有效日期（YYYY-MM-DD）：{}".format(_show(record["date"])))
        if record["ratio"] is not None:
            try:
                parse_ratio(record["ratio"])
            except ValueError as error:
                self.add(f"ratio：{error}")
        if not _is_int(record["team_size"]) or record["team_size"] < 2:
            self.add("team_size 应为不小于 2 的整数")
        if not isinstance(record["seed_source"], str) or not record["seed_source"].strip():
            self.add("公告必须写明将来种子的公开来源（seed_source）")
        for field in ("population_digest", "pool_digest", "strata_digest"):
            if not _is_hex64(record[field]):
                self.add(f"{field} 不是 64 位小写十六进制摘要")

    def void(self, record: dict) -> None:
        if not self.require(record, VOID_FIELDS):
            return
        target = record["draw"]
        if not isinstance(record["reason"], str) or not record["reason"].strip():
            self.add("作废必须写明原因（reason）")
        found = self.draws.get(target) if _is_hex64(target) else None
        announced = self.announces.get(target) if _is_hex64(target) else None
        if found is None and announced is None:
            self.add(f"作废的抽取或公告不存在（本文件在这一行之前没有 hash 为 {_show(target, 20)} 的抽取或公告记录）")
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
            self.add("回避原因应为 {} 之一，记录为 {}".format("、".join(RECUSAL_REASONS), _show(record["reason"])))
        target = record["draw"]
        found = self.draws.get(target) if _is_hex64(target) else None
        if found is None:
            self.add(f"回避所指的抽取不存在（本文件在这一行之前没有 hash 为 {_show(target, 20)} 的抽取记录）")
            return
        if target in self.voided:
            self.add(f"第 {found.line} 行的抽取已在第 {self.voided[target]} 行作废，不能再回避换人")
        entity, inspector, replacement = record["entity"], record["inspector"], record["replacement"]
        if found.teams is None:
            self.add(f"所指的第 {found.line} 行抽取本身无法复核，这次回避换人也无法复核")
            return
        if not isinstance(entity, str) or entity not in found.team_of:
            self.add(f"企业 {_show(entity)} 不是第 {found.line} 行抽取中被抽中的企业")
            return
        index = found.team_of[entity]
        if index is None:
            self.add(f"企业 {entity} 在第 {found.line} 行抽取中没有检查组，无法回避换人")
            return
        history = self.recusals.setdefault((target, entity), [])
        team = list(found.teams[index])
        for earlier_out, earlier_in in history:
            if earlier_out in team:
                position = team.index(earlier_out)
                if isinstance(earlier_in, str):
                    team[position] = earlier_in
                else:
                    del team[position]
        history.append((inspector, replacement))
        if inspector not in team:
            self.add(
                f"回避的检查人员 {_show(inspector)} 不在企业 {entity} 当前的检查组（{_show_ids(team)}）里"
            )
            return
        stepped_aside = {out for out, _ in history}  # includes this record's inspector
        expected = None
        for candidate in found.reserve:
            if candidate not in team and candidate not in stepped_aside and (candidate, entity) not in found.conflicts:
                expected = candidate
                break
        if replacement != expected:
            self.add(
                "替补人员应为 {}（后备名单中第一位不在该组、未曾为该企业回避且与该企业无利害冲突的人员），记录为 {}".format(
                    _show(expected) if expected is not None else "无人可替补（null）", _show(replacement)
                )
            )

    def targeted(self, record: dict) -> None:
        if not self.require(record, TARGETED_FIELDS):
            return
        self.check_section(record)
        if record["basis"] not in TARGETED_BASES:
            self.add("定向检查的依据应为 {} 之一，记录为 {}".format("、".join(TARGETED_BASES), _show(record["basis"])))
        for field in ("entities", "inspectors"):
            value = record[field]
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                self.add(f"{field} 应为编号（字符串）列表")

    def plan_approval(self, record: dict) -> None:
        self.require(record, PLAN_APPROVAL_FIELDS)

    def publish(self, record: dict) -> None:
        self.require(record, PUBLISH_FIELDS)


def _same(left, right) -> bool:
    """Equal as JSON values (so that 1 and true, or 1 and "1", never count as the same)."""
    try:
        return canonical(left) == canonical(right)
    except ValueError:
        return False


def check_records(records) -> list:
    """Check the meaning of one ledger file's records, in file order: ``[(line_number, message), …]``.

    ``records`` is what :func:`read_ledger` returns (``records[i]`` is line ``i + 1``; ``None`` entries are
    skipped). Every draw is re-derived from its record alone; voids, recusals and announcements are
    checked against the earlier records of the same file.
    """
    return _Checker().run(records)


def check_ledger(path):
    """:func:`read_ledger` and :func:`check_records` together: ``(records, problems)`` sorted by line."""
    records, problems = read_ledger(path)
    problems = problems + check_records(records)
    problems.sort(key=lambda problem: problem[0])
    return records, problems


# ---------------------------------------------------------------------------------------------------
# The bundle: manifest and folder
# ---------------------------------------------------------------------------------------------------

MANIFEST = "manifest.json"


def _file_sha256(path: str) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _files_under(folder: str, skip_hidden: bool) -> dict:
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
                object_pairs_hook=_no_duplicate_keys,
                parse_float=_no_float,
                parse_constant=_no_constant,
            )
    except (OSError, ValueError) as error:
        return [(MANIFEST, f"无法读取文件清单（{error}）")]
    listed = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(listed, dict):
        return [(MANIFEST, "文件清单格式不对：应为 {\"files\": {路径: SHA-256}}")]
    present = _files_under(folder, skip_hidden=False)
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
        if not _is_hex64(expected):
            problems.append((path, "清单中的 SHA-256 不是 64 位小写十六进制"))
            continue
        real = present.get(key)
        if real is None:
            problems.append((path, "清单中列出的文件不存在"))
            continue
        if _file_sha256(real) != expected:
            problems.append((path, "文件的 SHA-256 与清单不符（文件被改动过）"))
    for path in sorted(present):
        if path not in listed_nfc:
            problems.append((path, "文件不在清单（manifest.json）里"))
    return problems


RESULTS = "results.json"
MISSING_MANIFEST = "缺少文件清单：这是一个公示包（有 results.json），没有 manifest.json 就无法核对各文件是否被改动过"


def _team_now(draw: dict, entity: str, records: list) -> list:
    """The team checking ``entity`` after every recusal recorded for it (in file order)."""
    index = next((a.get("team") for a in draw.get("assignments", []) if a.get("entity") == entity), None)
    teams = draw.get("inspectors", {}).get("teams", [])
    if not isinstance(index, int) or not 0 <= index < len(teams):
        return []
    team = list(teams[index])
    for record in records:
        applies = record.get("type") == "recusal" and record.get("draw") == draw.get("hash")
        if applies and record.get("entity") == entity and record.get("inspector") in team:
            team[team.index(record["inspector"])] = record.get("replacement")
    return team


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
            problems.append(f"第 {number} 项结果（{_show(entity)}）所依据的抽取不在公示的台账中")
            continue
        if draw.get("hash") in voided:
            problems.append(f"第 {number} 项结果（{_show(entity)}）所依据的抽取已作废")
        team = _team_now(draw, str(entity), records)
        if not team:
            problems.append(f"第 {number} 项结果的单位 {_show(entity)} 不在所依据的抽取结果中")
            continue
        outsiders = [p.get("id") for p in result.get("inspectors", []) if isinstance(p, dict) and p.get("id") not in team]
        if outsiders:
            problems.append(f"第 {number} 项结果的检查人员 {_show_ids(outsiders)} 不是抽中的检查组成员（检查组：{_show_ids(team)}）")
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
        path for path in _files_under(folder, skip_hidden=True).items() if path[0].endswith(".jsonl")
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
    details = "、".join(f"{FAIRNESS_WORDS[level]} {n} 次" for level, n in entry["fairness"].items() if n)
    if entry["voids"]:
        details += f"；其中作废 {entry['voids']} 次"
    if entry["recusals"]:
        details += f"；回避换人 {entry['recusals']} 次，替补人员复核一致"
    return head + f"，{draws} 次抽取全部复核一致（{details}）"


FAIRNESS_LEGEND = (
    "公平性说明：“事先公告”＝抽取前已公告参数和名单摘要，种子取自公告写明的公开来源（最可信）；"
    "“系统随机”＝种子由程序在抽取时用操作系统的安全随机数生成；"
    "“人工输入”＝种子由操作员输入、事先没有公告（可信度最低，因为可能事先试算过）。"
)


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
