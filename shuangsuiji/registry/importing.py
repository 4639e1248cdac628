"""``ssj import``: companies and inspectors from the bureau's .xlsx and .csv files into the registries.

Every row is read, converted and validated against the same schema ``ssj check`` uses before anything
is written; then the changes are merged into the round-trip YAML documents (comments and order kept)
and all changed files are replaced together. A failed import leaves ``data/`` as it was (SPEC §8).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from shuangsuiji.errors import Problem, SsjError
from shuangsuiji.registry.checks import check_registry
from shuangsuiji.registry.commits import Saved, conclude, prepare
from shuangsuiji.registry.edits import Existing, RegistryChanges
from shuangsuiji.registry.import_columns import (
    KINDS,
    CellError,
    Column,
    Kind,
    normalize_header,
    one_letter_apart,
)
from shuangsuiji.registry.loading import Dataset, load_bureau
from shuangsuiji.registry.messages import translate
from shuangsuiji.registry.tables import Table, is_blank, read_table
from shuangsuiji.workspace import ENTITIES_DIR, INSPECTORS, SECTIONS, Workspace, locked

Tick = Callable[[], None]

#: characters Windows or Linux do not allow in the file name ``data/entities/<行业类别>.yaml``
_UNSAFE_NAME = re.compile(r'[/\\:*?"<>|\x00-\x1f]')


@dataclass(frozen=True)
class RowProblem:
    """One reason why one row of the sheet cannot be imported."""

    row: int
    message: str


@dataclass
class GoodRow:
    """A row that passed every check: the record it becomes, and which fields the sheet gave."""

    row: int
    record: BaseModel
    given: tuple[str, ...]
    existing: Existing | None


@dataclass
class ImportResult:
    """What an import did (or, with ``--dry-run`` or after errors, would have done)."""

    kind: str
    source: str
    table: str
    encoding: str | None
    sheet: str | None
    ignored_columns: list[str]
    problems: list[RowProblem]
    bad_rows: int
    good_rows: int
    files: dict[str, dict[str, int]]
    written: bool
    dry_run: bool
    skip_bad: bool
    #: entity files deleted because every company in them moved to another 行业类别's file
    deleted: list[str] = field(default_factory=list)
    #: the written files and their commit (None when nothing was written)
    saved: Saved | None = None

    @property
    def totals(self) -> dict[str, int]:
        """新增/更新/未变 over all files, and 跳过 (bad rows left out)."""
        sums = {key: sum(counts[key] for counts in self.files.values()) for key in ("added", "updated", "unchanged")}
        return {**sums, "skipped": self.bad_rows}

    def problem_list(self) -> list[Problem]:
        """The bad rows as problems, printed ``FILE:第N行: reason``."""
        return [Problem(f"{self.source}:第{p.row}行", None, p.message) for p in self.problems]


@dataclass
class Prepared:
    """A sheet opened and its header understood, before the rows are read."""

    kind: Kind
    table: Table
    columns: list[tuple[int, Column, str]]
    ignored: list[str]


def prepare_import(kind_name: str, path: Path, sheet: str | None = None) -> Prepared:
    """Open ``path`` (.xlsx or .csv) and map its header; refuses a file or header it cannot use."""
    kind = KINDS[kind_name]
    table = read_table(path, sheet)
    columns, ignored = map_header(kind, table)
    return Prepared(kind, table, columns, ignored)


def import_table(
    ws: Workspace, prepared: Prepared, *, skip_bad: bool = False, dry_run: bool = False, tick: Tick | None = None,
    commit: bool = True,
) -> ImportResult:
    """Check every row, then merge, write and commit, unless a row is bad (and not skipped) or it is a dry run."""
    kind, table = prepared.kind, prepared.table
    with locked(ws.state_dir):
        data = load_bureau(ws)
        _refuse_broken_registry(ws, data, kind)
        checker = RowChecker(kind, data, prepared.columns)
        for number, cells in table.rows:
            checker.check(number, cells)
            if tick is not None:
                tick()
        changes = plan_changes(ws, kind, data, checker.good)
        result = ImportResult(
            kind=kind.name, source=table.label, table=table.source, encoding=table.encoding, sheet=table.sheet,
            ignored_columns=prepared.ignored, problems=checker.problems, bad_rows=len(checker.bad_rows),
            good_rows=len(checker.good), files=dict(changes.counts), written=False, dry_run=dry_run,
            skip_bad=skip_bad,
        )
        if not dry_run and not failed(result):
            files = changes.render()
            if files:
                committing = prepare(ws, f"ssj import {kind.name}", commit)
                changes.write(files)
                result.written, result.deleted = True, sorted(rel for rel, content in files.items() if content is None)
                result.saved = conclude(ws, committing, sorted(files), _subject(result))
    return result


def _subject(result: ImportResult) -> str:
    """The commit message's words: what was imported from which file, and how much changed."""
    noun = KINDS[result.kind].noun
    t = result.totals
    return f"导入{noun}：{result.source}，新增 {t['added']}、更新 {t['updated']}"


