"""Load every file of a bureau into one :class:`Dataset`, collecting every problem on the way."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError

from shuangsuiji import clock
from shuangsuiji.errors import InputError, Problem, Severity
from shuangsuiji.registry import yamlio
from shuangsuiji.registry.cache import ModelCache
from shuangsuiji.registry.messages import Loc, translate
from shuangsuiji.registry.models import (
    Bureau,
    ChecklistFile,
    ChecklistItem,
    CreditEntry,
    CreditFile,
    DutiesFile,
    Duty,
    EntitiesFile,
    Entity,
    Inspector,
    InspectorsFile,
    Plan,
    Report,
    Section,
    SectionsFile,
)
from shuangsuiji.registry.models.base import normalize_id
from shuangsuiji.registry.sources import Files, WorkingTree
from shuangsuiji.workspace import (
    BUREAU,
    CHECKLIST,
    CREDIT,
    DUTIES,
    ENTITIES_DIR,
    INSPECTORS,
    PLANS_DIR,
    REPORTS_DIR,
    SECTIONS,
    Workspace,
)

M = TypeVar("M", bound=BaseModel)
Where = tuple[str, Loc]
Progress = Callable[[str], None]

_PLAN_NAME = re.compile(r"^plans/(\d{4})\.yaml$")
#: files parsed in this process that the model cache does not keep (plans: their raw form is digested), by
#: (path, SHA-256 of the bytes): ``verify-ledger`` loads the data of every commit, and the plans rarely change.
#: Neither the model nor the content is ever changed after loading.
_PARSED: dict[tuple[str, str], tuple[Any, Any]] = {}
_PARSED_KEPT = 64


@dataclass
class Dataset:
    """Everything a bureau keeps, validated, with where each record came from."""

    bureau: Bureau | None = None
    sections: list[Section] = field(default_factory=list)
    duties: list[Duty] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    inspectors: list[Inspector] = field(default_factory=list)
    credit: list[CreditEntry] = field(default_factory=list)
    plans: dict[int, Plan] = field(default_factory=dict)
    reports: list[Report] = field(default_factory=list)
    #: (collection, index) → (file, path inside the file), for pointing at lines
    where: dict[tuple[str, int], Where] = field(default_factory=dict)
    #: every file read → SHA-256 of its raw bytes (a draw's ``inputs``)
    inputs: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    raw_plans: dict[int, Any] = field(default_factory=dict)
    #: collections with a file that could not be read at all, and ids of records that failed validation:
    #: references into them are not reported again as missing
    unreadable: set[str] = field(default_factory=set)
    unchecked_ids: dict[str, set[str]] = field(default_factory=dict)
    #: files that hold no records at all (emptied, or ``entities: []``): an error, yet ``ssj import`` may fill them
    hollow: set[str] = field(default_factory=set)
    files: Files | None = None
    _raw: dict[str, bytes] = field(default_factory=dict)
    _finders: dict[str, yamlio.LineFinder] = field(default_factory=dict)

    def line_of(self, path: str, loc: Loc) -> int | None:
        """The line of ``loc`` inside ``path`` (composed lazily, only when a problem needs it)."""
        if path not in self._finders:
            raw = self._raw.get(path)
            if raw is None:
                return None
            self._finders[path] = yamlio.LineFinder(raw.decode("utf-8-sig", errors="replace"))
        return self._finders[path].line_of(loc)

    def report(self, where: Where, message: str, severity: Severity = "error", extra: Loc = ()) -> None:
        """Record a problem at ``where`` (plus ``extra`` steps deeper)."""
        path, loc = where
        line = self.line_of(path, loc + extra)
        if line is None and path in self._raw:
            line = 1  # a missing key or a whole-record rule: point at the file's first line, not nowhere
        self.problems.append(Problem(path, line, message, severity))

    def report_at(self, collection: str, index: int, message: str, extra: Loc = (), severity: Severity = "error") -> None:
        """Record a problem about the ``index``-th record of ``collection``."""
        self.report(self.where[(collection, index)], message, severity, extra)

    def raw_inputs(self) -> dict[str, bytes]:
        """The raw bytes of every file read (repo-relative POSIX path → bytes), as ``inputs`` digests them."""
        return dict(self._raw)

    def may_hold(self, collection: str, record_id: str) -> bool:
        """True when ``record_id`` may be in ``collection`` although it did not load (its file has errors)."""
        return collection in self.unreadable or record_id in self.unchecked_ids.get(collection, set())

    def section(self, section_id: str) -> Section | None:
        """The section with this id."""
        return next((s for s in self.sections if s.id == section_id), None)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def timezone(self) -> str:
        """The bureau's time zone; ``ssj check`` reports a bad one, everything else uses the default."""
        name = self.bureau.timezone if self.bureau is not None else clock.DEFAULT_TIMEZONE
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return clock.DEFAULT_TIMEZONE
        return name

    def today(self) -> dt.date:
        """Today in the bureau's time zone."""
        return clock.local_today(self.timezone)

    def now(self) -> dt.datetime:
        """Now in the bureau's time zone."""
        return clock.local_now(self.timezone)


