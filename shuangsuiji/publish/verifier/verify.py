#!/usr/bin/env python3
"""“双随机、一公开”抽查台账核验程序（verify.py）

这个文件是一个独立的核验程序：只用 Python 标准库（Python 3.8 或更新版本），不依赖 ssj 本身。
任何人都可以用它核对应急管理局公开的抽查台账和公开材料有没有被改动过，并把每一次随机抽取
从记录本身重新算一遍，看结果是否与记录一致。

怎么运行
--------
在公开材料所在的文件夹里运行（不写文件夹时，核验本文件所在的文件夹）::

    python verify.py                     # 核验本文件所在的文件夹
    python verify.py 文件夹路径            # 核验指定的公示包文件夹，或一个台账文件夹（如 data/ledger）
    python verify.py --json              # 输出机器可读的 JSON 摘要
    python verify.py --digest 清单摘要     # 同时核对应急管理局另行公布的清单摘要（manifest.json 的 SHA-256）
    python verify.py --previous 旧公示包    # 证明新台账包含旧公示包（或其 heads.json、或公布的末条记录）中的全部记录
    python verify.py --document 文书编号   # 核对一份抽查文书：写文书编号，或其二维码中的全部文字

全部核验通过时退出码为 0，发现任何问题时为 1，用法错误为 2。每个问题都写明文件和行号。
程序开头会显示它自己的 SHA-256，可与应急管理局公布的值核对，确认核验程序本身没有被替换。

它核对什么
----------
1. 文件：公示包里的每个文件都在 manifest.json 里、SHA-256 相符；不接受符号链接、清单之外的文件，
   也不接受公示包应有结构之外的文件（隐藏文件、__pycache__、.pyc 和 verify.py 以外的程序文件）。
2. 台账（ledger/ 下每个科室和局台账的各年度文件，以及 ledger/lists/ 下的名单文件）：
   - 每一行都是该记录的 RFC 8785 规范形式，哈希链（seq、prev、hash）跨年度连续，名单文件与其文件名一致；
   - 每条记录都记下了写入时本局其他台账的末条记录（heads）：按它们还原写入的先后顺序，
     任何一本台账被删除、截断或改动过记录，都会在其他台账随后的记录中暴露；
   - 每次抽取都从记录本身重新算一遍：各层应抽数量、号签、抽中的单位及顺序、检查组、后备人员、
     每家单位分给哪个组（申报的利害关系和“一年内检查过”的轮换规则），以及休息期：
     在休息期内被任何科室检查过的单位必须被排除，且每个被排除的单位都有对应的检查记录为证；
   - 种子：事先公告的抽取，种子必须恰好是公告指定的那几期开奖号码的规范写法，且抽取时间不早于开奖时间；
     现场见证的抽取，种子必须是见证人输入值的 SHA-256；系统随机和人工输入的种子，外界无法证实没有多次尝试；
   - 作废、回避换人（替补人员从记录重算，包括从其他科室抽调）、抽取未成、非随机检查、计划和清单审批；
   - 时间和日期：每本台账的记录时间随写入顺序向后，抽取和非随机检查的日期就是记录当天；
     公告的开奖时间在公告之后、不晚于抽取日期 30 天；一个计划事项在开奖号码公布后被作废，就不能再发新公告。
3. 公示结果（results.json）：每一项结果都属于一次有效抽取中抽中的单位，检查人员是其检查组成员；
   results.csv、results.xlsx、网页 index.html 中的结果表，以及 platform/ 下公示系统格式的表格
   （按同在其中的列映射 columns.json）都与 results.json 逐格一致。
4. 清单（checklist.json）是局台账中最近一次审批的清单；每次抽取和公告记下的清单都是它写入前（按 heads）最近一次审批的。
5. heads.json 与台账的末条记录一致；用 --previous 时，旧材料中的每本台账都原样包含在新台账里。

本程序不核对的内容
------------------
只有应急管理局的 git 仓库里才能核对的规则，由 ``ssj verify-ledger`` 在仓库中核对：台账的 git 历史只增不改；
每次抽取读取的数据文件与所依据的提交一致、名单与当时的数据一致、计划事项的实施时间和频次。

在 Windows 上可以用 ``py verify.py`` 运行。
"""

# 本文件由 ssj 自动生成：shuangsuiji/core/ 中的公开算法加上 shuangsuiji/publish/verifier/command.py 的命令行，
# 只用 Python 标准库。请勿手工修改（python -m shuangsuiji.publish.verifier.build 重新生成）。

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as _dt
import datetime as dt
import hashlib
import heapq
import html.parser
import json
import math
import os
import re
import sys
import unicodedata
import zipfile
from collections import Counter
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date as _date
from datetime import datetime as _datetime
from datetime import timedelta as _timedelta
from datetime import timezone as _timezone
from decimal import Decimal
from fractions import Fraction
from typing import Callable
from typing import NamedTuple
from xml.etree import ElementTree


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/arguments.py: argparse in Chinese and at 80 columns, for the bundle's ``verify.py`` (its own words for usage errors and
# --------------------------------------------------------------------------------------------------


#: argparse's own words in Chinese, by their gettext message ids (Python 3.8 to 3.13); others stay as they are
ARGPARSE_WORDS = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "optional arguments": "选项",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "expected one argument": "后面应跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected at least one argument": "后面至少跟一个值",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s %(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "的取值 %(value)r 无效（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "的取值 %(value)r 无效",  # %(type)s is a Python name (int, float)
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "不应带值 %r",
    "one of the arguments %s is required": "参数 %s 必须有一个",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "show program's version number and exit": "显示版本号并退出",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有这个命令 %(parser_name)r（可选：%(choices)s）",
}
#: argparse's words that depend on a number, looked up through ``ngettext``: (singular, plural) → Chinese
ARGPARSE_COUNTED = {("expected %s argument", "expected %s arguments"): "后面应跟 %s 个值"}
HELP_WIDTH = 78  # columns, a Chinese character counting two: readable in an 80-column console
_UNWORDED_ARGUMENT = re.compile(r"^argument (\S+): ")
_HEADING = re.compile(r"^(\S[^\n]*):$", re.MULTILINE)
_TOKEN = re.compile(r"[\x21-\x7e]+|\s+|.")
_CLOSING = "，。、；：？！）」』》〉”’"
_OPENING = "（「『《〈“‘"


@contextlib.contextmanager
def _chinese_argparse():
    """argparse looks up its words through its module's ``_`` (gettext) and ``ngettext`` when it uses them:
    Chinese meanwhile."""
    english, counted = argparse._, getattr(argparse, "ngettext", None)
    argparse._ = lambda text: ARGPARSE_WORDS.get(text) or english(text)
    if counted is not None:
        argparse.ngettext = lambda one, many, n: ARGPARSE_COUNTED.get((one, many)) or counted(one, many, n)
    try:
        yield
    finally:
        argparse._ = english
        if counted is not None:
            argparse.ngettext = counted


def columns(text: str) -> int:
    """How many console columns ``text`` takes (a Chinese character two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def wrap(text: str, width: int) -> list:
    """``text`` in lines of at most ``width`` columns, broken at spaces and between Chinese characters (never
    before closing or after opening punctuation); textwrap counts a Chinese character as one column."""
    tokens: list = []
    for token in _TOKEN.findall(" ".join(text.split())):
        if tokens and (token[0] in _CLOSING or tokens[-1][-1] in _OPENING):
            tokens[-1] += token
        else:
            tokens.append(token)
    lines, line = [], ""
    for token in tokens:
        if line and columns(line + token.rstrip()) > width:
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        else:
            line += token
    return [*lines, line.rstrip()] if line.strip() else lines


class _Formatter(argparse.HelpFormatter):
    """Help wrapped by console columns, paragraphs (blank lines) kept."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=26, width=HELP_WIDTH)

    def _split_lines(self, text, width):
        return wrap(text, width)

    def _fill_text(self, text, width, indent):
        return "\n\n".join("\n".join(indent + line for line in wrap(part, width)) for part in text.split("\n\n"))

    def _format_action(self, action):
        """argparse pads an option to the help column by characters: take back what a Chinese metavar's
        second columns added, or start its help on the next line when there is no room."""
        text = super()._format_action(action)
        head = " " * self._current_indent + self._format_action_invocation(action)
        extra = columns(head) - len(head)
        if not extra or not text.startswith(head + "  "):
            return text
        rest = text[len(head):]
        padding = len(rest) - len(rest.lstrip(" "))
        if padding - extra >= 2:
            return head + rest[extra:]
        return head + "\n" + " " * (len(head) + padding) + rest.lstrip(" ")


class Parser(argparse.ArgumentParser):
    """argparse in Chinese: its own words for usage errors and help."""

    def __init__(self, **options) -> None:
        with _chinese_argparse():  # the -h option and the group titles are worded here
            super().__init__(formatter_class=_Formatter, **options)

    def parse_args(self, args=None, namespace=None):
        with _chinese_argparse():  # "unrecognized arguments" is worded here, the rest in parse_known_args
            return super().parse_args(args, namespace)

    def format_usage(self) -> str:
        with _chinese_argparse():
            return super().format_usage()

    def format_help(self) -> str:
        with _chinese_argparse():
            return _HEADING.sub(r"\1：", super().format_help())

    def error(self, message: str):
        message = _UNWORDED_ARGUMENT.sub(r"参数 \1 ", message)  # Python 3.8 words this without gettext
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}（运行 {self.prog} --help 查看说明）", file=sys.stderr)
        sys.exit(2)


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
_AT = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?(Z|([+-])([0-9]{2}):([0-9]{2}))")


def show(value, limit: int = 80) -> str:
    """A short, readable rendering of a value for a message."""
    if isinstance(value, str):
        text = f"“{value}”"
    else:
        try:
            text = canonical(value).decode("utf-8")
        except ValueError:
            try:
                text = repr(value)
            except RecursionError:  # a value nested too deeply even for repr
                text = f"<{type(value).__name__}>"
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
    try:
        moment(value)
    except ValueError:
        return False
    return True


def moment(value) -> _datetime:
    """The moment an ``at`` or ``not_before`` names, comparable across offsets; ValueError when it is none.

    Read by hand rather than with ``datetime.fromisoformat``: Python 3.8 reads neither ``Z`` nor a fraction of
    other than 3 or 6 digits.
    """
    match = _AT.fullmatch(value) if isinstance(value, str) else None
    if match is None or not is_date(match.group(1)):
        raise ValueError(f"不是带时区的 ISO 8601 时间：{value!r}")
    day, hour, minute, second, fraction, zone, sign, zone_hours, zone_minutes = match.groups()
    offset = _timedelta(0) if zone == "Z" else _timedelta(hours=int(zone_hours), minutes=int(zone_minutes))
    if offset >= _timedelta(hours=24):
        raise ValueError(f"时区偏移超出范围：{value!r}")
    return _datetime(int(day[:4]), int(day[5:7]), int(day[8:]), int(hour), int(minute), int(second or 0),
                     int((fraction or "0")[:6].ljust(6, "0")),
                     _timezone(-offset if sign == "-" else offset))


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/chain.py: Reading a ledger (SPEC §5, format 2): one chain per section (and one for the bureau), split into year files
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/checklist.py: The 随机抽查事项清单 under approval (第八、十条) as a verifier checks it: every draw, failed draw and announcement
# --------------------------------------------------------------------------------------------------


#: the bundle's copy of the checklist (the public fields of every item, in order), whose digest an approval pins
CHECKLIST_FILE = "checklist.json"


class ChecklistChecks:
    """Needs of its host: ``add`` (report a problem) and ``here`` (the address of the record being checked)."""

    #: (bureau seq, digest, address) of every checklist approval read so far, in order
    checklist_approvals: list
    add: Callable[[str], None]
    here: Callable[[], str]

    def note_checklist_approval(self, record: dict) -> None:
        """A ``checklist_approval`` of the bureau ledger (its fields checked by the caller)."""
        self.checklist_approvals.append((record.get("seq"), record["digest"], self.here()))

    def approvals_before(self, record: dict) -> list:
        """The approvals the record's ``heads`` pin: those up to the bureau ledger's ``seq`` as it stood."""
        heads = record.get("heads")
        if isinstance(heads, dict) and BUREAU not in heads:
            return []  # no bureau ledger when it was written (a pin left out is reported with the heads)
        head = heads[BUREAU] if isinstance(heads, dict) else None
        if not (isinstance(head, dict) and is_int(head.get("seq"))):
            return self.checklist_approvals  # malformed heads are reported with the chain: judge by the order read
        return [a for a in self.checklist_approvals if is_int(a[0]) and a[0] <= head["seq"]]

    def check_checklist(self, record: dict) -> None:
        """第八、十条: ``checklist`` is the digest of the latest approval before the record (null before any)."""
        pinned = record["checklist"]
        what = "公告" if record.get("type") == "announce" else "抽取"
        approvals = self.approvals_before(record)
        if not approvals:
            if pinned is not None:
                self.add(f"{what}所用的抽查事项清单（checklist）在此之前没有审批记录（第八、十条）")
            return
        _, latest, where = approvals[-1]
        if pinned == latest:
            return
        if pinned is None:
            self.add(f"{what}时清单已经审批（{where}，摘要 {latest[:12]}…），checklist 却为 null："
                     "审批之后的每次抽取都必须记下所用清单的摘要（第八、十条）")
            return
        earlier = next((a[2] for a in reversed(approvals) if a[1] == pinned), None)
        used = f"{earlier} 审批的旧清单" if earlier else "在此之前没有审批记录的清单"
        shown = f"{pinned[:12]}…" if is_hex64(pinned) else show(pinned, 20)
        self.add(f"{what}所用的抽查事项清单（checklist {shown}）是{used}，不是{what}前最近一次审批的清单"
                 f"（{where}，摘要 {latest[:12]}…）：清单变更并重新审批后，只能按新清单抽取（第八、十条）")


def published_checklist_problems(path: str, approvals: list) -> list:
    """A bundle's ``checklist.json`` is the checklist of the latest approval in its bureau ledger (第十条)."""
    try:
        with open(path, "rb") as handle:
            published = digest(strict_json(handle.read().decode("utf-8")))
    except FileNotFoundError:
        return ["缺少此文件：公示包必须公开随机抽查事项清单（第十条）"]
    except (OSError, ValueError, UnicodeDecodeError) as error:
        return [f"无法读取（{error}）"]
    if not approvals:
        return [f"公开的清单（摘要 {published[:12]}…）在局台账中没有审批记录：清单须经审批后才能公开和使用（第八、十条）"]
    _, latest, where = approvals[-1]
    if published != latest:
        return [f"公开的清单（摘要 {published[:12]}…）与局台账中最近一次审批（{where}，摘要 {latest[:12]}…）不符："
                "清单在审批后被修改过，或公开的不是已审批的清单（第十条）"]
    return []


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/documents.py: 抽查文书 (第十八条, SPEC §9): the four kinds, the shape of a document number, the text of its QR code, and
# --------------------------------------------------------------------------------------------------


#: the kinds of 抽查文书 and the short ASCII name of each (also the name of its template file)
DOCUMENT_KINDS = {
    "检查通知书": "notice",
    "现场检查记录": "record",
    "责令限期整改指令书": "order",
    "整改复查意见书": "recheck",
}
#: what may not appear in a number's prefix or section part (the number's own brackets, separators, spaces)
DOCUMENT_NUMBER_FORBIDDEN = "〔〕；;：:|"
_NUMBER = re.compile(r"^(?P<prefix>[^\s〔〕；;：:|]+)〔(?P<year>[0-9]{4})〕(?P<section>[^\s〔〕；;：:|]+?)-(?P<serial>[0-9]+)$")
_QR_PART = re.compile(r"^\s*(编号|抽取|哈希)\s*[：:]\s*(.*?)\s*$")
_ADDRESS_SEQ = re.compile(r"^\S+?[-－]([0-9]+)$")


def document_number(prefix: str, year: int, section: str, serial: int, digits: int) -> str:
    """``汝应急现记〔2026〕二股-003``."""
    return f"{prefix}〔{year}〕{section}-{serial:0{digits}d}"


def split_document_number(number: str):
    """(prefix, year, section, serial) of a well-formed number, else None."""
    match = _NUMBER.match(number) if isinstance(number, str) else None
    if match is None:
        return None
    return match.group("prefix"), int(match.group("year")), match.group("section"), int(match.group("serial"))


def document_qr_text(number: str, draw_address: str, draw_hash: str) -> str:
    """What a document's QR code holds."""
    return f"编号：{number}；抽取：{draw_address}；哈希：{draw_hash}"


def parse_document_code(code: str):
    """(number, draw address or None, draw hash or None) from a QR text or a bare number; ValueError if malformed."""
    text = code.strip() if isinstance(code, str) else ""
    if not text:
        raise ValueError("文书编号为空：请写文书编号（如 汝应急现记〔2026〕二股-003），或二维码中的全部文字")
    if "：" not in text and ":" not in text:
        if split_document_number(text) is None:
            raise ValueError(f"文书编号 {show(text)} 格式不对：应为“前缀〔年份〕科室-序号”，如 汝应急现记〔2026〕二股-003")
        return text, None, None
    parts = {}
    for piece in re.split(r"[；;]", text):
        match = _QR_PART.match(piece)
        if match is None or match.group(1) in parts:
            raise ValueError(f"二维码内容 {show(text)} 格式不对：应为“编号：…；抽取：…；哈希：…”")
        parts[match.group(1)] = match.group(2)
    number, address, digest = parts.get("编号", ""), parts.get("抽取"), parts.get("哈希")
    if split_document_number(number) is None:
        raise ValueError(f"二维码中的文书编号 {show(number)} 格式不对：应为“前缀〔年份〕科室-序号”")
    if address is None or _ADDRESS_SEQ.match(address) is None:
        raise ValueError(f"二维码中的抽取编号 {show(address)} 格式不对：应为“科室-序号”，如 二股-3")
    if not is_hex64(digest):
        raise ValueError(f"二维码中的抽取哈希 {show(digest)} 格式不对：应为 64 位十六进制数")
    return number, address, digest


def _records(folder: str):
    """(ledger, record) of every readable line of every ledger (broken lines are the main check's business)."""
    for name, years in sorted(ledger_files(folder).items()):
        for _, path in years:
            with open(path, "rb") as handle:
                for line in handle:
                    try:
                        record = strict_json(line.decode("utf-8"))
                    except (ValueError, UnicodeDecodeError, RecursionError):
                        continue
                    if isinstance(record, dict):
                        yield name, record


def _find_document(folder: str, number: str) -> list:
    return [(name, record) for name, record in _records(folder)
            if record.get("type") == "document" and record.get("number") == number]


def _find_draw(folder: str, digest: str):
    """(ledger, the record with hash ``digest``, the void pointing at it or None)."""
    found, void = None, None
    for name, record in _records(folder):
        if record.get("hash") == digest:
            found = (name, record)
        elif record.get("type") == "void" and record.get("draw") == digest:
            void = (name, record)
    return found, void


def _plain(value) -> str:
    """A short string as it is; anything else as :func:`show` writes it."""
    return value if isinstance(value, str) and len(value) <= 80 else show(value)