def import_file(ws: Workspace, kind_name: str, path: Path, *, sheet: str | None = None, skip_bad: bool = False,
                dry_run: bool = False, commit: bool = True) -> ImportResult:
    """Import ``path`` into the registry of ``kind_name`` (``entities`` or ``inspectors``)."""
    return import_table(ws, prepare_import(kind_name, path, sheet), skip_bad=skip_bad, dry_run=dry_run, commit=commit)


def failed(result: ImportResult) -> bool:
    """Exit status 1: nothing could be imported, or bad rows without ``--skip-bad``."""
    return result.good_rows == 0 or (result.bad_rows > 0 and not result.skip_bad)


# -- header --------------------------------------------------------------------------------------------


def map_header(kind: Kind, table: Table) -> tuple[list[tuple[int, Column, str]], list[str]]:
    """Which column of the sheet is which field; refuses missing, doubled and misspelt columns."""
    names = {normalize_header(name): column for column in kind.columns for name in column.names}
    found: dict[str, tuple[int, Column, str]] = {}
    ignored: list[str] = []
    typos: list[str] = []
    for index, cell in enumerate(table.header):
        if is_blank(cell):
            continue
        header = str(cell).strip()
        normal = normalize_header(header)
        column = names.get(normal)
        if column is None:
            near = [n for c in kind.columns for n in c.names
                    if normal not in kind.neighbours and one_letter_apart(normal, normalize_header(n))]
            (typos if near else ignored).append(f"“{header}”像是“{near[0]}”的笔误" if near else header)
        elif column.field in found:
            other = found[column.field][2]
            raise SsjError(f"{table.label}：列“{other}”和“{header}”都是{column.names[0]}，请只保留一列")
        else:
            found[column.field] = (index, column, header)
    if typos:
        raise SsjError(f"{table.label}：{'；'.join(typos)}，请改正表头后重试")
    missing = [c.names[0] for c in kind.columns if c.required and c.field not in found]
    if missing:
        raise SsjError(f"{table.label}：缺少必需的列 {'、'.join(missing)}（第 {table.header_row} 行是表头）。"
                       f"可以识别的列名：{kind.accepted()}")
    return sorted(found.values(), key=lambda entry: entry[0]), ignored


# -- rows ----------------------------------------------------------------------------------------------