class Loader:
    """Reads files through a :class:`Files` view into a :class:`Dataset`."""

    def __init__(self, files: Files, cache: ModelCache | None = None, progress: Progress | None = None) -> None:
        self.files = files
        self.cache = cache
        self.progress = progress or (lambda _path: None)
        self.data = Dataset(files=files)

    def load(self) -> Dataset:
        """Read every file; problems are collected, never raised."""
        # The cyclic garbage collector would walk the growing heap again and again while a province-scale
        # registry is built (reference counting still frees everything): a third of the load time.
        # Afterwards the loaded data are frozen out of the collector's sight, so that the draw, the checks and
        # the output that follow do not pay for walking 100,000 records at every collection either.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._load_all()
        finally:
            gc.freeze()
            if collecting:
                gc.enable()

    def _load_all(self) -> Dataset:
        data = self.data
        data.bureau = self._single(BUREAU, Bureau)
        data.sections = self._list(SECTIONS, SectionsFile, Section, "sections")
        data.duties = self._list(DUTIES, DutiesFile, Duty, "duties")
        data.checklist = self._list(CHECKLIST, ChecklistFile, ChecklistItem, "items", collection="checklist")
        entity_files = self.files.list(ENTITIES_DIR, ".yaml")
        if not entity_files:
            data.problems.append(Problem(ENTITIES_DIR, None, "没有任何监管对象名录文件（data/entities/*.yaml）"))
        for path in entity_files:
            data.entities.extend(self._list(path, EntitiesFile, Entity, "entities", offset=len(data.entities)))
        data.inspectors = self._list(INSPECTORS, InspectorsFile, Inspector, "inspectors")
        data.credit = self._list(CREDIT, CreditFile, CreditEntry, "credit", optional=True)
        for path in self.files.list(PLANS_DIR, ".yaml"):
            self._plan(path)
        for path in self.files.list(REPORTS_DIR, ".yaml"):
            report = self._single(path, Report)
            if report is not None:
                self.data.where[("reports", len(data.reports))] = (path, ())
                data.reports.append(report)
        return data

    # -- one file -------------------------------------------------------------------------------

    def _read(self, path: str, optional: bool = False) -> tuple[str, bytes] | None:
        raw = self.files.read(path)
        if raw is None:
            if not optional:
                self.data.problems.append(Problem(path, None, "缺少此文件"))
            return None
        self.progress(path)
        digest = hashlib.sha256(raw).hexdigest()
        self.data.inputs[path] = digest
        self.data._raw[path] = raw
        return digest, raw

    def _parse(self, path: str, raw: bytes) -> Any:
        try:
            return yamlio.load(path, raw)
        except InputError as exc:
            self.data.problems.extend(exc.problems)
            return _UNREADABLE

    def _validate(self, path: str, model: type[M], content: Any) -> M | None:
        if content is None:
            content = {}
        if not isinstance(content, dict):
            self.data.problems.append(Problem(path, 1, "文件内容应为若干“键: 值”，请对照示例文件检查"))
            return None
        try:
            return model.model_validate(content)
        except ValidationError as exc:
            for err in exc.errors():
                self.data.report((path, ()), translate(err, model), extra=tuple(err["loc"]))
            return None

    def _model(
        self, path: str, model: type[M], optional: bool = False, cacheable: bool = True, collection: str = ""
    ) -> tuple[M | None, Any]:
        """The validated model of ``path`` and, unless it came from the cache, its raw content."""
        found = self._read(path, optional)
        if found is None:
            return None, None
        digest, raw = found
        cached = self.cache.get(path, digest) if self.cache and cacheable else None
        if isinstance(cached, model):
            return cached, None
        if not cacheable and (path, digest) in _PARSED:  # a plan, read again for another commit of the history
            return _PARSED[(path, digest)]
        content = self._parse(path, raw)
        if content is _UNREADABLE:
            return None, None
        if content is None and any(f.is_required() for f in model.model_fields.values()):
            if collection in _HOLLOW:
                self._hollow(path, collection, "")
            else:
                self.data.problems.append(Problem(path, 1, "文件是空的（或只有注释）：请对照示例文件填写"))
            return None, None
        result = self._validate(path, model, content)
        if result is not None and self.cache is not None and cacheable:
            self.cache.put(path, digest, result)
        if result is not None and not cacheable:
            _PARSED[(path, digest)] = (result, content)
            while len(_PARSED) > _PARSED_KEPT:
                del _PARSED[next(iter(_PARSED))]
        return result, content

    def _single(self, path: str, model: type[M]) -> M | None:
        return self._model(path, model)[0]

    def _list(
        self, path: str, model: type[BaseModel], item: type[BaseModel], key: str, *,
        collection: str | None = None, offset: int = 0, optional: bool = False,
    ) -> list[Any]:
        """A registry file: its records, keeping the good ones even when some are bad."""
        parsed, content = self._model(path, model, optional, collection=collection or key)
        if path in self.data.hollow:
            return []
        pairs = list(enumerate(getattr(parsed, key))) if parsed is not None else _salvage(item, key, content)
        if parsed is None and path in self.data.inputs:
            self._note_unchecked(collection or key, key, content, {i for i, _ in pairs})
        for n, (source_index, _record) in enumerate(pairs):
            self.data.where[(collection or key, offset + n)] = (path, (key, source_index))
        if parsed is not None and not pairs and not optional:
            self._hollow(path, collection or key, key)
        return [record for _, record in pairs]

    def _hollow(self, path: str, collection: str, key: str) -> None:
        """A registry file without a single record: an error naming the file (an emptied file must not pass as
        a bureau without companies or inspectors); references into it are not reported again."""
        noun, hint = _HOLLOW[collection]
        empty = not _has_content(self.data._raw.get(path, b""))
        self.data.hollow.add(path)
        self.data.unreadable.add(collection)
        self.data.report((path, () if empty else (key,)), f"{'文件是空的，' if empty else ''}没有任何{noun}：{hint}")

    def _note_unchecked(self, collection: str, key: str, content: Any, good: set[int]) -> None:
        """Remember what a bad file may hold, so references to it are not reported as missing too."""
        items = content.get(key) if isinstance(content, dict) else None
        if not isinstance(items, list):
            self.data.unreadable.add(collection)
            return
        dropped = self.data.unchecked_ids.setdefault(collection, set())
        for index, raw in enumerate(items):
            raw_id = raw.get("id") if isinstance(raw, dict) else None
            if index not in good and isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool):
                dropped.add(str(normalize_id(raw_id)))

    def _plan(self, path: str) -> None:
        plan, content = self._model(path, Plan, cacheable=False)  # small, and its raw form is digested
        if plan is None:
            return
        match = _PLAN_NAME.match(path)
        if match is None or int(match.group(1)) != plan.year:
            self.data.report((path, ("year",)), f"计划文件名应为 plans/{plan.year}.yaml（与 year: {plan.year} 一致）")
            return
        if plan.year in self.data.plans:
            self.data.report((path, ("year",)), f"{plan.year} 年的计划重复")
            return
        self.data.plans[plan.year] = plan
        self.data.raw_plans[plan.year] = content
        self.data.where[("plans", plan.year)] = (path, ())