def check_document(folder: str, code: str):
    """(notes, problems): whether the document ``code`` (QR text or number) is in the ledgers under ``folder``,
    belongs to a draw there that is not voided, names a company that draw selected, and matches its QR code."""
    try:
        number, address, digest = parse_document_code(code)
    except ValueError as error:
        return [], [str(error)]
    documents = _find_document(folder, number)
    if not documents:
        return [], [f"台账中没有编号为 {number} 的文书：文书未经登记，或编号抄错了（请与文书上的编号逐字核对）"]
    if len(documents) > 1:
        places = "、".join(f"{name}-{record.get('seq')}" for name, record in documents)
        return [], [f"文书编号 {number} 在台账中出现了 {len(documents)} 次（{places}）：编号不得重复使用"]
    ledger, document = documents[0]
    kind, entity, target = document.get("kind"), document.get("entity"), document.get("draw")
    notes = [f"文书 {number}：{_plain(kind)}，检查对象 {_plain(entity)}，{_plain(document.get('at'))[:10]} 登记（台账记录 "
             f"{ledger}-{document.get('seq')}），文书文件的 SHA-256 为 {_plain(document.get('sha256'))}"]
    problems = []
    if digest is not None and digest != target:
        problems.append(f"二维码中的抽取哈希 {digest} 与台账中文书 {number} 所属的抽取 {show(target)} 不符：文书或二维码被改动过")
    drawn, void = _find_draw(folder, target) if is_hex64(target) else (None, None)
    if drawn is None or drawn[1].get("type") != "draw":
        return notes, [*problems, f"文书 {number} 所属的抽取不在台账中"]
    name, record = drawn
    where = f"{name}-{record.get('seq')}"
    shown_seq = _ADDRESS_SEQ.match(address) if address is not None else None
    if shown_seq is not None and int(shown_seq.group(1)) != record.get("seq"):
        problems.append(f"二维码中的抽取编号 {address} 与台账不符：文书所属的抽取是 {where}")
    if void is not None:
        problems.append(f"文书 {number} 所属的抽取 {where} 已作废（{void[0]}-{void[1].get('seq')}：{_plain(void[1].get('reason'))}）")
    selected = [e for stratum in record.get("strata") or [] for e in stratum.get("selected") or []]
    if entity not in selected:
        problems.append(f"文书 {number} 的检查对象 {_plain(entity)} 不在抽取 {where} 的抽中名单中")
    if not problems:
        notes.append(f"文书 {number} 与台账相符：所属抽取 {where}（{record.get('date')}）未作废，"
                     f"检查对象在抽中名单中{'，二维码中的抽取编号和哈希一致' if digest else ''}")
    return notes, problems


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/inspections.py: The bureau's recent inspections, and the two rules that read them (SPEC §4, 第十六、十七条):
# --------------------------------------------------------------------------------------------------


REST_DAYS_DEFAULT = 90
ROTATION_DAYS = 365
#: an announced draw is made at most this many days after its announced date (older inspections are forgotten)
ANNOUNCED_DRAW_LAG_DAYS = 30
#: how far back the verifiers keep inspections: the longest look-back any draw may still need
KEPT_DAYS = ROTATION_DAYS + ANNOUNCED_DRAW_LAG_DAYS + 1


def days_too_late(day: str, announced: str) -> int:
    """How many days an announced draw on ``day`` (ISO date) is past its allowed lag after the announced date
    ``announced`` (0 or less: still in time). The one rule both ssj and the verifiers apply."""
    return day_number(day) - day_number(announced) - ANNOUNCED_DRAW_LAG_DAYS
#: strata the rest rule applies to (重点, 黑名单 and 问题 never leave anyone out)
RESTING_STRATA = ("风险A", "风险B", "风险C", "风险D", "一般")


class Inspection(NamedTuple):
    """One company inspected: its date (as a day number), the record that says so, and who went."""

    day: int
    record: str
    inspectors: tuple


def day_number(text: str) -> int:
    """``2026-12-01`` as a day number (``date.toordinal``)."""
    return _dt.date.fromisoformat(text).toordinal()


def within(inspection: Inspection, day: int, days: int) -> bool:
    """0 ≤ day − inspection.day < days."""
    return 0 <= day - inspection.day < days


class InspectionLog:
    """Every company's inspections as the records read so far stand (voids removed, recusals applied).

    Memory stays bounded: inspections older than :data:`KEPT_DAYS` before the newest record are forgotten.
    """

    def __init__(self) -> None:
        self._of: dict = {}  # entity -> list of Inspection
        self._teams: dict = {}  # intern: the same team tuple is shared by every company it visits
        self._days: dict = {}  # record -> its day, for every record with an inspection still counted

    def add(self, record: str, day: int, visits) -> None:
        """Inspections by ``record`` on ``day``: ``visits`` is ``[(entity, inspectors), …]``."""
        for entity, inspectors in visits:
            team = tuple(inspectors)
            team = self._teams.setdefault(team, team)
            self._of.setdefault(entity, []).append(Inspection(day, record, team))
            self._days[record] = day

    def records_within(self, day: int, days: int) -> set:
        """Every record with an inspection within ``days`` before ``day`` (what a ``rested`` field cites)."""
        return {record for record, seen in self._days.items() if 0 <= day - seen < days}

    def void(self, record: str, entities) -> None:
        """Forget the inspections of a voided draw (its selected companies)."""
        self._days.pop(record, None)
        for entity in entities:
            kept = [i for i in self._of.get(entity, ()) if i.record != record]
            if kept:
                self._of[entity] = kept
            else:
                self._of.pop(entity, None)

    def replace(self, record: str, entity: str, out: str, replacement: str) -> None:
        """A recusal: ``replacement`` went to ``entity`` for ``record`` instead of ``out``."""
        visits = self._of.get(entity, [])
        for n, visit in enumerate(visits):
            if visit.record == record and out in visit.inspectors:
                team = tuple(replacement if i == out else i for i in visit.inspectors)
                visits[n] = visit._replace(inspectors=self._teams.setdefault(team, team))

    def of(self, entities) -> dict:
        """``{entity: [Inspection, …]}`` for those of ``entities`` that were inspected."""
        found = {}
        for entity in entities:
            visits = self._of.get(entity)
            if visits:
                found[entity] = visits
        return found

    def forget_before(self, day: int) -> None:
        """Drop inspections older than ``day`` (call with the newest record's day − :data:`KEPT_DAYS`)."""
        self._days = {record: seen for record, seen in self._days.items() if seen >= day}
        for entity in list(self._of):
            kept = [i for i in self._of[entity] if i.day >= day]
            if kept:
                self._of[entity] = kept
            else:
                del self._of[entity]


def resting(inspections: dict, day: int, rest_days: int) -> set:
    """The companies of ``inspections`` inspected within ``rest_days`` before ``day`` (the rest rule)."""
    earliest = day - rest_days
    return {entity for entity, visits in inspections.items() if any(earliest < when <= day for when, _, _ in visits)}


def rotation(inspections: dict, inspectors, day: int) -> tuple[set, set]:
    """``(pairs, records)``: which of ``inspectors`` inspected which company within :data:`ROTATION_DAYS` before
    ``day`` as ``{(inspector, entity)}``, and every record that shows at least one of those pairs (what a
    ``recent`` field cites). ``inspections`` is ``{entity: [Inspection, …]}`` of the companies that matter."""
    pool = frozenset(inspectors)
    earliest = day - ROTATION_DAYS  # 0 ≤ day − d < ROTATION_DAYS: earliest < d ≤ day
    pairs: set = set()
    records: set = set()
    for entity, visits in inspections.items():  # 重点 companies are drawn every time: many visits each
        seen: set = set()
        for when, record, team in visits:
            if earliest < when <= day and not pool.isdisjoint(team):
                seen.update(team)
                records.add(record)
        pairs.update((inspector, entity) for inspector in seen & pool)
    return pairs, records


def selected_ids(record: dict) -> list:
    """Every company a draw record selected (all strata)."""
    strata = record.get("strata")
    return [entity for stratum in (strata if isinstance(strata, list) else []) if isinstance(stratum, dict)
            for entity in (stratum.get("selected") if isinstance(stratum.get("selected"), list) else [])]


def inspected(record: dict) -> list:
    """The companies a draw or targeted record inspected (a draw's selected companies, all strata)."""
    entities = record.get("entities") if record.get("type") == "targeted" else selected_ids(record)
    return [e for e in entities if isinstance(e, str)] if isinstance(entities, list) else []


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/lists.py: Content-addressed id lists (SPEC §5): ``lists/<sha256>.json`` is the RFC 8785 form of a sorted array of
# --------------------------------------------------------------------------------------------------


LISTS_DIR = "lists"
#: a population list at province scale is a few MB; anything beyond this is refused unread
MAX_LIST_BYTES = 256 * 1024 * 1024
_LIST_NAME = re.compile(r"([0-9a-f]{64})\.json")


class ListError(ValueError):
    """A list file that is missing, misnamed or not the canonical sorted array its name promises."""


def list_bytes(ids) -> bytes:
    """The bytes of the list file of ``ids``: the RFC 8785 form of the sorted, unique ids."""
    return canonical(sorted(set(ids)))


def list_digest(ids) -> str:
    """The name (without ``.json``) of the list file of ``ids``."""
    return hashlib.sha256(list_bytes(ids)).hexdigest()


def list_name(digest: str) -> str:
    """``<digest>.json``."""
    return f"{digest}.json"


def parse_list(digest: str, data: bytes) -> list:
    """The ids of a list file whose name is ``digest``; refuses a file that is not what its name says."""
    if hashlib.sha256(data).hexdigest() != digest:
        raise ListError(f"名单文件 {list_name(digest)} 的 SHA-256 与文件名不符（文件被改动过）")
    try:
        ids = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ListError(f"名单文件 {list_name(digest)} 不是有效的 JSON") from None
    if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
        raise ListError(f"名单文件 {list_name(digest)} 应为编号（字符串）数组")
    if any(not a < b for a, b in zip(ids, ids[1:])):
        raise ListError(f"名单文件 {list_name(digest)} 中的编号未排序或有重复")
    if canonical(ids) != data:
        raise ListError(f"名单文件 {list_name(digest)} 不是 RFC 8785 规范形式")
    return ids


class ListFolder:
    """The list files of one folder, read on demand; the last few parsed lists are kept (draws share them)."""

    def __init__(self, folder: str, keep: int = 4) -> None:
        self.folder = folder
        self.keep = keep
        self._cache: OrderedDict = OrderedDict()
        #: every digest asked for (and so checked, with its problem reported where it was cited)
        self.asked: set = set()

    def path(self, digest: str) -> str:
        return os.path.join(self.folder, list_name(digest))

    def get(self, digest) -> list:
        """The ids of list ``digest``; :class:`ListError` when it is missing or broken."""
        if not is_hex64(digest):
            raise ListError(f"名单摘要 {digest!r} 不是 64 位小写十六进制")
        self.asked.add(digest)
        if digest in self._cache:
            self._cache.move_to_end(digest)
            return self._cache[digest]
        path = self.path(digest)
        if os.path.islink(path):
            raise ListError(f"名单文件 {list_name(digest)} 是符号链接，不予读取")
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_LIST_BYTES + 1)
        except OSError:
            raise ListError(f"缺少名单文件 {LISTS_DIR}/{list_name(digest)}") from None
        if len(data) > MAX_LIST_BYTES:
            raise ListError(f"名单文件 {list_name(digest)} 过大")
        ids = parse_list(digest, data)
        self._cache[digest] = ids
        while len(self._cache) > self.keep:
            self._cache.popitem(last=False)
        return ids

    def check_the_rest(self) -> list:
        """``[(path, message)]`` for the files no record asked for: each must still be what its name says (SPEC
        §5: list files match their names), and nothing else belongs in the folder. Hidden files (an interrupted
        write's ``.<name>.tmp``) are left alone here; a bundle refuses them as odd files."""
        if not os.path.isdir(self.folder):
            return []
        problems = []
        for name in sorted(os.listdir(self.folder)):
            match = _LIST_NAME.fullmatch(name)
            if name.startswith(".") or (match and match.group(1) in self.asked):
                continue
            path = os.path.join(self.folder, name)
            if match is None or os.path.islink(path) or not os.path.isfile(path):
                problems.append((path, "不是名单文件：名单文件夹中只应有名为 <SHA-256>.json 的普通文件"))
                continue
            try:
                self.get(match.group(1))
            except ListError as error:
                problems.append((path, f"{error}（没有记录引用这个文件）"))
        return problems


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/seeds.py: Where a seed comes from (SPEC §4, fairness levels), and the one canonical seed each source allows.
# --------------------------------------------------------------------------------------------------


SYSTEM_SEED_DIGITS = 20
MIN_WITNESSES = 2


class SeedError(ValueError):
    """A seed text, source or witness list that the rules of its fairness level do not allow."""


class Game:
    """A lottery whose published result can serve as a seed: its groups of numbers and their ranges."""

    def __init__(self, name: str, aliases: tuple, groups: tuple, digits: bool = False,
                 special_apart: bool = False, weekdays: tuple = (0, 1, 2, 3, 4, 5, 6)) -> None:
        self.name = name
        #: the days of the week it is drawn (Monday = 0); its 期号 restart at 001 every year
        self.weekdays = weekdays
        self.aliases = aliases
        #: (how many numbers, lowest, highest, distinct) per group, in the order they are published
        self.groups = groups
        #: single digits in draw order (福彩3D, 排列三/五) rather than balls sorted ascending
        self.digits = digits
        #: 七乐彩: the special number is not among the seven
        self.special_apart = special_apart


GAMES = (
    Game("双色球", ("福彩双色球",), ((6, 1, 33, True), (1, 1, 16, True)), weekdays=(1, 3, 6)),
    Game("大乐透", ("体彩大乐透", "超级大乐透"), ((5, 1, 35, True), (2, 1, 12, True)), weekdays=(0, 2, 5)),
    Game("七乐彩", ("福彩七乐彩",), ((7, 1, 30, True), (1, 1, 30, True)), special_apart=True, weekdays=(0, 2, 4)),
    Game("福彩3D", ("3D",), ((3, 0, 9, False),), digits=True),
    Game("排列三", ("排列3", "体彩排列三"), ((3, 0, 9, False),), digits=True),
    Game("排列五", ("排列5", "体彩排列五"), ((5, 0, 9, False),), digits=True),
)
GAME_NAMES = tuple(game.name for game in GAMES)
_PERIOD = re.compile(r"20[0-9]{2}[0-9]{3}")
_SEPARATORS = re.compile(r"[ ,，、]+")
_BALL = re.compile(r"[0-9]{1,2}")


def period_problem(source: dict, not_before: str) -> str | None:
    """Why a source's 期号 cannot be a draw at ``not_before`` (the announced time the numbers come out), or None.

    期号 restart every year, so the period's year is the year of its draw; and a period cannot be later in the year
    than the game's draws by that day allow (pauses, such as the Spring Festival, only lower the number). This
    catches a period drawn long ago; whether period N was really drawn after the announcement only the lottery's
    own calendar says — the public checks that on its official site (README: 抽取算法与独立复核)."""
    import datetime as dt

    try:
        game = game_named(str(source.get("game")))
        period = str(source.get("period"))
        day = dt.date.fromisoformat(str(not_before)[:10])
    except (SeedError, ValueError):
        return None  # reported by the grammar checks
    year, number = int(period[:4]), int(period[4:])
    if year != day.year:
        return (f"{game.name}第{period}期是 {year} 年的一期，而公告写它在 {day.isoformat()} 开奖："
                "期号每年从 001 重新编号，应写开奖当年的期号")
    first = dt.date(day.year, 1, 1)
    most = sum(1 for n in range((day - first).days + 1) if (first + dt.timedelta(days=n)).weekday() in game.weekdays)
    if number > most:
        return f"{game.name}到 {day.isoformat()} 最多开奖 {most} 期，没有第{period}期：请核对期号和开奖时间"
    return None


def game_named(text: str) -> Game:
    """The game called ``text`` (its name or an alias, as printed on the ticket)."""
    wanted = unicodedata.normalize("NFKC", text).strip()
    for game in GAMES:
        if wanted == game.name or wanted in game.aliases:
            return game
    raise SeedError(f"不认识的开奖来源“{text}”：可用 {'、'.join(GAME_NAMES)}")


def parse_source(text: str) -> dict:
    """``双色球:2026140`` → ``{"game": "双色球", "period": "2026140"}`` (the 期号 is seven digits: year and number)."""
    game_text, colon, period = unicodedata.normalize("NFKC", text).strip().partition(":")
    if not colon:
        raise SeedError(f"开奖来源“{text}”应写成“游戏:期号”，例如 双色球:2026140")
    game = game_named(game_text)
    period = period.strip()
    if not _PERIOD.fullmatch(period) or period.endswith("000"):
        raise SeedError(f"期号“{period}”无效：应为 7 位数字，前 4 位是年份，例如 2026140")
    return {"game": game.name, "period": period}


def canonical_result(source: dict, text: str) -> str:
    """The canonical text ``<game><period>:<numbers>`` of one published result; refuses anything else.

    Balls are written with two digits in ascending order inside each group, groups joined by ``+``
    (``双色球2026140:03 08 12 19 25 31+07``); digit games keep the draw order (``排列五2026330:1 2 3 4 5``).
    """
    game = game_named(str(source.get("game", "")))
    written = unicodedata.normalize("NFKC", text).strip()
    parts = written.split("+")
    if len(parts) != len(game.groups):
        shape = "+".join(f"{count} 个号码" for count, *_ in game.groups)
        raise SeedError(f"“{text}”不是一期{game.name}的开奖号码：应为 {shape}")
    groups = [_group(game, part, spec, text) for part, spec in zip(parts, game.groups)]
    if game.special_apart and groups[1][0] in groups[0]:
        raise SeedError(f"“{text}”不是一期{game.name}的开奖号码：特别号不能与基本号相同")
    if game.digits:
        numbers = " ".join(str(n) for n in groups[0])
    else:
        numbers = "+".join(" ".join(f"{n:02d}" for n in sorted(group)) for group in groups)
    return f"{game.name}{source['period']}:{numbers}"


def _group(game: Game, part: str, spec: tuple, text: str) -> list:
    count, low, high, distinct = spec
    stripped = part.strip(" ")
    if game.digits and stripped.isascii() and stripped.isdigit() and len(stripped) == count:
        tokens = list(stripped)  # 福彩3D and 排列 results are often written as one run of digits
    else:
        tokens = _SEPARATORS.split(stripped) if stripped else []
    if len(tokens) != count or not all(_BALL.fullmatch(t) and (not game.digits or len(t) == 1) for t in tokens):
        raise SeedError(f"“{text}”不是一期{game.name}的开奖号码：这一组应为 {count} 个号码（{low}–{high}），写成“{part.strip()}”")
    numbers = [int(t) for t in tokens]
    if any(not low <= n <= high for n in numbers):
        raise SeedError(f"“{text}”不是一期{game.name}的开奖号码：号码应在 {low:02d}–{high:02d} 之间")
    if distinct and len(set(numbers)) != count:
        raise SeedError(f"“{text}”不是一期{game.name}的开奖号码：同一组号码不能重复")
    return numbers


def announced_seed(sources: list, results: list) -> str:
    """The seed of an announced draw: the canonical results of its sources, in order, joined by ``|``."""
    if len(results) != len(sources):
        raise SeedError(f"公告指定了 {len(sources)} 个开奖来源，应依次给出 {len(sources)} 个 --seed（每个来源一个），实际给出 {len(results)} 个")
    return "|".join(canonical_result(source, text) for source, text in zip(sources, results))


