"""The results in the layout of the 公示系统 (SPEC §9): which mapping is in force and the table it makes.

The bureau's ``data/platform.yaml`` when it has one (its provincial platform, e.g. 河南省应急管理综合业务系统, names
the columns its own way), otherwise the default shipped in ``shuangsuiji/templates/platform/columns.yaml``. The
cells themselves come from :mod:`shuangsuiji.core.platform`, which ``verify.py`` runs too."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from shuangsuiji.core.platform import column_problems, platform_rows
from shuangsuiji.registry.mapping import ColumnMapping, MappedColumn, load_mapping

#: the bureau's own mapping, beside its other files
PLATFORM_YAML = "data/platform.yaml"
#: the shipped default, used when the bureau has none
DEFAULT_MAPPING = "shuangsuiji/templates/platform/columns.yaml"
#: the worksheet's name when the mapping gives none
DEFAULT_SHEET = "公示结果"


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


def platform_table(mapping: ColumnMapping, results: list[dict[str, Any]], bureau: str) -> list[list[str]]:
    """The headings and one row per published result."""
    return platform_rows(mapping.as_json(), results, bureau)


def sheet_name(mapping: ColumnMapping) -> str:
    """The worksheet's name in ``公示结果.xlsx``."""
    return mapping.sheet or DEFAULT_SHEET
