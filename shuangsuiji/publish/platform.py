"""The results in the layout of the 公示系统 (SPEC §9): which mapping is in force and the table it makes.

The bureau's ``data/platform.yaml`` when it has one (its provincial platform, e.g. 河南省应急管理综合业务系统, names
the columns its own way), otherwise the default shipped in ``shuangsuiji/templates/platform/columns.yaml``. The
cells themselves come from :mod:`shuangsuiji.core.platform`, which ``verify.py`` runs too."""

from __future__ import annotations

from typing import Any

from shuangsuiji.core.platform import platform_rows
from shuangsuiji.registry.mapping import ColumnMapping, platform_mapping

__all__ = ["DEFAULT_SHEET", "platform_mapping", "platform_table", "sheet_name"]

#: the worksheet's name when the mapping gives none
DEFAULT_SHEET = "公示结果"


def platform_table(mapping: ColumnMapping, results: list[dict[str, Any]], bureau: str) -> list[list[str]]:
    """The headings and one row per published result."""
    return platform_rows(mapping.as_json(), results, bureau)


def sheet_name(mapping: ColumnMapping) -> str:
    """The worksheet's name in ``公示结果.xlsx``."""
    return mapping.sheet or DEFAULT_SHEET