def check_announced_seed(seed: str, sources: list) -> None:
    """Refuse a recorded seed that is not exactly the canonical results of ``sources`` (the verifiers' check)."""
    parts = seed.split("|")
    if len(parts) != len(sources):
        raise SeedError(f"种子应由公告的 {len(sources)} 个开奖结果组成，记录的种子有 {len(parts)} 段")
    for part, source in zip(parts, sources):
        prefix = f"{source.get('game')}{source.get('period')}:"
        if not part.startswith(prefix):
            raise SeedError(f"种子“{part}”不是公告指定的开奖来源 {prefix[:-1]} 的结果")
        written = canonical_result(source, part[len(prefix):])
        if written != part:
            raise SeedError(f"种子“{part}”不是开奖号码的规范写法（应为 {written}）")


def witnessed_seed(witnesses: list) -> str:
    """SHA-256 hex of the RFC 8785 form of ``[{name, value}, …]`` in entry order (values as entered, NFC)."""
    check_witnesses(witnesses)
    return hashlib.sha256(canonical([{"name": w["name"], "value": w["value"]} for w in witnesses])).hexdigest()


def normalize_entry(text: str) -> str:
    """A witness's name or value as recorded: NFC, surrounding white space removed."""
    return unicodedata.normalize("NFC", str(text)).strip()


def check_witnesses(witnesses) -> None:
    """At least two witnesses, each named once, each with a value, recorded as entered (NFC, trimmed)."""
    if not isinstance(witnesses, list) or len(witnesses) < MIN_WITNESSES:
        raise SeedError(f"“现场见证”至少需要 {MIN_WITNESSES} 名见证人各自输入一个数")
    names = set()
    for witness in witnesses:
        if not (isinstance(witness, dict) and set(witness) == {"name", "value"}
                and all(isinstance(witness[k], str) for k in ("name", "value"))):
            raise SeedError("见证人记录应为 {name, value}（均为文字）")
        if not witness["name"] or not witness["value"]:
            raise SeedError("每名见证人都要写明姓名并输入一个数")
        if witness["name"] != normalize_entry(witness["name"]) or witness["value"] != normalize_entry(witness["value"]):
            raise SeedError(f"见证人 {witness['name']} 的记录不是规范形式（NFC、去掉首尾空白）")
        if witness["name"] in names:
            raise SeedError(f"见证人 {witness['name']} 重复：每名见证人只能输入一次")
        names.add(witness["name"])


def is_system_seed(seed: str) -> bool:
    """20 ASCII decimal digits: the form of a seed ssj made itself."""
    return len(seed) == SYSTEM_SEED_DIGITS and seed.isascii() and seed.isdigit()


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/words.py: The public vocabulary: fairness levels, record types, strata, reasons — in Chinese a citizen understands.
# --------------------------------------------------------------------------------------------------


FAIRNESS = {
    "announced": "事先公告（最可信）：抽取的参数和名单在开奖之前就已公告，种子取自公告指定的公开开奖结果"
                 "（请与官方公布的开奖号码核对），任何人都无法事先挑选结果",
    "witnessed": "现场见证：至少两名见证人（如纪检监督人、企业代表）各自秘密输入一个数，种子由全部输入算出，"
                 "每名见证人都能在公开记录中核对自己的输入；只要有一名见证人的数事先不为人知，就没有人能挑选结果",
    "system": "系统随机：种子由操作人电脑生成，外界无法证实没有多次尝试、只保留了满意的一次",
    "operator": "人工输入：种子由操作人输入，外界无法证实没有多次尝试、只保留了满意的一次",
}

FAIRNESS_SHORT = {"announced": "事先公告", "witnessed": "现场见证", "system": "系统随机", "operator": "人工输入"}

RECORD_TYPES = {
    "draw": "随机抽取",
    "failed": "抽取未成",
    "announce": "抽取公告",
    "void": "作废",
    "recusal": "回避替换",
    "targeted": "非随机检查",
    "plan_approval": "计划审批",
    "checklist_approval": "清单审批",
    "publish": "结果公开",
    "document": "抽查文书",
}

FAIRNESS_LEVELS = tuple(FAIRNESS_SHORT)

FAIRNESS_LEGEND = (
    "公平性说明：“事先公告”＝开奖前已公告参数和名单，种子取自公告指定的开奖结果（请与官方开奖号码核对）；"
    "“现场见证”＝种子由至少两名见证人各自输入的数算出；"
    "“系统随机”“人工输入”＝种子由操作人电脑生成或由操作人输入，外界无法证实没有多次尝试。"
)

#: Strata in order of precedence (SPEC §4): a company belongs to the first that applies.
STRATUM_NAMES = ("重点", "黑名单", "问题", "风险A", "风险B", "风险C", "风险D", "一般")

#: The reason categories of a recusal (第十七条); personal details are never recorded.
RECUSAL_REASONS = ("利害关系回避", "因故不能执行检查", "其他")

#: The grounds for an inspection outside the random draw (第七条).
TARGETED_BASES = ("投诉举报", "上级交办", "移送线索")


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/announced.py: Checking an announcement (``announce``) and the seed of a draw (SPEC §4 seeds and fairness levels, §5): the
# --------------------------------------------------------------------------------------------------


ANNOUNCE_FIELDS = (
    "section", "plan_item", "plan_digest", "checklist_item", "checklist", "date", "ratio", "rest_days", "sources",
    "not_before", "strata", "rested", "inspectors", "conflicts", "recent", "commit",
)
#: what an announced draw takes over from its announcement, unchanged
ANNOUNCED = ("plan_item", "plan_digest", "checklist_item", "checklist", "date", "ratio", "rest_days", "rested")


def item_key(record: dict) -> tuple:
    """(section, plan item) of a draw or announcement: what "the same draw to come" means for announcements."""
    item = record.get("plan_item")
    return str(record.get("section")), item if isinstance(item, str) else None


def sorted_pairs(entries) -> list:
    """``[(inspector, entity)]`` of recorded conflict or rotation entries, sorted."""
    return sorted((e["inspector"], e["entity"]) for e in entries)


def numbers_seen(void: dict, voided: dict) -> bool:
    """Was this a void after the lottery numbers of an announcement were out: the announcement itself, voided
    at or after its ``not_before``, or a draw made on one? Then its plan item gets no new announcement: otherwise
    an operator could void and announce again until one of several sets of numbers gave the wanted result."""
    if voided["type"] == "draw":
        return voided.get("fairness") == "announced"
    not_before = voided.get("not_before")
    return is_at(void.get("at")) and is_at(not_before) and moment(void["at"]) >= moment(not_before)


class AnnouncementChecks:
    """The checks of seeds and announcements (mixed into ``DrawChecks``)."""

    # -- seeds ------------------------------------------------------------------------------------

    def announcement_of(self, record: dict):
        """The pending announcement an announced draw fulfils (None for other levels or when it is missing)."""
        if record["fairness"] != "announced":
            if record["announcement"] is not None:
                self.add("不是“事先公告”的抽取，announcement 应为 null")
            return None
        target = record["announcement"]
        if not is_hex64(target) or target not in self.known:
            self.add("“事先公告”的抽取必须写明此前一条公告记录的 hash（announcement）")
            return None
        info = self.known[target]
        if info.type != "announce" or info.ledger != self.ledger:
            self.add(f"announcement 指向的 {self.place(info)} 不是本科室的抽取公告")
            return None
        if target in self.voided:
            self.add(f"所依据的公告 {self.place(info)} 已在 {self.voided[target]} 作废，不能再按它抽取")
        if target in self.announcement_used:
            self.add(f"公告 {self.place(info)} 已被 {self.announcement_used[target]} 用过；一份公告只能用于一次抽取")
            return None
        self.announcement_used[target] = self.here()
        return self.pending.pop(target, None)

    def check_seed(self, record: dict, announce) -> None:
        fairness, seed = record["fairness"], record["seed"]
        if fairness not in FAIRNESS_LEVELS:
            self.add(f"fairness 应为 {'、'.join(FAIRNESS_LEVELS)} 之一，记录为 {show(fairness)}")
            return
        if ("witnesses" in record) != (fairness == "witnessed"):
            self.add("只有“现场见证”的抽取才有 witnesses，且必须有")
        try:
            if fairness == "system" and not is_system_seed(seed):
                raise SeedError("fairness 为 system（系统随机）时种子应为 20 位数字")
            if fairness == "witnessed":
                check_witnesses(record.get("witnesses"))
                if witnessed_seed(record["witnesses"]) != seed:
                    raise SeedError("种子不是见证人输入值的 SHA-256（见证人的输入与种子对不上）")
            if fairness == "announced" and announce is not None:
                sources = announce["sources"]
                if not (isinstance(sources, list) and all(isinstance(s, dict) for s in sources)):
                    raise SeedError("所依据的公告没有有效的开奖来源（sources），无法核对种子")
                check_announced_seed(seed, sources)
                at = record["at"] if is_at(record.get("at")) else None
                if at is not None and is_at(announce["not_before"]) and moment(at) < moment(announce["not_before"]):
                    raise SeedError(f"抽取时间 {at} 早于公告规定的开奖时间 {announce['not_before']}：当时号码尚未公布")
                if at is not None and days_too_late(at[:10], announce["date"]) > 0:
                    raise SeedError(f"抽取比公告的日期晚了 {ANNOUNCED_DRAW_LAG_DAYS} 天以上，公告已失效")
        except SeedError as error:
            self.add(str(error))

    def compare_with_announcement(self, record, announce, strata, pool) -> tuple:
        """An announced draw is its announcement plus the seed: nothing else may differ. Returns the announced
        conflicts and rotation pairs: the draw is re-derived with those, and keeps exactly the ones of its teams
        and selected companies (a conflict left out would change the assignment unseen)."""
        for name in ANNOUNCED:
            if record.get(name) != announce.get(name):
                self.add(f"{name} 与公告不一致：公告为 {show(announce.get(name))}，抽取为 {show(record.get(name))}")
        recorded = [[s["name"], s["ratio"], s["population"], s["count"]] for s in record["strata"]]
        if recorded != [[s["name"], s["ratio"], s["population"], s["count"]] for s in announce["strata"]]:
            self.add("分层名单或比例与公告不一致：名单在公告之后被改动过")
        inspectors = announce["inspectors"]
        if list(pool) != [inspectors["eligible"], inspectors["team_size"], inspectors["reserve_size"]]:
            self.add("检查人员名单、每组人数或后备人数与公告不一致")
        return sorted_pairs(announce["conflicts"]), self.announced_pairs.pop(announce.get("hash"), set())

    # -- announce ---------------------------------------------------------------------------------

    def on_announce(self, record: dict) -> None:
        if not self.require(record, ANNOUNCE_FIELDS):
            return
        for name in ("plan_item", "checklist_item"):
            if record[name] is not None and not isinstance(record[name], str):
                self.add(f"{name} 应为字符串或 null")
        if not is_date(record["date"]) or not is_int(record["rest_days"]):
            self.add("date 应为有效日期，rest_days 应为整数")
            return
        self.check_announced_dates(record)
        self.check_sources(record["sources"])
        if isinstance(record["sources"], list) and is_at(record["not_before"]):
            for source in record["sources"]:
                problem = period_problem(source, record["not_before"]) if isinstance(source, dict) else None
                if problem:
                    self.add(problem)
        self.check_checklist(record)
        self.check_item_free(record)
        strata = self.populations(record["strata"], record["ratio"], with_selection=False)
        pool = self.pool(record["inspectors"], full=False)
        conflicts = self.pair_list(record["conflicts"], "conflicts")
        if strata is None or pool is None or conflicts is None:
            return
        self.remember_pool(record["date"], pool[0])
        self.check_rest(record, strata)
        found = self.cited_of(record["recent"], "recent")
        population = [e for p in strata for e in p.ids]
        inside, eligible = set(population), set(pool[0])
        if any(i not in eligible or e not in inside for i, e in conflicts):
            self.add("公告的 conflicts 只能列出符合条件的检查人员与各层企业之间申报的利害关系")
        pairs, records = self.rotation_of(record, population, pool[0])
        if isinstance(found, dict):  # listed, as written before 2026-12-08
            if set(found) != pairs:
                self.add("公告的近一年检查关系（recent）与台账不符：轮换规则无法按公告执行")
            else:
                self.check_listed_by(record, found)
        elif found is not None:
            self.check_rotation(found, pairs, records, people="符合条件的检查人员", companies="各层企业")
        if is_hex64(record.get("hash")):
            self.pending[record["hash"]] = record
            self.announced_pairs[record["hash"]] = pairs  # what its draw is re-derived with, as the log stands now

    def check_announced_dates(self, record: dict) -> None:
        """The numbers come out after the announcement and at most 30 days after the draw date it names; that
        date is not before the announcement's own (an announcement fixes a draw to come)."""
        at, not_before = record.get("at"), record["not_before"]
        if not is_at(not_before) or (is_at(at) and moment(not_before) <= moment(at)):
            self.add("not_before（开奖时间）应晚于公告时间：公告必须在号码产生之前发布")
            return
        if day_number(not_before[:10]) - day_number(record["date"]) > ANNOUNCED_DRAW_LAG_DAYS:
            self.add(f"开奖时间 {not_before} 比抽取日期 {record['date']} 晚 {ANNOUNCED_DRAW_LAG_DAYS} 天以上："
                     "公告的抽取到那时已失效")
        if is_at(at) and record["date"] < at[:10]:
            self.add(f"公告的抽取日期 {record['date']} 早于公告当天（{at[:10]}）：公告只能确定将来的抽取")

    def check_sources(self, sources) -> None:
        """Each source a game of the built-in list and a valid 期号, written as ssj writes it, each once."""
        if not (isinstance(sources, list) and sources and all(isinstance(s, dict) and set(s) == {"game", "period"}
                                                             for s in sources)):
            self.add("sources 应为 [{game, period}, …]（至少一个开奖来源）")
            return
        for source in sources:
            try:
                parsed = parse_source(f"{source['game']}:{source['period']}")
            except SeedError as error:
                self.add(f"开奖来源 {show(source)} 无效：{error}")
                continue
            if parsed != source:
                self.add(f"开奖来源 {show(source)} 不是规范写法（应为 {show(parsed)}）")
        if len({(str(s["game"]), str(s["period"])) for s in sources}) != len(sources):
            self.add("同一期开奖结果在 sources 中出现了两次：每个来源应是不同的一期")

    def check_item_free(self, record: dict) -> None:
        """One pending announcement per plan item; none after the item's numbers were seen and thrown away."""
        key = item_key(record)
        waiting = [h for h, note in self.pending.items() if item_key(note) == key]
        if waiting:
            self.add(f"计划事项 {show(key[1])} 已有一条待抽取的公告 {self.place(self.known[waiting[0]])}："
                     "同一事项同时只能有一条待抽取的公告（先按它抽取或作废它）")
        if key in self.spent:
            self.add(f"计划事项 {show(key[1])} 的 {self.spent[key]} 在开奖号码公布之后被作废，不能再为这一事项发新公告："
                     "否则看到号码后作废重来，就能在几组开奖号码中挑选抽取结果")


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


def percent(value: object) -> str:
    """A ratio as a clerk reads it, exactly: ``"0.1"`` → ``10%``, ``"0.125"`` → ``12.5%``, ``"1"`` → ``100%``
    (the record keeps the decimal; anything that is not a ratio is shown as it is)."""
    try:
        scaled = Decimal(str(value)) * 100
    except ArithmeticError:
        return str(value)
    if not scaled.is_finite():
        return str(value)
    return format(scaled.normalize(), "f") + "%"


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



RISK_CLASSES = ("A", "B", "C", "D")


def stratum_ratios(item_ratio: Decimal, risk_ratios: dict, multiplier: Decimal,
                   floor: Decimal | None = None) -> dict:
    """Each stratum's ratio under a plan item (SPEC §4, 第十六条), exact and capped at 1.

    ``floor`` (``--ratio``) raises the base before the multiplier applies and never lowers a plan ratio:
    b = max(item ratio, floor); 一般 b; 风险X max(plan ratio for X, floor); 黑名单 and 问题 min(1, m × b), never
    below the largest 风险 ratio so computed; 重点 1.
    """
    one = Decimal(1)
    base = min(one, max(item_ratio, floor) if floor is not None else item_ratio)
    risks = {}
    for risk in RISK_CLASSES:
        planned = risk_ratios.get(risk, item_ratio)
        risks[f"风险{risk}"] = min(one, max(planned, floor) if floor is not None else planned)
    raised = max(min(one, multiplier * base), *risks.values())
    return {"重点": one, "黑名单": raised, "问题": raised, **risks, "一般": base}


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


def ticket_pairs(ids, seed: str) -> list:
    """(ticket, id) for every id, in input order: sorted, the (ticket, id) order without a :class:`Ticket` each."""
    listed = list(ids)
    return list(zip(_ticket_list(listed, seed), listed))


def tickets(ids, seed: str) -> list:
    """Every id with its :class:`Ticket`, in input order."""
    return [Ticket(*pair) for pair in ticket_pairs(ids, seed)]


def rank(ids, seed: str) -> list:
    """All ids as :class:`Ticket`, in ticket order, smallest first."""
    return [Ticket(*pair) for pair in sorted(ticket_pairs(ids, seed))]


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
        return [Ticket(*pair) for pair in heapq.nsmallest(k, ticket_pairs(listed, seed))]
    chosen = sorted(owner)[:k] if 32 * k >= len(owner) else heapq.nsmallest(k, owner)
    return [Ticket(ticket, owner[ticket]) for ticket in chosen]


def inspector_seed(seed: str) -> str:
    """The seed that ranks inspectors: ``seed + "|inspectors"``."""
    return seed + INSPECTOR_SEED_SUFFIX


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/draw.py: One draw, pure (SPEC §4): strata and seed in; selected companies, teams, reserve and assignments out.
# --------------------------------------------------------------------------------------------------


MIN_TEAM_SIZE = 2


class Refused(ValueError):
    """A draw or recusal the public rules do not allow (the message says why, in Chinese)."""

    def __init__(self, message: str, entity: str | None = None) -> None:
        super().__init__(message)
        #: the company the refusal is about, when it is about one (a company every team conflicts with)
        self.entity = entity
        #: when the seed made the draw fail (every team conflicts with a company): the draw as far as it got,
        #: to be recorded as a failed attempt
        self.partial: Drawn | None = None


@dataclass(frozen=True)
class Stratum:
    """A named part of the eligible population (after the rest rule), drawn at its own ratio."""

    name: str
    ratio: Decimal
    population: list


@dataclass(frozen=True)
class DrawInput:
    """Everything the algorithm needs; nothing else may influence a draw."""

    seed: str
    strata: list
    inspectors: list
    team_size: int = MIN_TEAM_SIZE
    #: R: inspectors kept out of the teams so that a recusal can be replaced (when the section has enough)
    reserve: int = 0
    #: declared (inspector, entity) conflicts of interest
    conflicts: frozenset = field(default_factory=frozenset)
    #: (inspector, entity): the inspector inspected the company within the rotation period
    recent: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class Drawn:
    """The outcome: each stratum's selection, the teams, and where each selected company goes."""

    #: per stratum, (k, selected ids in ticket order)
    selections: list
    #: every selected id, strata merged in (ticket, id) order: the order of ``assignments``
    order: list
    eligible: list
    team_size: int
    reserve_size: int
    teams: list
    reserve: list
    #: the declared conflicts between the pool and the selected companies, sorted
    conflicts: list
    #: the rotation pairs between team members and selected companies, sorted
    recent: list
    #: team index per company of ``order``
    assignments: list
    #: companies assigned by the plain rule because every team had inspected them recently
    rotation_ignored: list


