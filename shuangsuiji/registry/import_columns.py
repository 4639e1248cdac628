"""The columns ``ssj import`` understands: the names bureaus really use, and how each cell is read.

A cell arrives as the spreadsheet holds it (text, a number, a date, a boolean or nothing) and leaves
as the value the registry schema expects, or as a :class:`CellError` a clerk can act on. A blank cell
means “not given” (an update keeps the old value), except under 重点监管, where blank means 否.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from stdnum.cn import uscc

from shuangsuiji.errors import SsjError
from shuangsuiji.registry.lookup import resolve_section
from shuangsuiji.registry.mapping import ColumnMapping, MappedColumn
from shuangsuiji.registry.models import Entity, Inspector, Section
from shuangsuiji.registry.tables import is_blank


class CellError(ValueError):
    """A cell that cannot be read; the message follows the column name (“有效期至 的值……”)."""


Convert = Callable[[Any, list[Section]], Any]


@dataclass(frozen=True)
class Column:
    """One field of a registry record and the header names that mean it (the first is the preferred one)."""

    field: str
    names: tuple[str, ...]
    convert: Convert
    required: bool = False


@dataclass(frozen=True)
class Kind:
    """What is imported: the record schema, its columns, and how its registry is laid out."""

    name: str
    noun: str
    model: type[Entity] | type[Inspector]
    columns: tuple[Column, ...]
    #: written in double quotes, like the shipped files (ids and numbers that must stay text)
    quote: frozenset[str]
    #: left out of a record while they hold their default (``key: false`` is not written)
    omit_default: frozenset[str] = frozenset()
    #: columns often found beside ours that differ from one of our names by one character only
    #: (有效期起 / 有效期至): ignored like any unknown column, never taken for a typo
    neighbours: frozenset[str] = frozenset()

    def accepted(self) -> str:
        """The accepted header names, for messages: “统一社会信用代码（或 社会信用代码、信用代码）、……”."""
        return "、".join(c.names[0] + (f"（或 {'、'.join(c.names[1:])}）" if len(c.names) > 1 else "") for c in self.columns)


# -- header names --------------------------------------------------------------------------------------

_NOTE = re.compile(r"[(\[【<《][^()\[\]【】<>《》]*[)\]】>》]$")


def normalize_header(text: Any) -> str:
    """A header as compared: full-width → half-width, no spaces, no “*” marks, no trailing “（必填）”."""
    name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    previous = None
    while previous != name:
        previous = name
        name = _NOTE.sub("", name.strip("*:")).strip("*:")
    return name


def one_letter_apart(a: str, b: str) -> bool:
    """Same length (three or more characters) and exactly one different: a likely typo."""
    return len(a) == len(b) >= 3 and sum(x != y for x, y in zip(a, b, strict=True)) == 1


# -- cells ---------------------------------------------------------------------------------------------

_LOST_DIGITS = "在表格中被存成了数字，Excel 已经丢失了后几位；请把该列设置为“文本”格式后重新输入"
#: Excel keeps 15 significant digits; a longer number has lost the rest.
_EXACT_DIGITS = 10**15


def text(value: Any, _sections: list[Section] | None = None) -> str | None:
    """Text as written; whole numbers lose Excel's “.0”; a date becomes 2027-06-30."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        if abs(value) >= _EXACT_DIGITS:
            raise CellError(_LOST_DIGITS)
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def digits_only_as_text(value: Any, _sections: list[Section] | None = None) -> str | None:
    """An 18-character code (统一社会信用代码, 身份证号): as a number it has lost digits, so refuse it."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(_LOST_DIGITS)
    found = text(value)
    return None if found is None else re.sub(r"\s+", "", found).upper()


def credit_code(value: Any, sections: list[Section] | None = None) -> str | None:
    """A 统一社会信用代码; spaces, dashes and lower case are forgiven."""
    found = digits_only_as_text(value)
    return None if found is None else uscc.compact(found)


def phone(value: Any, _sections: list[Section] | None = None) -> str | None:
    """A phone number; a number cell is fine (11 digits fit), spaces inside are dropped."""
    found = text(value)
    return None if found is None else re.sub(r"\s+", "", found)


def risk(value: Any, _sections: list[Section] | None = None) -> str | None:
    """A/B/C/D; “A级”, “ａ” and “A 级” are A."""
    found = text(value)
    if found is None:
        return None
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", found)).upper().removesuffix("级")


_STATUS = {"存续": "在营", "在业": "在营", "开业": "在营", "吊销,未注销": "吊销", "吊销未注销": "吊销"}


def status(value: Any, _sections: list[Section] | None = None) -> str | None:
    """在营/停业/注销/吊销; the wording of business-registration exports (存续, 在业, 开业) means 在营."""
    found = text(value)
    if found is None:
        return None
    plain = re.sub(r"\s+", "", unicodedata.normalize("NFKC", found))
    return _STATUS.get(plain, found)


_YES = {"是", "√", "✓", "✔", "☑", "y", "yes", "true", "1", "重点", "在岗"}
_NO = {"否", "×", "✗", "✘", "☐", "n", "no", "false", "0", "非重点", "不在岗", "离岗"}


def flag(value: Any, _sections: list[Section] | None = None) -> bool | None:
    """是/否 (also √, ×, 1, 0, TRUE, FALSE); blank is “not given”."""
    if isinstance(value, bool):
        return value
    found = text(value)
    if found is None:
        return None
    word = unicodedata.normalize("NFKC", found).strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise CellError(f"应填“是”或“否”，而不是“{found}”")


def key_flag(value: Any, sections: list[Section] | None = None) -> bool:
    """重点监管: 是 or blank (“是/空”) is the usual way to mark it, so blank is 否."""
    return bool(flag(value))


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+0{1,2}:00(?::00)?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_HELP = "应为日期，如 2027-06-30、2027/6/30 或 2027年6月30日"


def day(value: Any, _sections: list[Section] | None = None) -> dt.date | None:
    """An Excel date cell, an Excel day number, or 2027-06-30, 2027/6/30, 2027年6月30日, 20270630."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial_day(value)
    found = text(value)
    if found is None:
        return None
    plain = unicodedata.normalize("NFKC", found)
    match = _DATE.match(plain) or _COMPACT_DATE.match(plain)
    if match is None:
        raise CellError(f"的值“{found}”{_DATE_HELP}")
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellError(f"的值“{found}”不是有效日期") from None