class RowChecker:
    """Converts and validates the rows one by one, remembering what it has seen (one pass, no O(n²))."""

    def __init__(self, kind: Kind, data: Dataset, columns: list[tuple[int, Column, str]]) -> None:
        self.kind = kind
        self.data = data
        self.columns = columns
        self.headers = {column.field: header for _, column, header in columns}
        self.existing = existing_records(kind, data)
        self.supervised = {s for section in data.sections for s in section.specialties}
        self.seen: dict[str, int] = {}
        self.cert_holder = {p.cert_no: p.id for p in data.inspectors}
        self.good: list[GoodRow] = []
        self.problems: list[RowProblem] = []
        self.bad_rows: set[int] = set()

    def check(self, number: int, cells: list[Any]) -> None:
        """Check one row; a good one is kept, a bad one leaves its problems."""
        given, errors, unreadable = self._convert(cells)
        if given is None:
            return  # an empty row
        record_id = given.get("id")
        if record_id is None:
            if "id" not in unreadable:  # an unreadable code was reported already
                errors.append(f"缺少{self.headers['id']}")
        elif record_id in self.seen:
            errors.append(f"{self.headers['id']} {record_id} 与第 {self.seen[record_id]} 行重复")
        else:
            self.seen[record_id] = number
        existing = self.existing.get(record_id) if record_id is not None else None
        record = self._validate(given, existing, errors, unreadable) if record_id is not None else None
        if record is not None:
            errors.extend(self._cross_check(record))
        if errors:
            self.bad_rows.add(number)
            self.problems.extend(RowProblem(number, message) for message in errors)
            return
        assert record is not None
        self._remember(record, existing)
        self.good.append(GoodRow(number, record, tuple(f for f in self.kind.model.model_fields if f in given), existing))

    def _convert(self, cells: list[Any]) -> tuple[dict[str, Any] | None, list[str], set[str]]:
        """The fields the row gives (None for an empty row), the cells it could not read, and their fields."""
        given: dict[str, Any] = {}
        errors: list[str] = []
        unreadable: set[str] = set()
        blank = True
        for index, column, header in self.columns:
            value = cells[index] if index < len(cells) else None
            blank = blank and is_blank(value)
            try:
                converted = column.convert(value, self.data.sections)
            except CellError as exc:
                errors.append(f"{header} {exc}")
                unreadable.add(column.field)
                continue
            if converted is not None:
                given[column.field] = converted
        return (None, [], set()) if blank else (given, errors, unreadable)

    def _validate(self, given: dict[str, Any], existing: Existing | None, errors: list[str],
                  unreadable: set[str]) -> BaseModel | None:
        """The record as it will be: the existing one with the given fields replaced, checked by its schema."""
        base = existing.record.model_dump() if existing is not None else {}
        try:
            return self.kind.model.model_validate({**base, **given})
        except ValidationError as exc:
            # a cell already reported as unreadable is not reported again as “missing”
            errors.extend(translate(error, self.kind.model) for error in exc.errors()
                          if not (error["type"] == "missing" and error["loc"][0] in unreadable))
            return None

    def _cross_check(self, record: Any) -> list[str]:
        """What ``ssj check`` would say across records: a specialty no section supervises, a shared 执法证号."""
        if self.kind.name == "entities":
            if record.specialty not in self.supervised:
                known = "、".join(sorted(self.supervised))
                return [f"行业类别“{record.specialty}”没有科室监管（可选：{known}）"]
            if _UNSAFE_NAME.search(record.specialty) or record.specialty.startswith("."):
                return [f"行业类别“{record.specialty}”含有不能用作文件名的字符（/ \\ : * ? \" < > |），"
                        "请在 data/sections.yaml 中为它换个名称"]
            return []
        holder = self.cert_holder.get(record.cert_no)
        if holder is not None and holder != record.id:
            return [f"执法证号 {record.cert_no} 已属于工号 {holder}，一个执法证号只能对应一人"]
        return []

    def _remember(self, record: Any, existing: Existing | None) -> None:
        if self.kind.name == "inspectors":
            if existing is not None and self.cert_holder.get(existing.record.cert_no) == record.id:
                del self.cert_holder[existing.record.cert_no]
            self.cert_holder[record.cert_no] = record.id


def existing_records(kind: Kind, data: Dataset) -> dict[str, Existing]:
    """Every record already in the registry, by id, with its file and position."""
    records: list[Any] = data.entities if kind.name == "entities" else data.inspectors
    found = {}
    for index, record in enumerate(records):
        path, loc = data.where[(kind.name, index)]
        found[record.id] = Existing(record, path, int(loc[1]))
    return found


def _refuse_broken_registry(ws: Workspace, data: Dataset, kind: Kind) -> None:
    """Import edits files that must load and check cleanly first; otherwise the result could not pass."""
    check_registry(data, data.today())
    ours = (SECTIONS, INSPECTORS) if kind.name == "inspectors" else (SECTIONS, ENTITIES_DIR + "/")
    fillable = data.hollow - {SECTIONS}  # an import is how an empty registry gets its first records
    blocking = [p for p in data.errors if (p.path == ours[0] or p.path.startswith(ours[1])) and p.path not in fillable]
    if blocking:
        raise SsjError(f"数据仓库中的{kind.noun}名录或科室文件有 {len(blocking)} 处错误，请先改正（ssj check）再导入", blocking)


# -- merging -------------------------------------------------------------------------------------------


def plan_changes(ws: Workspace, kind: Kind, data: Dataset, rows: list[GoodRow]) -> RegistryChanges:
    """Sort every good row into its file: added, updated in place, unchanged, or moved (new 行业类别)."""
    changes = RegistryChanges(ws.root, kind.name, kind.model, kind.quote, kind.omit_default)
    for row in rows:
        old = row.existing
        if old is None:
            changes.add(target_file(kind, row.record), row.record)
        elif old.record == row.record:
            changes.keep(old.path)
        elif _moves(kind, old, row.record):
            changes.move(old, target_file(kind, row.record), row.record, row.given)
        else:
            changes.update(old, row.record, row.given)
    return changes


def target_file(kind: Kind, record: Any) -> str:
    """Where a new record goes: ``data/entities/<行业类别>.yaml`` or ``data/inspectors.yaml``."""
    if kind.name == "inspectors":
        return INSPECTORS
    return f"{ENTITIES_DIR}/{record.specialty}.yaml"


def _moves(kind: Kind, old: Existing, record: Any) -> bool:
    """A company whose 行业类别 changed leaves a file named after the old one; other layouts are kept."""
    if kind.name != "entities":
        return False
    return old.record.specialty != record.specialty and old.path == target_file(kind, old.record)