def select_strata(strata: list, seed: str) -> tuple:
    """(per stratum (k, selected ids in ticket order), every selected id in merged (ticket, id) order)."""
    selections, merged = [], []
    for stratum in strata:
        k, chosen = select(stratum.population, stratum.ratio, seed)
        selections.append((k, [t.id for t in chosen]))
        merged.extend(chosen)
    return selections, [t.id for t in sorted(merged)]


def draw(spec: DrawInput, selected: tuple | None = None) -> Drawn:
    """Select, form teams and assign (SPEC §4); raises :class:`Refused` when the draw cannot be made.

    ``selected`` is :func:`select_strata`'s result when the caller needed it first (to look up rotation).
    """
    if spec.team_size < MIN_TEAM_SIZE:
        raise Refused(f"每组至少 {MIN_TEAM_SIZE} 名执法人员（第十八条）")
    selections, order = selected if selected is not None else select_strata(spec.strata, spec.seed)
    if not order:
        raise Refused("没有符合条件的检查对象（在营且属于本科室监管范围），无法抽取")
    eligible = sorted(set(spec.inspectors))
    reserve_size = reserve_size_for(len(eligible), spec.team_size, spec.reserve)
    teams, reserve = form_teams(eligible, spec.seed, spec.team_size, len(order), reserve_size)
    conflicts = relevant_pairs(spec.conflicts, eligible, order)
    members = [member for team in teams for member in team]
    recent = relevant_pairs(spec.recent, members, order)
    drawn = Drawn(selections, order, eligible, spec.team_size, reserve_size, teams, reserve, conflicts, recent, [], [])
    try:
        assignments, ignored = assign(order, teams, set(conflicts), set(recent))
    except Refused as refusal:
        refusal.partial = drawn
        raise
    return Drawn(selections, order, eligible, spec.team_size, reserve_size, teams, reserve, conflicts, recent,
                 assignments, ignored)


def select(population: list, ratio: Decimal | Fraction | str, seed: str) -> tuple:
    """(k, the k smallest tickets of ``population`` in ticket order) with k = ⌈ratio × N⌉."""
    k = sample_size(len(population), ratio)
    return k, (smallest(population, seed, k) if k else [])


def reserve_size_for(eligible: int, team_size: int, planned: int) -> int:
    """R = min(planned, max(0, E − t)): the reserve never leaves the section without one team."""
    return min(planned, max(0, eligible - team_size))


