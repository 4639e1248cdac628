"""``ssj import … --mapping F.yaml``: a platform's export (e.g. the companies of 河南省应急管理综合业务系统) read
through the same kind of column mapping that ``ssj publish`` writes the platform's layout with (SPEC §9)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from shuangsuiji.errors import InputError
from shuangsuiji.registry.import_columns import KINDS, mapped_kind, mapping_check
from shuangsuiji.registry.importing import Prepared, map_header
from shuangsuiji.registry.mapping import ColumnMapping, load_mapping
from shuangsuiji.registry.tables import Row, Table, is_blank, read_table


def read_import_mapping(kind_name: str, path: Path) -> ColumnMapping:
    """The mapping file, checked against the fields of what is imported; its problems name the file and line."""
    if not path.is_file():
        raise InputError(str(path), None, "找不到这个列映射文件")
    return load_mapping(str(path), path.read_bytes(), mapping_check(KINDS[kind_name]))


def prepare_mapped_import(kind_name: str, path: Path, sheet: str | None, mapping: ColumnMapping) -> Prepared:
    """Open ``path`` (the mapping's ``sheet`` unless ``sheet`` is given) and map its header through ``mapping``."""
    kind = mapped_kind(KINDS[kind_name], mapping)
    chosen = sheet if sheet is not None or path.suffix.lower() == ".csv" else mapping.sheet
    table = _with_fixed_values(read_table(path, chosen), mapping)
    columns, ignored = map_header(kind, table)
    return Prepared(kind, table, columns, ignored)


def _with_fixed_values(table: Table, mapping: ColumnMapping) -> Table:
    """The mapping's fixed values as columns of their own, filled in every row that is not empty."""
    fixed = [(c.heading, c.value) for c in mapping.columns if c.value is not None]
    if not fixed:
        return table
    width = len(table.header)

    def rows() -> Iterator[Row]:
        for number, cells in table.rows:
            filled = any(not is_blank(cell) for cell in cells)
            padded = [*cells[:width], *[None] * (width - len(cells))]
            yield number, [*padded, *(value if filled else None for _, value in fixed)]

    return replace(table, header=[*table.header, *(heading for heading, _ in fixed)], rows=rows())