def _serial_day(value: float) -> dt.date:
    """A number in a date column: 20270630 typed as a number, or a day count whose date format was lost."""
    if float(value).is_integer() and _COMPACT_DATE.match(str(int(value))):
        return day(str(int(value)))  # type: ignore[return-value]
    if 10_000 < value < 100_000:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))  # Excel's day 1 is 1900-01-01
    raise CellError(f"的值“{value}”{_DATE_HELP}")


def section(value: Any, sections: list[Section] | None = None) -> str | None:
    """A 科室 by full name, short name or id → its id."""
    found = text(value)
    if found is None:
        return None
    try:
        return resolve_section(sections or [], found).id
    except SsjError as exc:
        valid = exc.message.partition("。")[2]
        raise CellError(f"的值“{found}”不是本局的科室；{valid}") from None


def staff_id(value: Any, _sections: list[Section] | None = None) -> str | None:
    """A 工号; 12.0 (a number cell, or text from a program that wrote one) is 12."""
    found = text(value)
    return None if found is None else re.sub(r"^(\d+)\.0+$", r"\1", found)


# -- the two kinds -------------------------------------------------------------------------------------

PHONE = Column("phone", ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"), phone)

ENTITIES = Kind(
    name="entities",
    noun="监管对象",
    model=Entity,
    columns=(
        Column("id", ("统一社会信用代码", "社会信用代码", "信用代码"), credit_code, required=True),
        Column("name", ("单位名称", "企业名称", "名称", "单位全称"), text, required=True),
        Column("specialty", ("行业类别", "行业", "所属行业", "监管行业", "行业分类"), text, required=True),
        Column("address", ("地址", "注册地址", "经营地址", "生产经营地址", "单位地址", "企业地址"), text, required=True),
        Column("township", ("乡镇/街道", "乡镇", "乡镇街道", "所属乡镇", "所属乡镇/街道", "街道"), text),
        Column("risk", ("风险等级", "风险分级", "风险级别"), risk),
        Column("key", ("重点监管", "是否重点监管", "重点监管单位"), key_flag),
        Column("status", ("经营状态", "登记状态", "企业状态", "经营状况"), status),
        Column("legal_rep", ("法定代表人", "法人代表", "负责人", "主要负责人"), text),
        PHONE,
    ),
    quote=frozenset({"id", "phone"}),
    omit_default=frozenset({"key"}),
)

INSPECTORS = Kind(
    name="inspectors",
    noun="执法检查人员",
    model=Inspector,
    columns=(
        Column("id", ("工号", "编号", "人员编号"), staff_id, required=True),
        Column("name", ("姓名",), text, required=True),
        Column("section", ("科室", "所属科室", "部门", "所属部门"), section, required=True),
        Column("cert_no", ("执法证号", "执法证编号", "证件号", "执法证件号"), text, required=True),
        Column("cert_expires", ("有效期至", "执法证有效期", "执法证有效期至", "有效期", "证件有效期", "有效期止",
                                "执法证有效期止"), day, required=True),
        Column("active", ("在岗", "是否在岗", "在岗状态"), flag),
        PHONE,
        Column("id_card", ("身份证号", "身份证号码", "身份证"), digits_only_as_text),
    ),
    quote=frozenset({"id", "cert_no", "phone", "id_card"}),
    neighbours=frozenset({"有效期起", "执法证有效期起", "有效期自", "执法证有效期自"}),
)

KINDS = {kind.name: kind for kind in (ENTITIES, INSPECTORS)}


# -- a platform's export, through a column mapping (SPEC §9) ---------------------------------------------


def mapping_check(kind: Kind) -> Callable[[MappedColumn], list[tuple[str, str]]]:
    """What a column of an import mapping may say: a field of ``kind`` under the file's heading, or a fixed value
    for a column ssj knows by name; a format has nothing to fill in on the way in."""
    fields = {column.field for column in kind.columns}
    names = {normalize_header(name) for column in kind.columns for name in column.names}

    def check(column: MappedColumn) -> list[tuple[str, str]]:
        if column.format is not None:
            return [("format", "导入时不能用 format：请用 field 指明这一列是哪个字段")]
        if column.field is not None and column.field not in fields:
            return [("field", f"{kind.noun}没有字段“{column.field}”：可用 {'、'.join(c.field for c in kind.columns)}")]
        if column.value is not None and normalize_header(column.heading) not in names:
            return [("heading", f"固定值的列名“{column.heading}”不是 ssj 认识的列名：可用 {kind.accepted()}")]
        return []

    return check


def mapped_kind(kind: Kind, mapping: ColumnMapping) -> Kind:
    """``kind`` as a platform's export names it: a mapped field answers to the mapping's heading only (so the file's
    column of ssj's own name for it is not read twice), its cells turned into ssj's words through ``values`` first."""
    mapped = {c.field: c for c in mapping.columns if c.field is not None}
    headings = {normalize_header(c.heading) for c in mapped.values()}
    columns = []
    for column in kind.columns:
        given = mapped.get(column.field)
        if given is not None:
            columns.append(replace(column, names=(given.heading,), convert=_translated(column.convert, given.values)))
        else:
            names = tuple(n for n in column.names if normalize_header(n) not in headings)
            columns.append(replace(column, names=names or column.names))
    return replace(kind, columns=tuple(columns))


def _translated(convert: Convert, values: dict[str, str]) -> Convert:
    if not values:
        return convert

    def read(value: Any, sections: list[Section]) -> Any:
        try:
            key = text(value)
        except CellError:  # a cell that cannot be read: the column's own reader says why
            return convert(value, sections)
        return convert(value if key is None else values.get(key, value), sections)

    return read