def team_count(companies: int, inspectors: int, team_size: int, reserve: int = 0) -> int:
    """T = min(k, ⌊(E − R) / t⌋): no more teams than companies, each of ``team_size`` people."""
    return min(companies, (inspectors - reserve) // team_size)


def team_members(inspectors: list, seed: str, team_size: int, companies: int, reserve: int) -> list:
    """Every member of the teams :func:`draw` forms, in team order: whom rotation must look up (teams do not
    depend on rotation, only the assignment does). ``reserve`` is the planned R; raises :class:`Refused` as
    :func:`draw` does when no team can be formed."""
    eligible = sorted(set(inspectors))
    teams, _ = form_teams(eligible, seed, team_size, companies, reserve_size_for(len(eligible), team_size, reserve))
    return [member for team in teams for member in team]


def form_teams(eligible: list, seed: str, team_size: int, companies: int, reserve: int = 0) -> tuple:
    """(teams, reserve): the inspectors in ticket order under ``seed|inspectors``, t at a time; the rest wait."""
    count = team_count(companies, len(eligible), team_size, reserve)
    if count <= 0:
        raise Refused(
            f"符合条件的执法人员只有 {len(eligible)} 名（在岗、执法证在抽取日有效），不足一组 {team_size} 人（第十八条）"
        )
    ranked = [t.id for t in rank(eligible, inspector_seed(seed))]
    return [ranked[j * team_size:(j + 1) * team_size] for j in range(count)], ranked[count * team_size:]


def relevant_pairs(pairs, inspectors: list, entities: list) -> list:
    """The (inspector, entity) pairs between ``inspectors`` and ``entities``, sorted, each once."""
    chosen, pool = set(entities), set(inspectors)
    return sorted({(i, e) for i, e in pairs if e in chosen and i in pool})


def assign(order: list, teams: list, conflicts: set, recent: set | frozenset = frozenset()) -> tuple:
    """(team per company, companies assigned ignoring rotation), SPEC §4 and 第十七条.

    Company i goes to team i mod T, or to the next team none of whose members declared a conflict with it or
    inspected it recently (i+1, i+2 … mod T). When rotation alone blocks every team it is ignored for that
    company; when conflicts alone do, the draw cannot be made.
    """
    blocked = {entity for _, entity in conflicts} | {entity for _, entity in recent}
    either = conflicts | recent  # once, not per blocked company: ``recent`` holds a year of inspections
    count = len(teams)
    assignments, ignored = [], []
    for i, company in enumerate(order):
        if company not in blocked:  # the common case: nobody declared a conflict with it or saw it lately
            assignments.append(i % count)
            continue
        team = _first_free(i, company, teams, either)
        if team is None:
            team = _first_free(i, company, teams, conflicts)
            if team is None:
                raise Refused(
                    f"单位 {company} 与所有检查组都有申报的利害关系，无法分配（第十七条），请增加执法人员或调整组数", company)
            ignored.append(company)
        assignments.append(team)
    return assignments, sorted(ignored)


def _first_free(i: int, company: str, teams: list, blocking: set):
    count = len(teams)
    for step in range(count):
        team = (i + step) % count
        if not any((member, company) in blocking for member in teams[team]):
            return team
    return None


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/recusal.py: Recusal (第十七条, SPEC §4): who checks a company after inspectors stepped aside, and who replaces them.
# --------------------------------------------------------------------------------------------------


def assignment_order(record: dict) -> list:
    """Every selected company of a draw record, strata merged in ticket order (the order of ``assignments``)."""
    chosen = []
    for stratum in record["strata"]:
        selected = stratum["selected"] if isinstance(stratum["selected"], list) else []
        ids = [entity for entity in selected if isinstance(entity, str)]  # a malformed entry is reported elsewhere
        chosen += ticket_pairs(ids, record["seed"])
    return [entity for _, entity in sorted(chosen)]  # (ticket, id), as the draw merged them


def team_map(record: dict) -> dict:
    """``{entity: team index}`` of a draw record."""
    assignments = record["assignments"]
    return dict(zip(assignment_order(record), assignments if isinstance(assignments, list) else []))


def apply_recusals(team: list, entity: str, recusals: list) -> list:
    """``team`` (of ``entity``) after the recusals for it, in order: each recused member replaced in place."""
    team = list(team)
    for recusal in recusals:
        if recusal.get("entity") == entity and recusal.get("inspector") in team:
            team[team.index(recusal["inspector"])] = recusal.get("replacement")
    return team


def current_team(record: dict, entity: str, recusals: list, teams_of: dict | None = None) -> list:
    """The team that checks ``entity`` after the given recusals of this draw, in order."""
    index = (teams_of if teams_of is not None else team_map(record)).get(entity)
    if index is None:
        raise Refused(f"单位 {entity} 不在这次抽取的结果中")
    return apply_recusals(record["inspectors"]["teams"][index], entity, recusals)


def teams_after(record: dict, recusals: list) -> dict:
    """Every selected company's team after the recusals, in one pass (large draws have thousands)."""
    teams = record["inspectors"]["teams"]
    current = {entity: list(teams[index]) for entity, index in team_map(record).items()}
    for recusal in recusals:
        team = current.get(recusal["entity"])
        if team is not None and recusal["inspector"] in team:
            team[team.index(recusal["inspector"])] = recusal["replacement"]
    return current


def borrowed_ranking(pool: list, seed: str, section: str) -> list:
    """Another section's eligible inspectors in ticket order under ``seed|inspectors|<section id>``."""
    return [t.id for t in rank(sorted(set(pool)), inspector_seed(seed) + "|" + section)]


def replacement_for(record: dict, entity: str, inspector: str, earlier: list, borrowed: dict | None = None,
                    teams_of: dict | None = None):
    """The inspector who replaces ``inspector`` for ``entity`` (SPEC §4), or None when nobody can.

    Candidates are the draw's reserve in ticket order or, with ``borrowed`` (``{"section", "pool",
    "conflicts"}``: another section's eligible inspectors and their declared conflicts with ``entity``), that
    pool ranked under ``seed|inspectors|<section>``. The first who is not in the company's team as it stands,
    has not stepped aside for it in this draw and declared no conflict with it is the one. Beyond SPEC §4's
    wording, whoever already stepped aside for ``entity`` in this draw never comes back: otherwise a second
    recusal could return the first one's conflicted inspector.
    """
    team = current_team(record, entity, earlier, teams_of)
    if inspector not in team:
        raise Refused(f"{inspector} 不在单位 {entity} 的检查组中（当前检查组：{'、'.join(map(str, team))}）")
    conflicts = {(c["inspector"], c["entity"]) for c in record["conflicts"]}
    if borrowed is None:
        candidates = record["inspectors"]["reserve"]
    else:
        candidates = borrowed_ranking(borrowed["pool"], record["seed"], borrowed["section"])
        conflicts |= {(c["inspector"], c["entity"]) for c in borrowed["conflicts"]}
    stepped_aside = {inspector} | {r["inspector"] for r in earlier if r["entity"] == entity}
    for candidate in candidates:
        if not isinstance(candidate, str):  # a malformed reserve (reported with the draw) names nobody
            continue
        if candidate not in team and candidate not in stepped_aside and (candidate, entity) not in conflicts:
            return str(candidate)
    return None


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/listed.py: The rest and rotation evidence as records written before 2026-12-08 list it, read and checked as written:
# --------------------------------------------------------------------------------------------------


_RESTED = ("by", "entities", "count")
_RECENT = ("inspector", "by", "entities", "count")


class ListedError(ValueError):
    """Listed evidence whose shape is wrong, in words for the verifiers."""


#: records written from this moment on cite (``core/evidence.py``); only earlier ones may list
LISTED_UNTIL = "2026-12-08T00:00:00+08:00"


def is_listed(field) -> bool:
    """Is this evidence in the listed form of records written before 2026-12-08?"""
    return isinstance(field, list)


def listed_too_late(at) -> bool:
    """Was a record written at ``at`` (ISO 8601) too late for the listed form? (Nobody chooses the form.)"""
    return is_at(at) and moment(at) >= moment(LISTED_UNTIL)


def read_listed(groups: list, get, name: str) -> dict:
    """``{entity: by}`` (rested) or ``{(inspector, entity): by}`` (recent); ``get(digest)`` reads a list file."""
    fields = _RECENT if name == "recent" else _RESTED
    if not all(isinstance(g, dict) and set(g) == set(fields) for g in groups):
        raise ListedError(f"{name} 应为 {{{', '.join(fields)}}} 列表")
    if not all(is_hex64(g["by"]) and isinstance(g.get("inspector", ""), str) for g in groups):
        raise ListedError(f"{name} 的 by 应为记录的 hash" + ("，inspector 应为字符串" if name == "recent" else ""))
    keys = [tuple(g[f] for f in fields if f in ("inspector", "by")) for g in groups]
    if keys != sorted(keys) or len(set(keys)) != len(keys):
        raise ListedError(f"{name} 未按顺序排列或有重复")
    found: dict = {}
    for group in groups:
        ids = get(group["entities"])
        if group["count"] != len(ids):
            raise ListedError(f"{name}：count 应为 {len(ids)}")
        for entity in ids:
            key = (group["inspector"], entity) if name == "recent" else entity
            if key in found:
                raise ListedError(f"{name} 中 {key if isinstance(key, str) else ' '.join(key)} 出现了两次")
            found[key] = group["by"]
    return found


def listed_count(groups: list) -> int:
    """How many companies or pairs a listed field holds (0 when malformed)."""
    return sum(g["count"] for g in groups if isinstance(g, dict) and isinstance(g.get("count"), int))


def justified(inspections: dict, entity: str, record: str, day: int, days: int, inspector: str | None = None) -> bool:
    """Does ``record`` show ``entity`` inspected (by ``inspector``, when given) within ``days`` before ``day``?"""
    return any(v.record == record and within(v, day, days) and (inspector is None or inspector in v.inspectors)
               for v in inspections.get(entity, ()))


class ListedChecks:
    """The checks of listed evidence; a mixin of :class:`~shuangsuiji.core.fairness.FairnessChecks`' host."""

    def check_rest_listed(self, record: dict, strata: list, rested: dict) -> None:
        day, days = day_number(record["date"]), record["rest_days"]
        for entity, by in rested.items():
            if not justified(self.log.of([entity]), entity, by, day, days):
                self.add(f"企业 {entity} 被按休息期排除，但记录 {by[:12]}… 不能证明它在 {days} 天内被检查过")
        also = sorted(set(rested) & {e for p in strata for e in p.ids})
        if also:
            self.add(f"企业 {show_ids(also)} 既被排除又在名单中")
        checkable = [e for p in strata if p.name in RESTING_STRATA for e in p.ids]
        missed = sorted(resting(self.log.of(checkable), day, days))
        if missed:
            self.add(f"企业 {show_ids(missed)} 在 {days} 天内已被检查过，本应按休息期排除（第十六条：防止检查过多）")

    def check_rotation_listed(self, record: dict, outcome, recorded: dict, announced: set | None) -> None:
        members = [m for team in outcome.teams for m in team]
        if announced is not None:
            chosen = set(outcome.order)
            if set(recorded) != {(i, e) for i, e in announced if i in members and e in chosen}:
                self.add("近一年检查关系（recent）应为公告所列关系中本次检查组成员与被抽中企业之间的那些")
            return
        should = self.rotation_of(record, outcome.order, members)[0]
        missing = sorted(should - set(recorded))
        if missing:
            self.add(f"检查人员与企业的近一年检查关系漏记了 {len(missing)} 对（如 {missing[0][0]} → {missing[0][1]}）：轮换规则没有按记录执行")
        chosen, team = set(outcome.order), set(members)
        outside = sorted(pair for pair in recorded if pair[0] not in team or pair[1] not in chosen)
        if outside:
            self.add(f"近一年检查关系（recent）只能列出检查组成员与被抽中企业之间的关系，记录中有 {outside[0][0]} → {outside[0][1]}")
        self.check_listed_by(record, recorded)

    def check_listed_by(self, record: dict, recorded: dict) -> None:
        """Every listed rotation pair is shown by the record its ``by`` names (the first one that is not, named)."""
        day = day_number(record["date"])
        for (inspector, entity), by in sorted(recorded.items()):
            if not justified(self.log.of([entity]), entity, by, day, ROTATION_DAYS, inspector):
                self.add(f"记录 {by[:12]}… 不能证明 {inspector} 在一年内检查过企业 {entity}")
                return


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/evidence.py: The evidence a draw or an announcement keeps for the rest rule and for rotation (SPEC §4, §5): not the
# --------------------------------------------------------------------------------------------------


#: the fields of both evidence objects
CITED_FIELDS = ("records", "count")


class EvidenceError(ValueError):
    """Evidence whose shape is not the one above, in words for the verifiers."""


def cited(records, count: int) -> dict:
    """The ``rested`` or ``recent`` field citing ``records`` (hashes) for ``count`` companies or pairs."""
    return {"records": sorted(set(records)), "count": count}


def evidence_count(field) -> int:
    """How many companies (rested) or pairs (recent) a field counts, in either form (0 when malformed)."""
    if is_listed(field):
        return listed_count(field)
    return field["count"] if isinstance(field, dict) and is_int(field.get("count")) else 0


def read_cited(field, name: str) -> tuple[list, int]:
    """``(record hashes, count)`` of a ``rested`` or ``recent`` field; :class:`EvidenceError` when malformed."""
    if isinstance(field, dict) and set(field) == {"list", "count"}:
        raise EvidenceError(f"{name} 是 2026-12-07 试用过的写法（一个名单文件逐条列出企业及其记录）：ssj 不读取这种写法，"
                            "应为 {records: [记录 hash…], count: 数量}")
    if not isinstance(field, dict) or set(field) != set(CITED_FIELDS):
        raise EvidenceError(f"{name} 应为 {{records: [记录 hash…], count: 数量}}")
    records, count = field["records"], field["count"]
    if not isinstance(records, list) or not all(is_hex64(r) for r in records):
        raise EvidenceError(f"{name}.records 应为记录 hash（64 位小写十六进制）的列表")
    if records != sorted(set(records)):
        raise EvidenceError(f"{name}.records 未按顺序排列或有重复")
    if not is_int(count) or count < 0:
        raise EvidenceError(f"{name}.count 应为不小于 0 的整数")
    return records, count


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/fairness.py: 第十六、十七条 as a verifier re-derives them (SPEC §4): the rest rule left out every company inspected within
# --------------------------------------------------------------------------------------------------


class FairnessChecks(ListedChecks):
    """Needs of its host: ``log`` (the inspection log), ``add`` (report a problem), ``cited_of``."""

    def check_rest(self, record: dict, strata: list) -> None:
        """第十六条: ``rested`` cites every record with an inspection inside the rest period, and no company those
        inspections reached is left in a resting stratum. (How many it left out needs the registry: inside
        git ``ssj verify-ledger`` checks ``count`` against the data at the draw's commit.)"""
        found = self.cited_of(record["rested"], "rested")
        if found is None:
            return
        if isinstance(found, dict):  # listed, as written before 2026-12-08
            self.check_rest_listed(record, strata, found)
            return
        day, days = day_number(record["date"]), record["rest_days"]
        self.compare_cited("rested", f"休息期（{days} 天）内有检查的记录", found[0], self.log.records_within(day, days))
        checkable = [e for p in strata if p.name in RESTING_STRATA for e in p.ids]
        missed = sorted(resting(self.log.of(checkable), day, days))
        if missed:
            self.add(f"企业 {show_ids(missed)} 在 {days} 天内已被检查过，本应按休息期排除（第十六条：防止检查过多）")

    def rotation_of(self, record: dict, entities, inspectors) -> tuple[set, set]:
        """``(pairs, records)`` of rotation for these companies and inspectors on the record's date, from the log."""
        return rotation(self.log.of(entities), inspectors, day_number(record["date"]))

    def check_rotation(self, found: tuple, pairs: set, records: set, people: str = "检查组成员",
                       companies: str = "被抽中企业") -> None:
        """Rotation: ``recent`` cites exactly the records that show one of ``people`` at one of ``companies``
        within a year (``records``, from :meth:`rotation_of`), and counts those pairs (``pairs``): a draw's team
        members and selected companies, or an announcement's pool and strata."""
        self.compare_cited("recent", f"一年内{people}检查过{companies}的记录", found[0], records)
        if found[1] != len(pairs):
            self.add(f"recent.count 应为 {len(pairs)}（{people}与{companies}之间一年内的检查关系数），记录为 {found[1]}")

    def compare_cited(self, name: str, what: str, recorded: list, should: set) -> None:
        """A field's cited records are exactly ``should``: a record left out hides an inspection, one too many
        blocks or rests what it should not."""
        missing, extra = sorted(should - set(recorded)), sorted(set(recorded) - should)
        if missing:
            rule = "休息期规则（第十六条）" if name == "rested" else "轮换规则（第十七条）"
            self.add(f"{name} 漏引了 {len(missing)} 条{what}（如 {missing[0][:12]}…）：{rule}没有按台账执行")
        if extra:
            self.add(f"{name} 引用的记录 {extra[0][:12]}… 不是{what}（共 {len(extra)} 条多引）")


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/rederive.py: Re-deriving a recorded draw (SPEC §4, §5) with the very functions that made it — strata, selections, teams,
# --------------------------------------------------------------------------------------------------


DRAW_FIELDS = (
    "section", "plan_item", "plan_digest", "checklist_item", "checklist", "date", "fairness", "seed", "seed_source",
    "announcement", "again", "ratio", "rest_days", "strata", "rested", "inspectors", "conflicts", "recent",
    "assignments", "rotation_ignored", "inputs", "commit", "dirty",
)
FAILED_FIELDS = tuple(f for f in DRAW_FIELDS if f not in ("assignments", "rotation_ignored")) + ("entity", "reason")


class Known(NamedTuple):
    """What later records need of an earlier one, and where to read it again."""

    ledger: str
    seq: int
    type: str
    path: str
    offset: int
    line: int


class Population(NamedTuple):
    """One stratum as recorded, with its list file read."""

    name: str
    ratio: object
    ids: list


class DrawChecks(FairnessChecks, AnnouncementChecks, ChecklistChecks):
    """The state every record check shares (what earlier records left), and the checks of ``draw``, ``failed``
    and ``announce`` records; :class:`~shuangsuiji.core.records.RecordChecker` adds the other record types."""

    def __init__(self, lists: ListFolder) -> None:
        self.lists = lists
        self.problems: list = []
        self.entry: Entry | None = None
        self.known: dict = {}  # hash -> Known
        self.pending: dict = {}  # hash of an announcement not yet drawn on -> the record
        self.announced_pairs: dict = {}  # hash of a pending announcement -> its rotation pairs, as of its writing
        self.announcement_used: dict = {}  # announce hash -> where the draw that used it is
        self.voided: dict = {}  # hash -> where its void is
        self.underivable: set = set()  # draws whose record could not be re-derived
        self.recusals: dict = {}  # (draw hash, entity) -> recusals so far
        self.documents: dict = {}  # document number -> where
        self.documented: set = set()  # hashes of draws with a document
        self.ordered: set = set()  # (draw hash, entity) with a 责令限期整改指令书
        self.series: dict = {}  # (number prefix, section part) -> (kind, ledger)
        self.approved_plans: set = set()
        self.checklist_approvals: list = []  # (bureau seq, digest, address) of each checklist approval so far
        self.spent: dict = {}  # (section, plan item) -> the announcement thrown away after its numbers were out
        self.published: dict = {}  # draw hash -> the publish record that put out a result of it
        self.pools_on: dict = {}  # date -> {inspector: the ledger whose pool held them that day}
        self.log = InspectionLog()
        self._teams_of: tuple = (None, {})

    # -- bookkeeping ---------------------------------------------------------------------------------

    def begin(self, entry: Entry) -> None:
        self.entry = entry

    def remember(self, entry: Entry) -> None:
        """Make the record known to later ones (by its hash)."""
        record = entry.record
        if is_hex64(record.get("hash")) and record["hash"] not in self.known:
            self.known[record["hash"]] = Known(entry.ledger, record.get("seq", -1), str(record.get("type")),
                                               entry.path, entry.offset, entry.line)

    @property
    def ledger(self) -> str:
        """The ledger of the record being checked."""
        assert self.entry is not None
        return self.entry.ledger

    def here(self) -> str:
        assert self.entry is not None
        return f"{self.ledger}-{self.entry.record.get('seq')}"

    def place(self, info: Known) -> str:
        return f"{info.ledger}-{info.seq}"

    def add(self, message: str) -> None:
        assert self.entry is not None
        self.problems.append((self.entry.path, self.entry.line, message))

    def require(self, record: dict, fields) -> bool:
        missing = [name for name in fields if name not in record]
        if missing:
            self.add("{} 记录缺少字段 {}".format(record.get("type"), "、".join(missing)))
        return not missing

    # -- draw and failed -------------------------------------------------------------------------------

    def on_draw(self, record: dict) -> None:
        if not self.require(record, DRAW_FIELDS):
            self.underivable.add(record.get("hash"))
            return
        outcome = self.rederive(record)
        if isinstance(outcome, Refused):
            self.add(f"{outcome}：这次抽取本不应成立")
        if outcome is None or isinstance(outcome, Refused):  # reported; whom it selected still counts for rest
            self.underivable.add(record.get("hash"))
            self.log.add(str(record.get("hash")), day_number(record["date"]) if is_date(record["date"]) else 0,
                         self._visits_as_recorded(record))
            return
        self.compare_outcome(record, outcome)
        teams = outcome.teams
        self.log.add(str(record.get("hash")), day_number(record["date"]),
                     [(e, tuple(teams[t])) for e, t in zip(outcome.order, outcome.assignments)])

    def on_failed(self, record: dict) -> None:
        if not self.require(record, FAILED_FIELDS):
            return
        if not isinstance(record["reason"], str) or not record["reason"].strip():
            self.add("失败的抽取必须写明原因（reason）")
        outcome = self.rederive(record)
        if outcome is None:
            return
        if not isinstance(outcome, Refused):
            self.add("按记录重新计算，这次抽取本可以成立：不应记为失败")
            return
        if outcome.entity != record["entity"]:
            self.add(f"抽取失败的原因是单位 {show(outcome.entity)}，记录为 {show(record['entity'])}")
        if outcome.partial is not None:  # what the seed gave before it failed is public evidence too
            self.compare_outcome(record, outcome.partial, complete=False)

    @staticmethod
    def _visits_as_recorded(record: dict) -> list:
        """When a draw cannot be re-derived, later rest checks still see whom it selected (nobody's team)."""
        return [(entity, ()) for entity in selected_ids(record) if isinstance(entity, str)]

    def rederive(self, record: dict):
        """The draw's outcome re-derived (a :class:`~shuangsuiji.core.draw.Drawn`, or the :class:`Refused`
        the rules give), or None when the record is too malformed to re-derive."""
        if not self.draw_fields(record):
            return None
        strata = self.populations(record["strata"], record["ratio"], with_selection=True)
        pool = self.pool(record["inspectors"], full=True)
        if strata is None or pool is None:
            return None
        self.remember_pool(record["date"], pool[0])
        announce = self.announcement_of(record)
        self.check_seed(record, announce)
        self.check_draw_date(record)
        conflicts = self.pair_list(record["conflicts"], "conflicts")
        found = self.cited_of(record["recent"], "recent")
        if conflicts is None or found is None:
            return None
        stratified = [Stratum(p.name, p.ratio, p.ids) for p in strata]
        selected = select_strata(stratified, record["seed"])
        records: set = set()
        if announce is not None:  # re-derived from what the announcement fixed, not from what the draw says
            conflicts, known = self.compare_with_announcement(record, announce, strata, pool)
        else:
            self.check_rest(record, strata)
            try:
                members = team_members(pool[0], record["seed"], pool[1], len(selected[1]), pool[2])
            except Refused:
                members = []  # no team at all: the draw below is refused the same way
            known, records = self.rotation_of(record, selected[1], members)
        spec = DrawInput(record["seed"], stratified, pool[0], pool[1], pool[2], frozenset(conflicts), frozenset(known))
        try:
            outcome = draw(spec, selected)
        except Refused as refusal:
            if record["type"] == "failed" and refusal.partial is not None:
                self.check_recent(record, refusal.partial, found, announce, known, records)
            return refusal
        self.check_recent(record, outcome, found, announce, known, records)
        return outcome

    def check_recent(self, record: dict, outcome, found, announce, known: set, records: set) -> None:
        """Rotation against the log, or for an announced draw against what its announcement fixed: the same
        records cited, and the announced pairs between its team members and selected companies counted."""
        if isinstance(found, dict):  # listed, as written before 2026-12-08
            self.check_rotation_listed(record, outcome, found, known if announce is not None else None)
            return
        if announce is None:
            self.check_rotation(found, known, records)
            return
        announced = announce["recent"]
        if found[0] != (announced.get("records") if isinstance(announced, dict) else None):
            self.add("近一年检查关系（recent）引用的记录应与公告的相同：按公告抽取的轮换以公告时的台账为准")
        if found[1] != len(outcome.recent):
            self.add(f"recent.count 应为 {len(outcome.recent)}（公告所列关系中本次检查组成员与被抽中企业之间的那些），"
                     f"记录为 {found[1]}")

    def check_draw_date(self, record: dict) -> None:
        """A draw is made on its date (ssj never back-dates one); an announced one on or after the date its
        announcement named (the lag is checked with the seed)."""
        at, day = record.get("at"), record["date"]
        if not is_at(at):
            return
        if record["fairness"] == "announced":
            if at[:10] < day:
                self.add(f"抽取时间 {at} 早于公告的抽取日期 {day}：不能提前按公告抽取")
        elif at[:10] != day:
            self.add(f"抽取日期 {day} 与记录时间 {at} 不是同一天：抽取只能当天进行，不得补录或倒签（第十五条）")

    def remember_pool(self, day: str, eligible: list) -> None:
        """Which ledger's pool held each inspector on a day: a recusal that borrows from another section must
        borrow that section's people (the last :data:`KEPT_DAYS` days are kept, so memory stays bounded)."""
        if day not in self.pools_on:
            self.pools_on[day] = {}
            newest = max(day_number(d) for d in self.pools_on)
            for old in [d for d in self.pools_on if day_number(d) < newest - KEPT_DAYS]:
                del self.pools_on[old]
        on = self.pools_on[day]
        for inspector in eligible:
            on.setdefault(inspector, self.ledger)

    def draw_fields(self, record: dict) -> bool:
        ok = True
        for name in ("plan_item", "checklist_item", "again"):
            if record[name] is not None and not (isinstance(record[name], str) and record[name].strip()):
                self.add(f"{name} 应为非空字符串或 null")
        for name in ("checklist", "plan_digest"):
            if record[name] is not None and not is_hex64(record[name]):
                self.add(f"{name} 应为 64 位十六进制摘要或 null")
        if is_hex64(record["plan_digest"]) and record["plan_digest"] not in self.approved_plans:
            self.add("抽取所依据的计划内容（plan_digest）在此之前没有审批记录（第七条）")
        self.check_checklist(record)
        if not is_date(record["date"]):
            self.add("date 不是有效日期（YYYY-MM-DD）：{}".format(show(record["date"])))
            ok = False
        if not is_int(record["rest_days"]) or record["rest_days"] < 0:
            self.add("rest_days 应为不小于 0 的整数")
            ok = False
        if not isinstance(record["seed_source"], str):
            self.add("seed_source 应为字符串")
        inputs = record["inputs"]
        if not isinstance(inputs, dict) or not all(is_hex64(value) for value in inputs.values()):
            self.add("inputs 应为 {文件路径: SHA-256} 对象")
        if record["commit"] is not None and not isinstance(record["commit"], str):
            self.add("commit 应为字符串或 null")
        if not isinstance(record["dirty"], bool):
            self.add("dirty 应为 true 或 false")
        seed = record["seed"]
        if not isinstance(seed, str) or not seed:
            self.add("seed 应为非空字符串")
            return False
        if seed != unicodedata.normalize("NFC", seed.strip()):
            self.add("seed 未去掉首尾空白或不是 NFC 形式（记录的应是实际使用的种子）")
        return ok

    def populations(self, strata, floor_text, with_selection: bool):
        """The recorded strata with their list files read and checked; None when they cannot be."""
        floor = None
        if floor_text is not None:
            try:
                floor = recorded_ratio(floor_text)
            except ValueError as error:
                self.add(f"ratio：{error}")
        if not isinstance(strata, list) or not strata:
            self.add("strata 应为非空列表")
            return None
        fields = ("name", "ratio", "population", "count") + (("k", "selected") if with_selection else ())
        found: list = []
        seen: dict = {}
        ok = True
        for number, stratum in enumerate(strata, 1):
            label = f"第 {number} 层"
            if not isinstance(stratum, dict) or not all(name in stratum for name in fields):
                self.add(f"{label} 应含 {'、'.join(fields)}")
                ok = False
                continue
            label = f"第 {number} 层（{stratum['name']}）"
            if stratum["name"] not in STRATUM_NAMES or any(p.name == stratum["name"] for p in found):
                self.add("{}：层名应为 {} 之一且不重复".format(label, "、".join(STRATUM_NAMES)))
            try:
                ratio = recorded_ratio(stratum["ratio"])
                ids = self.lists.get(stratum["population"])
            except (ValueError, ListError) as error:
                self.add(f"{label}：{error}")
                ok = False
                continue
            if floor is not None and ratio < floor:
                self.add("{}：比例 {} 低于本次抽取的比例下限 {}".format(label, stratum["ratio"], floor_text))
            if stratum["count"] != len(ids) or not is_int(stratum["count"]):
                self.add(f"{label}：count 应为名单中的 {len(ids)} 家，记录为 {show(stratum['count'])}")
            for entity in ids:
                if entity in seen:
                    self.add(f"{label}：企业 {entity} 同时出现在{seen[entity]}，一家企业只能属于一层")
                    ok = False
                    break
                seen[entity] = label
            found.append(Population(stratum["name"], ratio, ids))
        return found if ok else None

    def pool(self, inspectors, full: bool):
        """(eligible, team size, reserve size) as recorded, once their shape holds; None otherwise."""
        fields = ("eligible", "team_size", "reserve_size") + (("teams", "reserve") if full else ())
        if not isinstance(inspectors, dict) or not all(name in inspectors for name in fields):
            self.add(f"inspectors 应含 {'、'.join(fields)}")
            return None
        eligible, size, reserve = inspectors["eligible"], inspectors["team_size"], inspectors["reserve_size"]
        if not isinstance(eligible, list) or not all(isinstance(item, str) for item in eligible):
            self.add("inspectors.eligible 应为检查人员编号（字符串）列表")
            return None
        if len(set(eligible)) != len(eligible):
            self.add("inspectors.eligible 中有重复的检查人员")
            return None
        if eligible != sorted(eligible):
            self.add("inspectors.eligible 应按编号排序")
        if not is_int(size) or size < MIN_TEAM_SIZE:
            self.add(f"team_size 应为不小于 {MIN_TEAM_SIZE} 的整数（第十八条：每组至少 {MIN_TEAM_SIZE} 名检查人员）")
            return None
        if not is_int(reserve) or reserve < 0 or reserve > max(0, len(eligible) - size):
            self.add(f"reserve_size 应为 0 到 {max(0, len(eligible) - size)} 之间的整数（后备人员不能使本科室组不成一组）")
            return None
        return eligible, size, reserve

    def pair_list(self, entries, name: str):
        if not isinstance(entries, list) or not all(
                isinstance(e, dict) and set(e) == {"inspector", "entity"} and all(isinstance(v, str) for v in e.values())
                for e in entries):
            self.add(f"{name} 应为 {{inspector, entity}} 列表")
            return None
        pairs = sorted_pairs(entries)
        if [(e["inspector"], e["entity"]) for e in entries] != pairs or len(set(pairs)) != len(pairs):
            self.add(f"{name} 未按检查人员、企业排序或有重复")
        return pairs

    def cited_of(self, field, name: str):
        """``(record hashes, count)`` of a ``rested`` or ``recent`` field — or, for a record written before
        2026-12-08, the ``{company or pair: by}`` it lists (:mod:`~shuangsuiji.core.listed`) — every record
        named written before this one; None (with the problem reported) when malformed."""
        assert self.entry is not None
        if is_listed(field) and listed_too_late(self.entry.record.get("at")):
            self.add(f"{name} 是 2026-12-08 之前的写法（逐家列出）：此后写入的记录应引用记录，写成 {{records: [记录 hash…], count: 数量}}")
            return None
        try:
            found = read_listed(field, self.lists.get, name) if is_listed(field) else read_cited(field, name)
        except ListError as error:
            self.add(f"{name}：{error}")
            return None
        except (EvidenceError, ListedError) as error:
            self.add(str(error))
            return None
        named = found.values() if isinstance(found, dict) else found[0]
        unknown = next((r for r in named if r not in self.known), None)
        if unknown is not None:
            self.add(f"{name} 引用的记录 {show(unknown, 20)} 不在此前的台账中")
            return None
        return found

    def compare_outcome(self, record: dict, outcome, complete: bool = True) -> None:
        """The record says what re-deriving gives; a failed draw (not ``complete``) as far as it got."""
        for number, (stratum, (k, chosen)) in enumerate(zip(record["strata"], outcome.selections), 1):
            label = f"第 {number} 层（{stratum['name']}）"
            if stratum["k"] != k or not is_int(stratum["k"]):
                self.add(f"{label}：k 应为 {k}（⌈{stratum['ratio']} × {stratum['count']}⌉），记录为 {show(stratum['k'])}")
            self.compare_list(f"{label}：被抽中的企业", chosen, stratum["selected"])
        inspectors = record["inspectors"]
        for j in range(max(len(outcome.teams), len(inspectors["teams"]) if isinstance(inspectors["teams"], list) else 0)):
            want = outcome.teams[j] if j < len(outcome.teams) else None
            got = inspectors["teams"][j] if isinstance(inspectors["teams"], list) and j < len(inspectors["teams"]) else None
            if want != got:
                self.add(f"应有 {len(outcome.teams)} 个检查组" if want is None or got is None
                         else f"检查组 {j} 应为 {show_ids(want)}，记录为 {show(got)}")
                break
        if inspectors["reserve"] != outcome.reserve:
            self.add("后备人员（reserve）应为 {}，记录为 {}".format(show_ids(outcome.reserve), show(inspectors["reserve"])))
        if sorted_pairs(record["conflicts"]) != outcome.conflicts:
            self.add("conflicts 应为公告所列利害关系中涉及被抽中企业的全部，记录与此不符" if record["fairness"] == "announced"
                     else "conflicts 应只列出符合条件的检查人员与被抽中企业之间申报的利害关系")
        if not complete:
            return
        self.compare_list("分组（assignments）", outcome.assignments, record["assignments"])
        self.compare_list("忽略轮换的企业（rotation_ignored）", outcome.rotation_ignored, record["rotation_ignored"])

    def compare_list(self, label: str, want: list, got) -> None:
        if got == want:
            return
        if not isinstance(got, list):
            self.add(f"{label} 应为列表")
            return
        first = next((n for n, (a, b) in enumerate(zip(want, got)) if a != b), min(len(want), len(got)))
        if first < min(len(want), len(got)):
            self.add(f"{label}：第 {first + 1} 项应为 {show(want[first])}，记录为 {show(got[first])}")
        else:
            self.add(f"{label}：应有 {len(want)} 项，记录为 {len(got)} 项")


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/records.py: What each record must be (SPEC §5), checked in the order the records were written: voids, recusals,
# --------------------------------------------------------------------------------------------------


VOID_FIELDS = ("draw", "reason")
RECUSAL_FIELDS = ("draw", "entity", "inspector", "replacement", "reason", "from_section")
TARGETED_FIELDS = ("section", "date", "basis", "reference", "reason", "entities", "inspectors")
PLAN_APPROVAL_FIELDS = ("year", "plan", "meeting", "approved_on", "approver", "digest")
CHECKLIST_APPROVAL_FIELDS = ("digest", "meeting", "approver", "date")
PUBLISH_FIELDS = ("manifest_digest", "sections", "from", "to", "results")
DOCUMENT_FIELDS = ("number", "kind", "draw", "entity", "sha256")


class RecordChecker(DrawChecks):
    """Checks each record of the bureau's ledgers, in the order they were written (see ``core/ledgers``)."""

    def check(self, entry: Entry) -> None:
        """One record: its type's rules against everything written before it."""
        self.begin(entry)
        record = entry.record
        kind = record.get("type")
        handler = getattr(self, f"on_{kind}", None) if isinstance(kind, str) and kind in RECORD_TYPES else None
        if handler is None:
            if "type" in record:
                self.add(f"未知的记录类型 {show(kind)}")
            return
        if record.get("section") is not None and "section" in record:
            self.check_section(record)
        handler(record)

    def check_section(self, record: dict) -> None:
        section = record.get("section")
        if section != self.ledger:
            self.add(f"这条记录属于科室 {show(section)}，却写在 {show(self.ledger)} 的台账里")

    # -- what follows a draw -------------------------------------------------------------------------

    def same_ledger(self, target) -> tuple:
        """(info, record) of an earlier record of this ledger with hash ``target``, or (None, None)."""
        info = self.known.get(target) if is_hex64(target) else None
        if info is None or info.ledger != self.ledger:
            return None, None
        return info, read_record_at(info.path, info.offset)

    def on_void(self, record: dict) -> None:
        if not self.require(record, VOID_FIELDS):
            return
        if not isinstance(record["reason"], str) or not record["reason"].strip():
            self.add("作废必须写明原因（reason）")
        target = record["draw"]
        info, voided = self.same_ledger(target)
        if voided is None or voided.get("type") not in ("draw", "announce"):
            self.add(f"作废的抽取或公告不存在（本台账在这条记录之前没有 hash 为 {show(target, 20)} 的抽取或公告记录）")
            return
        if target in self.voided:
            self.add(f"{self.place(info)} 的记录已在 {self.voided[target]} 作废过；一条记录只能作废一次")
            return
        if voided["type"] == "announce" and target in self.announcement_used:
            self.add(f"{self.place(info)} 的公告已用于抽取（{self.announcement_used[target]}），不能再作废公告（应作废那次抽取）")
            return
        if target in self.published:
            self.add(f"{self.place(info)} 的抽取已有检查结果在 {self.published[target]} 公开，不能再作废")
        if target in self.documented:
            self.add(f"{self.place(info)} 的抽取已开具抽查文书，文书已交给被检查单位，不能再作废")
        self.voided[target] = self.here()
        self.pending.pop(target, None)
        self.announced_pairs.pop(target, None)
        if numbers_seen(record, voided):
            self.spent.setdefault(item_key(voided), self.place(info))
        if voided["type"] == "draw":
            self.log.void(target, selected_ids(voided))

    def on_recusal(self, record: dict) -> None:
        if not self.require(record, RECUSAL_FIELDS):
            return
        if record["reason"] not in RECUSAL_REASONS:
            self.add("回避原因应为 {} 之一，记录为 {}".format("、".join(RECUSAL_REASONS), show(record["reason"])))
        target = record["draw"]
        info, drawn = self.same_ledger(target)
        if drawn is None or drawn.get("type") != "draw":
            self.add(f"回避所指的抽取不存在（本台账在这条记录之前没有 hash 为 {show(target, 20)} 的抽取记录）")
            return
        if target in self.voided:
            self.add(f"{self.place(info)} 的抽取已在 {self.voided[target]} 作废，不能再回避换人")
        if target in self.underivable:
            self.add(f"所指的抽取（{self.place(info)}）本身无法复核，这次回避换人也无法复核")
            return
        entity, inspector, replacement = record["entity"], record["inspector"], record["replacement"]
        teams_of = self.teams_of(target, drawn)
        if not isinstance(entity, str) or entity not in teams_of:
            self.add(f"企业 {show(entity)} 不是 {self.place(info)} 抽取中被抽中的企业")
            return
        teams, index = drawn["inspectors"]["teams"], teams_of[entity]
        if not (is_int(index) and isinstance(teams, list) and 0 <= index < len(teams) and isinstance(teams[index], list)):
            self.add(f"所指的抽取（{self.place(info)}）记录的分组与检查组对不上，这次回避换人无法复核")
            return
        history = self.recusals.setdefault((target, entity), [])
        team = apply_recusals(teams[index], entity, history)
        if inspector not in team:
            self.add(f"回避的检查人员 {show(inspector)} 不在企业 {entity} 当前的检查组（{show_ids(team)}）里")
            return
        if not isinstance(replacement, str):
            self.add("回避记录必须写明替补人员（replacement）：没有人可替补时不能记录回避，应另行处理或作废抽取")
            return
        borrowed = self.borrowed(record, drawn)
        if borrowed is False:
            return
        expected = replacement_for(drawn, entity, inspector, history, borrowed, teams_of)
        history.append({"entity": entity, "inspector": inspector, "replacement": replacement})
        if replacement != expected:
            where = f"{borrowed['section']} 的人员按种子排序后" if borrowed else "后备名单中"
            self.add(f"替补人员应为 {show(expected) if expected is not None else '无人可替补'}（{where}第一位不在该组、未曾为该企业回避"
                     f"且与该企业无利害冲突的人员），记录为 {show(replacement)}")
        self.log.replace(target, entity, inspector, replacement)

    def borrowed(self, record: dict, drawn: dict):
        """The other section's pool a recusal drew from (None: the draw's own reserve; False: malformed)."""
        section = record["from_section"]
        if section is None:
            return None
        pool, conflicts = record.get("pool"), record.get("pool_conflicts")
        if not isinstance(section, str) or section == self.ledger or section == BUREAU:
            self.add(f"from_section 应为另一个科室的编号，记录为 {show(section)}")
            return False
        if not (isinstance(pool, list) and pool and all(isinstance(i, str) for i in pool)
                and pool == sorted(set(pool))):
            self.add("从其他科室抽调替补时，pool 应为该科室在抽取日符合条件的人员编号（非空、已排序、不重复）")
            return False
        pairs = self.pair_list(conflicts, "pool_conflicts")
        if pairs is None:
            return False
        if any(i not in pool or e != record["entity"] for i, e in pairs):
            self.add("pool_conflicts 只能列出 pool 中的人员与这家企业之间申报的利害关系")
            return False
        if not self._pool_belongs(section, pool, drawn):
            return False
        return {"section": section, "pool": pool, "conflicts": conflicts}

    def _pool_belongs(self, section: str, pool: list, drawn: dict) -> bool:
        """The borrowed pool holds the other section's people: nobody of the draw's own pool, and nobody whom the
        draw or announcement of a section other than ``section`` counted as its own on the draw's date."""
        own = sorted(set(pool) & set(drawn["inspectors"]["eligible"]))
        if own:
            self.add(f"pool 中的 {show_ids(own)} 是本科室这次抽取的检查人员，不是从 {section} 抽调的")
            return False
        on = self.pools_on.get(drawn["date"], {})
        elsewhere = sorted(i for i in pool if on.get(i, section) != section)
        if elsewhere:
            self.add(f"pool 中的 {elsewhere[0]} 在 {drawn['date']} 是 {on[elsewhere[0]]} 的检查人员（见该科室当天的记录），"
                     f"不属于 {section}")
            return False
        return True

    def teams_of(self, target: str, drawn: dict) -> dict:
        """``{entity: team}`` of a draw, re-derived (the last one is kept: recusals come in runs)."""
        if self._teams_of[0] != target:
            self._teams_of = (target, team_map(drawn))
        return self._teams_of[1]

    # -- the other record types ------------------------------------------------------------------------

    def on_targeted(self, record: dict) -> None:
        if not self.require(record, TARGETED_FIELDS):
            return
        if record["basis"] not in TARGETED_BASES:
            self.add("定向检查的依据应为 {} 之一，记录为 {}".format("、".join(TARGETED_BASES), show(record["basis"])))
        lists = [record[name] for name in ("entities", "inspectors")]
        if not all(isinstance(v, list) and v and all(isinstance(i, str) for i in v) for v in lists):
            self.add("entities 和 inspectors 应为非空的编号（字符串）列表")
            return
        if len(set(record["inspectors"])) < MIN_TEAM_SIZE:
            self.add(f"检查人员至少 {MIN_TEAM_SIZE} 名（第十八条）")
        if not is_date(record["date"]):
            self.add("date 不是有效日期（YYYY-MM-DD）：{}".format(show(record["date"])))
            return
        if is_at(record.get("at")) and record["at"][:10] != record["date"]:
            self.add(f"非随机检查的日期 {record['date']} 与记录时间 {record['at']} 不是同一天：不得补录或提前记录（第十五条）")
        team = tuple(record["inspectors"])
        self.log.add(record.get("hash", ""), day_number(record["date"]), [(e, team) for e in record["entities"]])

    def on_plan_approval(self, record: dict) -> None:
        if self.require(record, PLAN_APPROVAL_FIELDS) and is_hex64(record["digest"]):
            self.approved_plans.add(record["digest"])

    def on_checklist_approval(self, record: dict) -> None:
        if self.require(record, CHECKLIST_APPROVAL_FIELDS) and is_hex64(record["digest"]):
            self.note_checklist_approval(record)

    def on_publish(self, record: dict) -> None:
        if not self.require(record, PUBLISH_FIELDS):
            return
        published = record.get("published")
        for result in published if isinstance(published, list) else []:
            if isinstance(result, dict) and is_hex64(result.get("draw")):
                self.published.setdefault(result["draw"], self.here())

    def on_document(self, record: dict) -> None:
        """A numbered 抽查文书 (SPEC §9): for a company its draw selected, of a draw that stands; a 整改复查意见书
        only after a 责令限期整改指令书 for the same company and draw; each number once, each series (the number's
        prefix and section) one kind in one ledger."""
        if not self.require(record, DOCUMENT_FIELDS):
            return
        info = self.known.get(record["draw"]) if is_hex64(record["draw"]) else None
        if info is None or info.type != "draw" or info.ledger != self.ledger:
            self.add("文书所属的抽取不在本科室此前的台账中")
        elif record["draw"] in self.voided:
            self.add("文书所属的抽取已作废")
        elif record["entity"] not in selected_ids(read_record_at(info.path, info.offset)):
            self.add(f"文书的被检查单位 {show(record['entity'])} 不在所属抽取 {self.place(info)} 的抽中名单中")
        if record["kind"] not in DOCUMENT_KINDS:
            self.add(f"文书种类 {show(record['kind'])} 不是 {'、'.join(DOCUMENT_KINDS)} 之一")
        key = (record["draw"], record["entity"])
        if record["kind"] == "整改复查意见书" and key not in self.ordered:
            self.add("整改复查意见书之前没有同一抽取、同一单位的责令限期整改指令书")
        if record["kind"] == "责令限期整改指令书":
            self.ordered.add(key)
        self.check_series(record)
        if record["number"] in self.documents:
            self.add(f"文书编号 {record['number']} 已在 {self.documents[record['number']]} 使用过，编号不得重复")
        self.documents[record["number"]] = self.here()
        self.documented.add(record["draw"])

    def check_series(self, record: dict) -> None:
        """The number is ``<prefix>〔<year of the record>〕<section>-<serial>``, and each (prefix, section) series
        belongs to one kind and one ledger."""
        parts = split_document_number(record["number"])
        if parts is None:
            self.add(f"文书编号 {show(record['number'])} 格式不对（应如 汝应急现记〔2026〕二股-001）")
            return
        prefix, year, section, _ = parts
        if is_at(record.get("at")) and year != int(record["at"][:4]):
            self.add(f"文书编号 {record['number']} 的年份 {year} 不是开具的年份 {record['at'][:4]}")
        owner = self.series.setdefault((prefix, section), (record["kind"], self.ledger))
        if owner != (record["kind"], self.ledger):
            self.add(f"文书编号 {record['number']} 的编号系列此前用于 {owner[1]} 台账的{owner[0]}，不能再用于{record['kind']}")


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/ledgers.py: All of a bureau's ledgers, read in the order they were written (SPEC §5 ``heads``).
# --------------------------------------------------------------------------------------------------


#: prune the inspection log once the records have moved on this many days
_PRUNE_EVERY_DAYS = 30


def _heads(entry: Entry) -> dict:
    heads = entry.record.get("heads")
    return heads if isinstance(heads, dict) else {}


def _ready(entry: Entry, tips: dict) -> bool:
    """Every record this one's heads name has been read already."""
    for ledger, head in _heads(entry).items():
        if ledger in tips and isinstance(head, dict) and isinstance(head.get("seq"), int):
            tip = tips[ledger]
            if tip is None or tip[0] < head["seq"]:
                return False
    return True


def _check_heads(entry: Entry, tips: dict, problems: list) -> None:
    """This record's heads name exactly the last record of every other ledger written before it."""
    heads = _heads(entry)
    where = (entry.path, entry.line)
    for ledger, tip in tips.items():
        if ledger == entry.ledger:
            continue
        head = heads.get(ledger)
        if head is not None and not isinstance(head, dict):  # malformed (reported with the chain): no pin at all
            head = {}
        if tip is None and head is not None:
            problems.append((*where, f"heads 记录写入时 {ledger} 台账已有 {ledger}-{head.get('seq')}，但该台账中没有这条记录"
                                     "（记录被删除或台账被截断）"))
        elif tip is not None and head is None:
            problems.append((*where, f"heads 缺少 {ledger}：这条记录写入时 {ledger} 台账已有 {ledger}-{tip[0]}"))
        elif tip is not None and head is not None and (head.get("seq"), head.get("hash")) != tip:
            problems.append((*where, f"heads 中 {ledger} 为 {ledger}-{head.get('seq')}（{str(head.get('hash'))[:12]}…），"
                                     f"与 {ledger} 台账不符（写入时它的最后一条是 {ledger}-{tip[0]}，{tip[1][:12]}…）："
                                     "台账中有记录被删除、插入或改动过"))
    for ledger in sorted(set(heads) - set(tips)):
        problems.append((*where, f"heads 提到台账 {show(ledger)}，但它不在这里：整本台账被删除或没有公开"))


def in_write_order(files: dict, problems: list):
    """Every record of every ledger (``{ledger: [(year, path), …]}``), in the order they were written."""
    readers = {name: read_ledger(name, years, problems) for name, years in files.items()}
    peeked: dict = {name: next(reader, None) for name, reader in readers.items()}
    tips: dict = {name: None for name in files}
    while True:
        waiting = {name: entry for name, entry in peeked.items() if entry is not None}
        if not waiting:
            return
        ready = [name for name, entry in waiting.items() if _ready(entry, tips)]
        name = min(ready or waiting, key=lambda n: (str(waiting[n].record.get("at", "")), n))
        entry = waiting[name]
        _check_heads(entry, tips, problems)
        yield entry
        record = entry.record
        if isinstance(record.get("seq"), int) and isinstance(record.get("hash"), str):
            tips[name] = (record["seq"], record["hash"])
        peeked[name] = next(readers[name], None)


#: the record types whose check re-derives a draw or its population: the cost of a verification
COSTLY_TYPES = ("draw", "failed", "announce")


def absorb(checker: RecordChecker, entry: Entry) -> None:
    """What an already verified record leaves for the records after it, without re-deriving it: its
    inspections (rest, rotation), its announcement, or that it used one. Cheap record types, and a record whose
    shape does not allow this, are simply checked."""
    record = entry.record
    kind = record.get("type")
    if kind not in COSTLY_TYPES:
        checker.check(entry)
        return
    checker.begin(entry)
    try:
        eligible = list(record["inspectors"]["eligible"])
        day = day_number(record["date"])
        visits = population = None
        if kind == "announce":  # the pairs its draw will be re-derived with, as the log stands now
            population = [e for s in record["strata"] for e in checker.lists.get(s["population"])]
        if kind == "draw":
            teams = [tuple(team) for team in record["inspectors"]["teams"]]  # one tuple per team, shared
            visits = [(entity, teams[team]) for entity, team in team_map(record).items()]
        if not is_hex64(record["hash"]) or (kind != "announce" and not {"fairness", "announcement"} <= set(record)):
            raise KeyError("hash")
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, ListError):
        checker.check(entry)
        return
    # the state each handler leaves (a test compares it with a full check's, record type by record type)
    checker.remember_pool(record["date"], eligible)
    if kind == "announce":
        checker.pending[record["hash"]] = record
        checker.announced_pairs[record["hash"]] = checker.rotation_of(record, population, eligible)[0]
        return
    checker.announcement_of(record)
    checker.announced_pairs.pop(record["announcement"], None)
    if visits is not None:
        checker.log.add(record["hash"], day, visits)