_UNREADABLE = object()

#: collection → what a file of it must hold, and how to fill it
_HOLLOW = {
    "sections": ("科室", "应列出第十一条规定的六个科室（可参照 ssj init 生成的 data/sections.yaml）"),
    "duties": ("监管职责", "应列出权力清单和责任清单中的监管职责（第九条）"),
    "checklist": ("抽查事项", "应列出随机抽查事项清单的各个事项（第八、九条）"),
    "entities": ("监管对象", "请用 ssj import entities 导入单位，或删除这个文件"),
    "inspectors": ("执法检查人员", "请用 ssj import inspectors 导入（抽取记录和检查报告中的人员都出自这里）"),
}


def _has_content(raw: bytes) -> bool:
    """True when the file has a line that is neither blank nor a comment."""
    text = raw.decode("utf-8-sig", errors="replace")
    return any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines())


def _salvage(item: type[BaseModel], key: str, content: Any) -> list[tuple[int, Any]]:
    """Validate item by item so one bad record does not hide the others from cross-checks."""
    if not isinstance(content, dict) or not isinstance(content.get(key), list):
        return []
    good = []
    for index, raw in enumerate(content[key]):
        try:
            good.append((index, item.model_validate(raw)))
        except ValidationError:
            continue  # already reported by the whole-file validation
    return good


def load_dataset(files: Files, cache: ModelCache | None = None, progress: Progress | None = None) -> Dataset:
    """Load every file of the bureau behind ``files``."""
    return Loader(files, cache, progress).load()


def load_bureau(ws: Workspace, progress: Progress | None = None) -> Dataset:
    """Every file of the bureau's working tree, validated (problems collected, not raised), through the cache."""
    return load_dataset(WorkingTree(ws.root), ModelCache(ws.state_dir / "cache"), progress)
