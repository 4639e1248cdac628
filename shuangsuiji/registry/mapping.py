"""Column mappings (SPEC §9): which heading of a platform's table is which field of ssj — the results that
``ssj publish`` writes in the platform's layout (``data/platform.yaml``) and the companies ``ssj import --mapping``
reads from a platform's export. Loaded once, here, with every problem named by file and line."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator

from shuangsuiji.core.platform import column_problems
from shuangsuiji.errors import DataError, InputError, Problem
from shuangsuiji.registry import yamlio
from shuangsuiji.registry.messages import translate
from shuangsuiji.registry.models.base import Model, OptionalText, Text

#: (key of a column, message) for each problem a caller finds in one column, e.g. a field it does not know
ColumnCheck = Callable[["MappedColumn"], list[tuple[str, str]]]


class MappedColumn(Model):
    """One column: its heading and where its cells come from (a field, a fixed value or a format)."""

    heading: Text = Field(title="列名")
    field: OptionalText = Field(None, title="字段")
    value: str | None = Field(None, title="固定值")
    format: OptionalText = Field(None, title="格式")
    values: dict[str, str] = Field(default_factory=dict, title="取值对照")

    @model_validator(mode="after")
    def _one_source(self) -> MappedColumn:
        given = [key for key in ("field", "value", "format") if getattr(self, key) is not None]
        if len(given) != 1:
            wrote = f"这一列写了 {'、'.join(given)}" if given else "这一列一个也没写"
            raise ValueError(f"列“{self.heading}”应有 field（字段）、value（固定值）、format（格式）三者之一，{wrote}")
        return self

    def as_json(self) -> dict[str, Any]:
        """The column as ``platform/columns.json`` holds it: only the keys given."""
        found: dict[str, Any] = {"heading": self.heading}
        found.update({key: getattr(self, key) for key in ("field", "value", "format") if getattr(self, key) is not None})
        if self.values:
            found["values"] = dict(self.values)
        return found


class ColumnMapping(Model):
    """A whole mapping: the worksheet's name and the columns in order."""

    sheet: OptionalText = Field(None, title="工作表名称")
    columns: list[MappedColumn] = Field(min_length=1, title="各列")

    @field_validator("sheet")
    @classmethod
    def _excel_sheet_name(cls, value: str | None) -> str | None:
        if value is not None and (len(value) > 31 or any(c in value for c in "[]:*?/\\")):
            raise ValueError(f"工作表名称“{value}”Excel 不接受：最多 31 个字，不能含 [ ] : * ? / \\")
        return value

    def as_json(self) -> dict[str, Any]:
        """The mapping as ``platform/columns.json`` holds it."""
        return {**({"sheet": self.sheet} if self.sheet else {}), "columns": [c.as_json() for c in self.columns]}


def load_mapping(label: str, raw: bytes, check: ColumnCheck) -> ColumnMapping:
    """Parse and validate a mapping file; ``check`` adds what only the caller knows (which fields exist).

    Raises :class:`DataError` listing every problem as ``label:line: message``."""
    content = yamlio.load(label, raw)
    if not isinstance(content, dict):
        raise InputError(label, 1, "列映射文件应为若干“键: 值”（sheet 和 columns），请对照 docs/platform.md")
    finder = yamlio.LineFinder(yamlio.decode(label, raw))
    try:
        mapping = ColumnMapping.model_validate(content)
    except ValidationError as exc:
        problems = [Problem(label, finder.line_of(tuple(e["loc"])) or 1, translate(e, ColumnMapping)) for e in exc.errors()]
        raise _refusal(label, problems) from None
    problems = [Problem(label, finder.line_of(("columns", n, key)) or 1, message)
                for n, column in enumerate(mapping.columns) for key, message in [*_twice(mapping, n), *check(column)]]
    if problems:
        raise _refusal(label, problems)
    return mapping


def _twice(mapping: ColumnMapping, n: int) -> list[tuple[str, str]]:
    """A heading used by an earlier column too: two columns of one name cannot be told apart."""
    heading = mapping.columns[n].heading
    first = next(i for i, c in enumerate(mapping.columns) if c.heading == heading)
    return [("heading", f"列名“{heading}”与第 {first + 1} 列重复：每个列名只能用一次")] if first < n else []


def _refusal(label: str, problems: list[Problem]) -> DataError:
    first = problems[0]
    more = f"（共 {len(problems)} 处错误，见下）" if len(problems) > 1 else ""
    return DataError(f"{label}:{first.line}: 列映射有误：{first.message}{more}。字段和写法见 docs/platform.md", problems)


#: the bureau's own mapping, beside its other files
PLATFORM_YAML = "data/platform.yaml"
#: the shipped default, used when the bureau has none
DEFAULT_MAPPING = "shuangsuiji/templates/platform/columns.yaml"


def platform_mapping(root: Path) -> ColumnMapping:
    """The mapping in force for the bureau at ``root``; a bad ``data/platform.yaml`` is refused with its lines."""
    path = root / PLATFORM_YAML
    if path.is_file():
        return load_mapping(PLATFORM_YAML, path.read_bytes(), _known_fields)
    shipped = resources.files("shuangsuiji") / "templates" / "platform" / "columns.yaml"
    return load_mapping(DEFAULT_MAPPING, shipped.read_bytes(), _known_fields)


def _known_fields(column: MappedColumn) -> list[tuple[str, str]]:
    """The rules the verifier applies too (:func:`core.platform.column_problems`): known fields, known placeholders."""
    return [(key or "heading", message) for key, message in column_problems(column.as_json())]