class Verified:
    """What a verification found: every problem, and the checker's state (for the bundle's own checks)."""

    def __init__(self, checker: RecordChecker, problems: list, counts: dict) -> None:
        self.checker = checker
        self.problems = problems
        #: {ledger: {record type: number}}
        self.counts = counts


def verify_ledgers(folder: str, on_record=None, progress=None, rederive=None) -> Verified:
    """Check every ledger under ``folder`` (``<ledger>/<year>.jsonl`` and ``lists/``): chains, heads, and every
    record against what was written before it. ``on_record(entry, checker)`` is called after each record.

    ``rederive(entry)`` False: the record was verified before (a checkpoint), so it is not re-derived, only
    :func:`absorb`-ed; its chain, its heads and every record after it are checked all the same."""
    problems: list = []
    files = ledger_files(folder)
    problems += [(os.path.join(folder, name), None, "旧格式（格式 1）的台账：格式 2 的台账是 <科室>/<年份>.jsonl，"
                  "这个文件中的记录不会被当作台账核验") for name in format1_files(folder)]
    checker = RecordChecker(ListFolder(os.path.join(folder, LISTS_DIR)))
    counts: dict = {name: {} for name in files}
    pruned = 0
    for entry in in_write_order(files, problems):
        if rederive is None or rederive(entry):
            checker.check(entry)
        else:
            absorb(checker, entry)
        checker.remember(entry)
        kind = str(entry.record.get("type"))
        counts[entry.ledger][kind] = counts[entry.ledger].get(kind, 0) + 1
        if on_record is not None:
            on_record(entry, checker)
        if progress is not None:
            progress(entry)
        at = entry.record.get("at")
        if isinstance(at, str) and is_date(at[:10]) and day_number(at[:10]) - pruned > _PRUNE_EVERY_DAYS:
            pruned = day_number(at[:10])
            checker.log.forget_before(pruned - KEPT_DAYS)
    problems.extend(checker.problems)
    problems += [(path, None, message) for path, message in checker.lists.check_the_rest()]
    problems.sort(key=lambda p: (p[0], p[1] or 0))
    return Verified(checker, problems, counts)


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
        dirs[:] = sorted(name for name in dirs if not (skip_hidden and name.startswith(".")))
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
            manifest = strict_json(handle.read().decode("utf-8-sig"))
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
# shuangsuiji/core/results.py: The published results as rows (SPEC §6): the columns of ``results.csv`` and ``results.xlsx`` and the cells of
# --------------------------------------------------------------------------------------------------


def _join(values, sep: str) -> str:
    return sep.join(str(v) for v in values or [])


def _review(result: dict, key: str) -> str:
    review = result.get("review") or {}
    return str(review.get(key) or "")


#: the 后续处置 that orders a 整改 (its deadline is ``rectification_deadline``) and waits for a 复查
ORDER = "责令限期整改"
#: the 复查 outcome that ends a 整改 order
PASSED = "已整改"


def _items(value) -> list:
    """A list field of a published result; anything else (a tampered results.json) reads as none."""
    return value if isinstance(value, list) else []


def _rechecks(result: dict) -> list:
    return [r for r in _items(result.get("rechecks")) if isinstance(r, dict)]


def follow_up_text(result: dict) -> str:
    """后续处置 in words: ``责令限期整改（期限 2026-12-15）；移送（汝州市公安局）``; empty when none was written."""
    words = []
    for kind in _items(result.get("follow_up")):
        if kind == ORDER and result.get("rectification_deadline"):
            words.append(f"{kind}（期限 {result['rectification_deadline']}）")
        elif kind in ("移送", "抄告") and result.get("follow_up_to"):
            words.append(f"{kind}（{result['follow_up_to']}）")
        else:
            words.append(str(kind))
    return "；".join(words)


def rechecks_text(result: dict) -> str:
    """整改复查 in words: ``2026-12-16 已整改（汝应急复查〔2026〕三股-001）``, one per 复查, in order."""
    return "；".join(f"{r.get('date')} {r.get('outcome')}" + (f"（{r['document']}）" if r.get("document") else "")
                    for r in _rechecks(result))


def has_order(result: dict) -> bool:
    """A 责令限期整改 order among the result's 后续处置."""
    return ORDER in _items(result.get("follow_up"))


def order_met(result: dict) -> bool:
    """A 复查 found the 整改 order met (``已整改``)."""
    return any(r.get("outcome") == PASSED for r in _rechecks(result))


def closure(results: list) -> tuple:
    """(整改 orders a 复查 found met, all 整改 orders): the 整改 closure rate of the page and of ``ssj stats``."""
    orders = [r for r in results if has_order(r)]
    return sum(1 for r in orders if order_met(r)), len(orders)


def closure_text(result: dict) -> str:
    """Whether the case is closed: ``已结案（2026-12-20）``, ``未结案（待整改复查）`` or ``未结案``."""
    if result.get("closed"):
        return f"已结案（{result['closed']}）"
    if has_order(result) and not order_met(result):
        return "未结案（待整改复查）"
    return "未结案"


#: (heading, value of one result) of every column of results.csv / results.xlsx, in order
COLUMNS = (
    ("检查时间", lambda r: _join(r.get("check_dates"), "、")),
    ("科室", lambda r: r.get("section", "")),
    ("抽查事项", lambda r: r.get("checklist_name", "")),
    ("检查方式", lambda r: r.get("method", "")),
    ("单位名称", lambda r: r.get("entity_name", "")),
    ("统一社会信用代码", lambda r: r.get("entity_id", "")),
    ("地址", lambda r: r.get("address", "")),
    ("行业类别", lambda r: r.get("specialty", "")),
    ("检查内容", lambda r: _join(r.get("contents"), "；")),
    ("检查情况", lambda r: r.get("findings", "")),
    ("检查结果", lambda r: r.get("result", "")),
    ("处理意见", lambda r: r.get("handling", "")),
    ("建议", lambda r: r.get("suggestions", "")),
    ("整改期限", lambda r: r.get("rectification_deadline") or ""),
    ("集中审理意见", lambda r: _review(r, "decision")),
    ("处罚决定", lambda r: _review(r, "penalty")),
    ("后续处置", follow_up_text),
    ("整改复查", rechecks_text),
    ("结案情况", closure_text),
    ("检查人员", lambda r: _join([f"{p.get('name')}（{p.get('cert_no')}）" for p in r.get("inspectors", [])], "、")),
    ("抽取记录", lambda r: r.get("draw", "")),
    ("抽取公平性", lambda r: r.get("fairness_text", "")),
)
HEADINGS = [name for name, _ in COLUMNS]
#: the headings of the page's results table, in order
PAGE_HEADINGS = ["检查时间", "抽查事项", "检查对象", "检查情况", "检查结果", "处理意见", "检查人员（执法证号）", "抽取记录"]


def result_row(result: dict) -> list:
    """One result as a row of results.csv / results.xlsx (text cells)."""
    return [str(get(result)) for _, get in COLUMNS]


def page_cells(result: dict) -> list:
    """One result as the cells of the page's results table: each cell a list of its lines."""
    handling = [result.get("handling", "")]
    follow_up = follow_up_text(result)
    if follow_up:
        handling.append(f"后续处置：{follow_up}")
    if result.get("rectification_deadline") and not has_order(result):
        handling.append(f"整改期限：{result['rectification_deadline']}")
    if result.get("review"):
        handling.append(f"集中审理（{_review(result, 'date')}）：{_review(result, 'decision')}")
        if _review(result, "penalty"):
            handling.append(f"处罚决定：{_review(result, 'penalty')}")
    if rechecks_text(result):
        handling.append(f"整改复查：{rechecks_text(result)}")
    handling.append(f"结案情况：{closure_text(result)}")
    return [
        [_join(result.get("check_dates"), "、")],
        [result.get("checklist_name", ""), f"（{result.get('method', '')}检查）"],
        [result.get("entity_name", ""), result.get("entity_id", ""), result.get("address", "")],
        [result.get("findings", "")],
        [result.get("result", "")],
        handling,
        [_join([f"{p.get('name')}（{p.get('cert_no')}）" for p in result.get("inspectors", [])], "、")],
        [result.get("draw", ""), result.get("fairness_text", "")],
    ]


CODE_COLUMN = HEADINGS.index("统一社会信用代码")


def csv_row(row: list) -> list:
    """A row of results.csv as Excel keeps it: an all-digit 统一社会信用代码 is written ``="…"`` (bare, Excel
    would show 9.14105E+17). Only that column: any other cell is written as it is."""
    return [f'="{value}"' if n == CODE_COLUMN and value.isascii() and value.isdigit() else value
            for n, value in enumerate(row)]


def csv_values(row: list) -> list:
    """The values :func:`csv_row` wrote."""
    return [cell[2:-1] if n == CODE_COLUMN and cell.startswith('="') and cell.endswith('"') and cell[2:-1].isdigit()
            else cell for n, cell in enumerate(row)]


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/tables.py: Reading the published result tables back (results.csv, results.xlsx, the page's results table) with the
# --------------------------------------------------------------------------------------------------


def csv_rows(path: str) -> list:
    """The rows of a results.csv, each cell's value as :func:`~shuangsuiji.core.results.csv_row` wrote it."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [csv_values(row) for row in csv.reader(handle)]


def xlsx_rows(path: str) -> list:
    """The cell texts of the first sheet of an .xlsx file (read with the standard library)."""
    space = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(path) as book:
        shared = []
        if "xl/sharedStrings.xml" in book.namelist():
            for item in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).iter(f"{space}si"):
                shared.append("".join(t.text or "" for t in item.iter(f"{space}t")))
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{space}row"):
        cells: dict = {}
        for cell in row.iter(f"{space}c"):
            column = _column(cell.get("r", "A1"))
            kind, value = cell.get("t"), cell.find(f"{space}v")
            if kind == "s" and value is not None:
                cells[column] = shared[int(value.text or 0)]
            elif kind == "inlineStr":
                cells[column] = "".join(t.text or "" for t in cell.iter(f"{space}t"))
            else:
                cells[column] = value.text if value is not None and value.text is not None else ""
        rows.append([cells.get(i, "") for i in range(max(cells) + 1)] if cells else [])
    return rows


def _column(reference: str) -> int:
    letters = "".join(c for c in reference if c.isalpha())
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter.upper()) - 64
    return number - 1


class _ResultsTable(html.parser.HTMLParser):
    """The rows of ``<table id="results">`` (or another id): each cell's text, its lines joined by spaces."""

    def __init__(self, table_id: str = "results") -> None:
        super().__init__(convert_charrefs=True)
        self.table_id = table_id
        self.rows: list = []
        self._inside = 0
        self._cell: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("id", self.table_id) in attrs:
            self._inside = 1
        elif tag == "table" and self._inside:
            self._inside += 1
        elif self._inside and tag == "tr":
            self.rows.append([])
        elif self._inside and tag in ("td", "th"):
            self._cell = []
        elif self._inside and tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "table" and self._inside:
            self._inside -= 1
        elif self._inside and tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_rows(path: str) -> list:
    """The rows of the page's results table."""
    parser = _ResultsTable()
    with open(path, encoding="utf-8") as handle:
        parser.feed(handle.read())
    return parser.rows


class RecordsSeen:
    """``(seq, time, type)`` of every ledger record read (``on_record`` of ``verify_ledgers``), for the page's list
    of every record: a void or a failed attempt left off the page shows."""

    def __init__(self) -> None:
        self.rows: Counter = Counter()

    def __call__(self, entry, checker) -> None:
        record = entry.record
        at = record.get("at")
        self.rows[(str(record.get("seq")), str(at)[:16].replace("T", " "), RECORD_TYPES.get(record.get("type"), record.get("type")))] += 1


def records_table_problems(path: str, seen: RecordsSeen) -> list:
    """What the page's ``<table id="records">`` (台账全部记录) leaves out of the ledgers or adds to them."""
    parser = _ResultsTable("records")
    with open(path, encoding="utf-8") as handle:
        parser.feed(handle.read())
    shown: Counter = Counter()
    for row in parser.rows[1:]:
        if len(row) >= 3:
            shown[(row[0].rsplit("-", 1)[-1], row[1], row[2])] += 1
    missing, extra = seen.rows - shown, shown - seen.rows
    problems = [f"网页的“台账全部记录”缺少第 {seq} 条“{kind}”记录（{at}）：台账中的记录都应在网页上" for (seq, at, kind) in sorted(missing)]
    problems += [f"网页的“台账全部记录”中有台账里没有的第 {seq} 条“{kind}”记录（{at}）" for (seq, at, kind) in sorted(extra)]
    return problems


# --------------------------------------------------------------------------------------------------
# shuangsuiji/core/platform.py: The results in a platform's layout (SPEC §9): ``platform/公示结果.csv`` and ``.xlsx``, each row made from one
# --------------------------------------------------------------------------------------------------


PLATFORM_COLUMNS = "platform/columns.json"
PLATFORM_CSV = "platform/公示结果.csv"
PLATFORM_XLSX = "platform/公示结果.xlsx"
#: the platform files of a bundle (all three or none: bundles made before ssj wrote them have none)
PLATFORM_FILES = (PLATFORM_COLUMNS, PLATFORM_CSV, PLATFORM_XLSX)
#: what a column may hold; exactly one of field, value and format
COLUMN_KEYS = ("heading", "field", "value", "format", "values")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _listed(values, sep: str) -> str:
    return sep.join(str(v) for v in values or [])


def _reviewed(result: dict, key: str) -> str:
    return str((result.get("review") or {}).get(key) or "")


def _result_text(key: str):
    return lambda result, bureau: str(result.get(key) or "")


#: field → (what it holds, its text for one result and the bureau's name); results.csv's headings are fields too
FIELDS = {
    "bureau": ("本局名称（检查实施机关），即 results.json 的 bureau", lambda r, b: b),
    "section": ("实施检查的科室", _result_text("section")),
    "draw": ("抽取记录编号，如 二股-3（可在台账和网页中查到）", _result_text("draw")),
    "draw_hash": ("抽取记录的 SHA-256 哈希", _result_text("draw_hash")),
    "draw_date": ("抽取日期", _result_text("draw_date")),
    "year": ("抽取所在年度，如 2026", lambda r, b: str(r.get("draw_date") or "")[:4]),
    "checklist_item": ("抽查事项编号", _result_text("checklist_item")),
    "checklist_name": ("抽查事项名称", _result_text("checklist_name")),
    "method": ("检查方式：现场 或 书面", _result_text("method")),
    "check_dates": ("检查日期（多日以“、”分隔）", lambda r, b: _listed(r.get("check_dates"), "、")),
    "finished_on": ("检查完成日期（最后一个检查日期）", _result_text("finished_on")),
    "entity_id": ("检查对象的统一社会信用代码", _result_text("entity_id")),
    "entity_name": ("检查对象名称", _result_text("entity_name")),
    "address": ("检查对象地址", _result_text("address")),
    "specialty": ("检查对象的行业类别", _result_text("specialty")),
    "contents": ("检查内容（以“；”分隔）", lambda r, b: _listed(r.get("contents"), "；")),
    "findings": ("检查情况", _result_text("findings")),
    "result": ("检查结果（本局 result_categories 中的一项）", _result_text("result")),
    "handling": ("处理意见", _result_text("handling")),
    "suggestions": ("建议", _result_text("suggestions")),
    "rectification_deadline": ("整改期限", _result_text("rectification_deadline")),
    "review_date": ("集中审理日期", lambda r, b: _reviewed(r, "date")),
    "review_decision": ("集中审理意见", lambda r, b: _reviewed(r, "decision")),
    "review_penalty": ("处罚决定", lambda r, b: _reviewed(r, "penalty")),
    "inspectors": ("检查人员及执法证号，如 张三（41…）、李四（41…）",
                   lambda r, b: _listed([f"{p.get('name')}（{p.get('cert_no')}）" for p in r.get("inspectors") or []], "、")),
    "inspector_names": ("检查人员姓名（以“、”分隔）", lambda r, b: _listed([p.get("name") for p in r.get("inspectors") or []], "、")),
    "fairness_text": ("抽取公平性（一句话）", _result_text("fairness_text")),
}


def field_getter(name: str):
    """The text of field ``name`` for (result, bureau), or None when there is no such field."""
    if name in FIELDS:
        return FIELDS[name][1]
    heading = dict(COLUMNS).get(name)  # a heading of results.csv: that column's text
    return None if heading is None else (lambda result, bureau: str(heading(result)))


def column_problems(column) -> list:
    """What is wrong with one column of a mapping: [(key, message), …], empty when it can be used."""
    if not isinstance(column, dict):
        return [("", "每一列应为若干“键: 值”（heading 和 field、value、format 之一）")]
    found = [(key, f"未知字段 {key}：每一列可用 {'、'.join(COLUMN_KEYS)}") for key in column if key not in COLUMN_KEYS]
    if not isinstance(column.get("heading"), str) or not column["heading"].strip():
        found.append(("heading", "缺少列名 heading"))
    given = [key for key in ("field", "value", "format") if key in column]
    if len(given) != 1:
        found.append(("", f"每一列应有 field、value、format 三者之一（这一列有 {len(given)} 个）"))
    for key in given:
        if not isinstance(column[key], str):
            found.append((key, f"{key} 应为文字"))
    if isinstance(column.get("field"), str) and field_getter(column["field"]) is None:
        found.append(("field", f"没有字段“{column['field']}”：{known_fields()}"))
    if isinstance(column.get("format"), str):
        found += [("format", f"格式中的 {{{name}}} 不是字段：{known_fields()}")
                  for name in _PLACEHOLDER.findall(column["format"]) if field_getter(name) is None]
    values = column.get("values", {})
    if not isinstance(values, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
        found.append(("values", "values 应为“原值: 平台的写法”的对照表"))
        return found
    found += _values_problems(column, values)
    heading = column.get("heading")
    if ("value" in column or "format" in column) and heading in VERDICT_HEADINGS:
        found.append(("heading", f"“{heading}”一栏说的是检查结论，只能取自结果（field），不能写成固定文字或格式"))
    return found


#: fields that carry the verdict of a check: the platform table shows them as ssj recorded them, never translated
VERDICT_FIELDS = ("findings", "result", "handling", "suggestions", "rectification_deadline", "review_decision",
                  "review_penalty", "检查情况", "检查结果", "处理意见", "建议", "整改期限", "集中审理意见", "处罚决定",
                  "后续处置", "整改复查", "结案情况")
#: headings that must come from those fields (a fixed 检查结果 would say the same of every company)
VERDICT_HEADINGS = ("检查情况", "检查结果", "处理意见", "建议", "整改期限", "集中审理意见", "处罚决定", "后续处置",
                    "整改复查", "结案情况")


def _values_problems(column: dict, values: dict) -> list:
    """A ``values`` table only renames words one to one (现场 → 现场检查, 未发现问题 → the platform's code): it never
    merges two words into one, nor turns one word into another it also renames. (That no word becomes another
    word the results use is :func:`relabelled`: it needs the results.)"""
    if not values:
        return []
    found = []
    seen: dict = {}
    for source, target in values.items():
        if target in seen:
            found.append(("values", f"values 把“{seen[target]}”和“{source}”都写成“{target}”：平台上就分不清了"))
        seen.setdefault(target, source)
        if target in values and target != source:
            found.append(("values", f"values 把“{source}”写成“{target}”，而“{target}”本身也是一个原值：不能互换"))
    return found


def known_fields() -> str:
    """The fields a column may name, for messages."""
    return "可用 " + "、".join(FIELDS) + "，或 results.csv 的列名 " + "、".join(name for name, _ in COLUMNS)


def mapping_problems(mapping) -> list:
    """What is wrong with a whole mapping ``{"sheet": …, "columns": [...]}``: [(where, message), …]."""
    if not isinstance(mapping, dict) or not isinstance(mapping.get("columns"), list) or not mapping["columns"]:
        return [("columns", "映射应为 {\"sheet\": 工作表名, \"columns\": [列, …]}，至少一列")]
    found = [(key, f"未知字段 {key}：可用 sheet、columns") for key in mapping if key not in ("sheet", "columns")]
    if not isinstance(mapping.get("sheet", ""), str):
        found.append(("sheet", "sheet 应为文字"))
    headings: dict = {}
    for number, column in enumerate(mapping["columns"], 1):
        found += [(f"columns 第 {number} 列" + (f" {key}" if key else ""), message) for key, message in column_problems(column)]
        heading = column.get("heading") if isinstance(column, dict) else None
        if isinstance(heading, str) and heading in headings:
            found.append((f"columns 第 {number} 列", f"列名“{heading}”与第 {headings[heading]} 列重复"))
        headings.setdefault(heading, number)
    return found


def platform_cell(column: dict, result: dict, bureau: str) -> str:
    """One cell: the column's field, fixed value or format for one result, through its ``values`` table."""
    if "field" in column:
        text = field_getter(column["field"])(result, bureau)
    elif "value" in column:
        text = column["value"]
    else:
        text = _PLACEHOLDER.sub(lambda m: field_getter(m.group(1))(result, bureau), column["format"])
    return (column.get("values") or {}).get(text, text)


def relabelled(mapping: dict, results: list, bureau: str, words=()) -> list:
    """``[(heading, word, target)]`` where a ``values`` table writes a word of the results as another word that the
    results (or ``words``, e.g. the bureau's result categories) also use: 发现问题已责令改正 → 未发现问题 would pass
    every cell check and still publish a different verdict."""
    found = []
    for column in mapping["columns"]:
        values, field = column.get("values") or {}, column.get("field")
        getter = field_getter(field) if isinstance(field, str) else None
        if not values or getter is None:
            continue
        used = {getter(result, bureau) for result in results} | set(words)
        found += [(column["heading"], word, target) for word, target in values.items() if target != word and target in used]
    return found


def platform_rows(mapping: dict, results: list, bureau: str) -> list:
    """The table: its headings, then one row per result."""
    columns = mapping["columns"]
    return [[c["heading"] for c in columns], *([platform_cell(c, r, bureau) for c in columns] for r in results)]


def platform_csv_row(row: list) -> list:
    """A row as the platform CSV holds it: every all-digit cell written ``="…"`` so that Excel keeps it as text
    (a 统一社会信用代码 would become 9.14105E+17, a 任务编号 0012 would lose its zeros), as results.csv does."""
    return [f'="{cell}"' if cell.isascii() and cell.isdigit() else cell for cell in row]


def platform_csv_values(row: list) -> list:
    """The values :func:`platform_csv_row` wrote."""
    return [cell[2:-1] if cell.startswith('="') and cell.endswith('"') and cell[2:-1].isdigit() else cell for cell in row]


def platform_tables(folder: str, results: list, add) -> list:
    """For ``verify.py``: [(file, expected rows, rows read), …] of the platform CSV and XLSX; problems with the
    mapping or the files go to ``add(path, line, message)``. A bundle without any platform file has nothing here."""
    present = [name for name in PLATFORM_FILES if os.path.isfile(os.path.join(folder, name))]
    if not present:
        return []
    for name in PLATFORM_FILES:
        if name not in present:
            add(name, None, "缺少此文件（公示系统格式的三个文件应同时存在）")
    try:
        with open(os.path.join(folder, PLATFORM_COLUMNS), "rb") as handle:
            mapping = strict_json(handle.read().decode("utf-8"))
        with open(os.path.join(folder, "results.json"), "rb") as handle:
            bureau = strict_json(handle.read().decode("utf-8")).get("bureau")
    except (OSError, ValueError, AttributeError, UnicodeDecodeError) as error:
        add(PLATFORM_COLUMNS, None, f"无法读取列映射（{error}）")
        return []
    problems = mapping_problems(mapping)
    for where, message in problems:
        add(PLATFORM_COLUMNS, None, f"{where}：{message}")
    if problems:
        return []
    for heading, word, target in relabelled(mapping, results, str(bureau or "")):
        add(PLATFORM_COLUMNS, None, f"“{heading}”一栏把“{word}”写成了“{target}”，而“{target}”是结果中另一个词：平台表改写了结论")
    expected = platform_rows(mapping, results, str(bureau or ""))
    found = []
    for name, read in ((PLATFORM_CSV, _csv_rows), (PLATFORM_XLSX, xlsx_rows)):
        if name not in present:
            continue
        try:
            found.append((name, expected, read(os.path.join(folder, name))))
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, ElementTree.ParseError) as error:
            add(name, None, f"无法读取（{error}）")
    return found


def _csv_rows(path: str) -> list:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [platform_csv_values(row) for row in csv.reader(handle)]


# --------------------------------------------------------------------------------------------------
# shuangsuiji/publish/verifier/command.py: 命令行
# --------------------------------------------------------------------------------------------------


RESULTS = "results.json"
HEADS = "heads.json"
LEDGER = "ledger"
MISSING_MANIFEST = "缺少文件清单：这是一个公示包（有 results.json），没有 manifest.json 就无法核对各文件是否被改动过"
_HEAD_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s+(\d+)\s+([0-9a-f]{64})\s*$")
#: the kinds of top-level files a bundle holds (its page, tables and JSON); of Python files only verify.py
_PLAIN_SUFFIXES = (".json", ".csv", ".xlsx", ".html", ".txt", ".pdf", ".svg", ".png")
#: what ledger/ holds: year files and list files; format-1 files and other names in lists/ get their own messages
_LEDGER_PATH = re.compile(r"ledger/(?:[A-Za-z0-9_-]+/[0-9]{4}\.jsonl|lists/[^./][^/]*|[^./][^/]*\.jsonl)")
ODD_FILE = ("不是公示包应有的文件：公示包只含顶层的网页、表格和 JSON 文件、verify.py、ledger/ 下的台账和名单文件，以及 platform/ 下的三个文件"
            "（隐藏文件、__pycache__、.pyc 和其他程序文件可能代替 verify.py 运行，不予接受）")


class Report:
    """Everything found, for the printed summary and ``--json``."""

    def __init__(self, folder: str) -> None:
        self.folder = os.path.abspath(folder)
        self.problems: list = []
        self.notes: list = []
        self.ledgers: dict = {}

    def add(self, path, line, message) -> None:
        self.problems.append({"path": path, "line": line, "message": message})

    def as_dict(self) -> dict:
        return {"folder": self.folder, "ok": not self.problems, "ledgers": self.ledgers, "notes": self.notes,
                "problems": self.problems}


def own_sha256() -> str:
    """The SHA-256 of this file, to compare with the value the bureau publishes."""
    with open(os.path.abspath(__file__), "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def check_links(folder: str, report: Report) -> None:
    """A bundle holds plain files only: a symbolic link could point anywhere."""
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            if os.path.islink(path):
                report.add(os.path.relpath(path, folder).replace(os.sep, "/"), None, "是符号链接：公示包只能含普通文件，不予读取")
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]


def check_layout(folder: str, report: Report) -> None:
    """A bundle holds its plain layout only, whatever manifest.json lists: ``python -m verify`` would run a
    ``__pycache__/verify.*.pyc`` instead of verify.py, and a ``json.py`` beside it would shadow the standard
    library for ``python verify.py``."""
    for path in sorted(files_under(folder, skip_hidden=False)):
        top = "/" not in path and not path.startswith(".")
        if path in (MANIFEST, *PLATFORM_FILES) or (top and (path == "verify.py" or path.lower().endswith(_PLAIN_SUFFIXES))):
            continue
        if not _LEDGER_PATH.fullmatch(path):
            report.add(path, None, ODD_FILE)


def verify_folder(folder: str, previous: str | None = None) -> Report:
    """Verify a bundle (``manifest.json``, ``ledger/``, results) or a bare ledger folder."""
    report = Report(folder)
    check_links(folder, report)
    bundle = os.path.isfile(os.path.join(folder, MANIFEST)) or os.path.isfile(os.path.join(folder, RESULTS))
    if os.path.isfile(os.path.join(folder, MANIFEST)):
        for path, message in verify_manifest(folder):
            report.add(path, None, message)
        report.notes.append("manifest.json：已核对清单中每个文件的 SHA-256")
    elif bundle:
        report.add(MANIFEST, None, MISSING_MANIFEST)
    if bundle:
        check_layout(folder, report)
    ledger_folder = os.path.join(folder, LEDGER) if bundle or os.path.isdir(os.path.join(folder, LEDGER)) else folder
    if not ledger_files(ledger_folder):
        report.add(".", None, "这个文件夹里没有台账（应有 ledger/<科室>/<年份>.jsonl）")
        return report
    seen = RecordsSeen()
    verified = verify_ledgers(ledger_folder, on_record=seen)
    prefix = os.path.abspath(folder)
    for path, line, message in verified.problems:
        report.add(os.path.relpath(path, prefix).replace(os.sep, "/") if os.path.isabs(path) else path, line, message)
    report.ledgers = verified.counts
    tips = _tips(ledger_folder)
    if os.path.isfile(os.path.join(folder, HEADS)):
        _check_heads_file(os.path.join(folder, HEADS), tips, report)
    if os.path.isfile(os.path.join(folder, RESULTS)):
        results = _load_results(os.path.join(folder, RESULTS), report)
        if results is not None:
            check_results(results, verified.checker, report)
            check_tables(folder, results, report)
    page = os.path.join(folder, "index.html")
    for message in records_table_problems(page, seen) if bundle and os.path.isfile(page) else []:
        report.add("index.html", None, message)  # every record, voids and failed attempts too, is on the page
    approvals = verified.checker.checklist_approvals
    for message in published_checklist_problems(os.path.join(folder, CHECKLIST_FILE), approvals) if bundle else []:
        report.add(CHECKLIST_FILE, None, message)  # 第十条: a bundle publishes the 清单 last approved
    if previous is not None:
        check_previous(previous, ledger_folder, tips, report)
    return report


def _tips(ledger_folder: str) -> dict:
    """{ledger: (seq, hash)} of each ledger's last record."""
    found = {}
    for name, files in ledger_files(ledger_folder).items():
        with contextlib.suppress(OSError, ValueError, KeyError, IndexError):
            last = b""
            for _, path in files:
                with open(path, "rb") as handle:
                    for line in handle:
                        if line.endswith(b"\n"):
                            last = line
            if last:
                record = strict_json(last.decode("utf-8"))
                found[name] = (record["seq"], record["hash"])
    return found


def _check_heads_file(path: str, tips: dict, report: Report) -> None:
    try:
        with open(path, "rb") as handle:
            heads = strict_json(handle.read().decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        report.add(HEADS, None, "无法读取 heads.json")
        return
    for name, head in sorted(heads.items() if isinstance(heads, dict) else []):
        if not isinstance(head, dict) or tips.get(name) != (head.get("seq"), head.get("hash")):
            report.add(HEADS, None, f"{name} 的末条记录与台账不符：heads.json 为 {show(head)}")
    for name in sorted(set(tips) - set(heads if isinstance(heads, dict) else {})):
        report.add(HEADS, None, f"heads.json 没有列出台账 {name}")


def _load_results(path: str, report: Report):
    try:
        with open(path, "rb") as handle:
            results = strict_json(handle.read().decode("utf-8")).get("results")
    except (OSError, ValueError, AttributeError, UnicodeDecodeError) as error:
        report.add(RESULTS, None, f"无法读取检查结果（{error}）")
        return None
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        report.add(RESULTS, None, "results 应为结果对象的列表")
        return None
    return results


def check_results(results: list, checker, report: Report) -> None:
    """Every published result belongs to a drawn, non-voided company and names only its team's inspectors."""
    teams_of: dict = {}
    for number, result in enumerate(results, 1):
        digest, entity = result.get("draw_hash"), result.get("entity_id")
        info = checker.known.get(digest) if is_hex64(digest) else None
        if info is None or info.type != "draw":
            report.add(RESULTS, None, f"第 {number} 项结果（{show(entity)}）所依据的抽取不在公示的台账中")
            continue
        if digest in checker.voided:
            report.add(RESULTS, None, f"第 {number} 项结果（{show(entity)}）所依据的抽取已作废")
        if digest in checker.underivable:  # its problems are reported with the ledger; its teams cannot be trusted
            report.add(RESULTS, None, f"第 {number} 项结果（{show(entity)}）所依据的抽取无法从记录复核，其检查组无从核对")
            continue
        record = read_record_at(info.path, info.offset)
        if record.get("dirty"):
            report.add(RESULTS, None, f"第 {number} 项结果所依据的抽取基于未提交的数据（--allow-dirty），不能作为公示结果")
        if digest not in teams_of:
            teams_of[digest] = (record, team_map(record))
        record, mapping = teams_of[digest]
        if not isinstance(entity, str) or entity not in mapping:
            report.add(RESULTS, None, f"第 {number} 项结果的单位 {show(entity)} 不在所依据的抽取结果中")
            continue
        teams, index = record["inspectors"]["teams"], mapping[entity]
        if not (isinstance(index, int) and isinstance(teams, list) and 0 <= index < len(teams)):
            report.add(RESULTS, None, f"第 {number} 项结果所依据的抽取记录的分组与检查组对不上，其检查组无从核对")
            continue
        team = apply_recusals(teams[index], entity, checker.recusals.get((digest, entity), []))
        named = result.get("inspectors")
        outsiders = [p.get("id") for p in (named if isinstance(named, list) else [])
                     if isinstance(p, dict) and p.get("id") not in team]
        if outsiders:
            report.add(RESULTS, None, f"第 {number} 项结果的检查人员 {show_ids(outsiders)} 不是抽中的检查组成员（检查组：{show_ids(team)}）")


def check_tables(folder: str, results: list, report: Report) -> None:
    """results.csv, results.xlsx and the page's results table say exactly what results.json says."""
    expected = [HEADINGS, *(result_row(r) for r in results)]
    tables = (("results.csv", csv_rows), ("results.xlsx", xlsx_rows))
    for name, read in tables:
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            report.add(name, None, "缺少此文件")
            continue
        try:
            rows = read(path)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, ElementTree.ParseError) as error:
            report.add(name, None, f"无法读取（{error}）")
            continue
        _compare_rows(name, expected, rows, report)
    page = os.path.join(folder, "index.html")
    if os.path.isfile(page):
        wanted = [PAGE_HEADINGS, *([" ".join(lines) for lines in page_cells(r)] for r in results)]
        _compare_rows("index.html", wanted if results else [], page_rows(page), report)
    for name, wanted, rows in platform_tables(folder, results, report.add):  # SPEC §9, through platform/columns.json
        _compare_rows(name, wanted, rows, report)


def _compare_rows(name: str, expected: list, rows: list, report: Report) -> None:
    for number, (want, got) in enumerate(zip(expected, rows), 0):
        if [str(c).strip() for c in want] != [str(c).strip() for c in got]:
            column = next((i for i, (a, b) in enumerate(zip(want, got)) if str(a).strip() != str(b).strip()), 0)
            heading = expected[0][column] if column < len(expected[0]) else column + 1
            where = "表头" if number == 0 else f"第 {number} 行"
            report.add(name, None, f"{where}“{heading}”一栏与 results.json 不符："
                                   f"应为 {show(want[column] if column < len(want) else '')}，"
                                   f"实为 {show(got[column] if column < len(got) else '')}")
            return
    if len(rows) != len(expected):
        report.add(name, None, f"应有 {len(expected) - 1} 行结果，实有 {max(len(rows) - 1, 0)} 行")


def read_heads(source: str) -> dict:
    """{ledger: (seq, hash)} from an older bundle folder, its heads.json, or the printed heads of ``ssj heads``."""
    path = os.path.join(source, HEADS) if os.path.isdir(source) else source
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8-sig")
    with contextlib.suppress(ValueError):
        heads = strict_json(text)
        if isinstance(heads, dict):
            return {name: (head["seq"], head["hash"]) for name, head in heads.items()}
    found = {}
    for line in text.splitlines():
        match = _HEAD_LINE.match(line)
        if match:
            found[match.group(1)] = (int(match.group(2)), match.group(3))
    if not found:
        raise ValueError("没有找到“台账 序号 哈希”形式的末条记录")
    return found


def check_previous(source: str, ledger_folder: str, tips: dict, report: Report) -> None:
    """The ledgers extend those of an older bundle: every record it held is here, unchanged."""
    try:
        old = read_heads(source)
    except (OSError, ValueError, KeyError, TypeError) as error:
        report.add("--previous", None, f"无法读取旧材料的末条记录（{error}）")
        return
    old_ledgers = os.path.join(source, LEDGER) if os.path.isdir(source) else None
    files = ledger_files(ledger_folder)
    for name, (seq, digest) in sorted(old.items()):
        held = hash_at(files.get(name, []), seq)
        if held == digest:
            continue
        first = first_difference(old_ledgers, name, files.get(name, [])) if old_ledgers else None
        where = f"第一条不同的记录是 {name}-{first}" if first is not None else f"旧材料的末条记录 {name}-{seq} 在新台账中{'不同' if held else '不存在'}"
        report.add(f"{LEDGER}/{name}", None, f"新台账没有原样包含旧材料中的记录：{where}（记录被删除或改写过）")
    report.notes.append(f"--previous：已核对旧材料中的 {len(old)} 本台账")


def _print(report: Report, digest: str | None) -> None:
    print(f"核验程序 verify.py 的 SHA-256：{own_sha256()}")
    print(f"核验文件夹：{report.folder}")
    for note in report.notes:
        print(note)
    for name, kinds in sorted(report.ledgers.items()):
        details = "、".join(f"{RECORD_TYPES.get(k, k)} {n}" for k, n in sorted(kinds.items()))
        print(f"台账 {name}：{sum(kinds.values())} 条记录（{details}）")
    for problem in report.problems:
        where = problem["path"] if problem["line"] is None else f"{problem['path']}:{problem['line']}"
        print(f"{where}: {problem['message']}")
    if digest is not None and not any(p["path"] == MANIFEST for p in report.problems):
        print(f"清单摘要：manifest.json 的 SHA-256 与公布的 {digest} 一致")
    draws = sum(kinds.get("draw", 0) for kinds in report.ledgers.values())
    if draws:
        print(FAIRNESS_LEGEND)
    if not report.problems:
        print(f"核验通过：{len(report.ledgers)} 本台账的哈希链和相互记下的末条记录完整，{draws} 次抽取全部从记录重新算出、结果一致。")
    else:
        print(f"核验未通过：共发现 {len(report.problems)} 个问题（见上）。")


def _check_digest(report: Report, folder: str, expected: str) -> None:
    """Compare manifest.json with the digest the bureau published elsewhere (its notice board, the platform)."""
    try:
        with open(os.path.join(folder, MANIFEST), "rb") as handle:
            actual = hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        actual = None
    if actual != expected:
        report.add(MANIFEST, None, f"manifest.json 的 SHA-256 为 {actual}，与公布的清单摘要 {expected} 不符：公示包被替换或改动过")


def _check_document(report: Report, folder: str, code: str) -> None:
    """``--document``: the document is in the ledgers, belongs to a draw that stands and matches its QR code."""
    ledger_folder = os.path.join(folder, LEDGER) if os.path.isdir(os.path.join(folder, LEDGER)) else folder
    notes, problems = check_document(ledger_folder, code)
    report.notes.extend(notes)
    for message in problems:
        report.add("--document", None, message)


DESCRIPTION = ("核验“双随机、一公开”抽查的公示包或台账文件夹：核对文件清单（manifest.json）和每本台账的哈希链，"
               "并从记录本身重新计算每一次随机抽取、休息期、轮换和回避换人。只需 Python 标准库，不写任何文件。")
EPILOG = ("退出码：0 全部核验通过；1 发现问题（每个问题写明文件和行号）；2 用法错误。\n\n"
          "例如：python verify.py --digest 公布的清单摘要 --previous 上次的公示包")


def parse_arguments(argv=None) -> argparse.Namespace:
    """The command line: ``[FOLDER] [--json] [--digest D] [--previous OLD]``."""
    parser = Parser(prog="verify.py", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("folder", metavar="文件夹", nargs="?", default=os.path.dirname(os.path.abspath(__file__)),
                        help="要核验的文件夹：公示包，或一个台账文件夹（如 data/ledger）。默认：本文件所在的文件夹")
    parser.add_argument("--json", action="store_true", help="输出机器可读的 JSON 摘要")
    parser.add_argument("--digest", metavar="SHA256", help="应急管理局另行公布的清单摘要（manifest.json 的 SHA-256），核对公示包没有被整个替换")
    parser.add_argument("--previous", metavar="旧材料", help="较早的公示包文件夹、其 heads.json，或公布的末条记录文本：证明新台账原样包含其中的全部记录")
    parser.add_argument("--document", metavar="文书编号", help="核对一份抽查文书：文书编号，或其二维码中的全部文字；文书须登记在台账中、所属抽取未作废、单位在抽中名单中")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    """``python verify.py [FOLDER] [--json] [--digest D] [--previous OLD]``: 0 only when everything holds."""
    args = parse_arguments(argv)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    if not os.path.isdir(args.folder):
        print(f"找不到文件夹：{args.folder}", file=sys.stderr)
        return 2
    try:
        report = verify_folder(args.folder, args.previous)
        if args.digest is not None:
            _check_digest(report, args.folder, args.digest.strip().lower())
        if args.document is not None:
            _check_document(report, args.folder, args.document)
    except (OSError, ValueError, KeyError, TypeError, RecursionError, MemoryError) as error:
        # a malformed input the checks above did not foresee: one line, never a traceback
        print(f"核验未通过：无法读取公示材料（{type(error).__name__}：{error}）", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({**report.as_dict(), "verify_sha256": own_sha256()}, ensure_ascii=False, indent=2))
    else:
        _print(report, args.digest)
    return 0 if not report.problems else 1


if __name__ == "__main__":
    sys.exit(main())
