"""``ssj stats``: the year at a glance (SPEC §9, issue 13 part 6).

Per section, draws against the plan's frequency and companies checked against those the plan's draws selected
(the counting is :mod:`shuangsuiji.plan.status`'s, summed by section); results by the bureau's categories and
follow-ups by kind (finished reports of the year's non-void draws); the 整改 closure rate
(:func:`shuangsuiji.core.results.closure`, the same rule as the page); companies the bureau inspected more than
once and each inspector's inspections, counted from the inspections of the ledgers (non-void draws with recusals
applied, and targeted checks, of every section).

:func:`year_stats` gathers; every other function is pure and works on what it is given.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, get_args

from shuangsuiji.core.inspections import Inspection, day_number
from shuangsuiji.core.results import closure
from shuangsuiji.ledger.addresses import address
from shuangsuiji.ledger.index import Index
from shuangsuiji.ledger.queries import open_index
from shuangsuiji.plan.status import ItemStatus, plan_status
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.models import Inspector, Report, Section
from shuangsuiji.registry.models.report import FollowUpKind
from shuangsuiji.registry.privacy import public_dict
from shuangsuiji.workspace import Workspace

FOLLOW_UP_KINDS: list[str] = list(get_args(FollowUpKind))


@dataclass
class SectionStats:
    """One section's plan items of the year, summed."""

    section: str
    name: str
    planned_draws: int = 0
    draws: int = 0
    voided: int = 0
    #: companies the plan's draws selected, and those with a finished (已办结) report, and those published
    companies: int = 0
    checked: int = 0
    published: int = 0


@dataclass
class RepeatedCompany:
    """A company the bureau inspected more than once in the year, and the records that sent someone."""

    entity: str
    name: str
    inspections: int
    records: list[str]


@dataclass
class InspectorStats:
    """How many inspections (one company, one record) an inspector went on in the year."""

    id: str
    name: str
    section: str
    inspections: int


@dataclass
class YearStats:
    """Everything ``ssj stats`` shows."""

    year: int
    sections: list[SectionStats]
    reports: int
    results: dict[str, int]
    follow_ups: dict[str, int]
    orders: int
    orders_met: int
    companies_inspected: int
    repeated: list[RepeatedCompany] = field(default_factory=list)
    inspectors: list[InspectorStats] = field(default_factory=list)

    @property
    def closure_rate(self) -> float | None:
        """整改 orders a 复查 found met, as a share of all 整改 orders (None without any order)."""
        return self.orders_met / self.orders if self.orders else None


def section_stats(sections: list[Section], items: list[ItemStatus]) -> list[SectionStats]:
    """The plan items' progress summed per section, in the sections' order; sections without items show zeros."""
    rows = {s.id: SectionStats(s.id, s.name) for s in sections}
    for item in items:
        row = rows.setdefault(item.section, SectionStats(item.section, item.section))
        row.planned_draws += item.frequency
        row.draws += item.draws
        row.voided += item.voided
        row.companies += item.companies
        row.checked += item.finished
        row.published += item.published
    return list(rows.values())


def outcomes(results: list[dict[str, Any]], categories: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Results per category (the bureau's order, every category shown) and follow-ups per kind, of public results."""
    counted = Counter(str(r.get("result") or "") for r in results)
    by_category = {name: counted.pop(name, 0) for name in categories}
    by_category.update(sorted(counted.items()))  # a result outside today's categories still counts (ssj check warns)
    kinds = Counter(kind for r in results for kind in r.get("follow_up") or [])
    return by_category, {kind: kinds.get(kind, 0) for kind in FOLLOW_UP_KINDS}


def repeated(inspections: dict[str, list[Inspection]], names: dict[str, str],
             labels: dict[str, str]) -> list[RepeatedCompany]:
    """The companies inspected more than once, most inspected first; ``labels`` names records (二股-3)."""
    rows = [RepeatedCompany(entity, names.get(entity, ""), len(found), [labels.get(i.record, i.record[:12]) for i in found])
            for entity, found in inspections.items() if len(found) > 1]
    return sorted(rows, key=lambda r: (-r.inspections, r.entity))


def per_inspector(inspections: dict[str, list[Inspection]], people: list[Inspector]) -> list[InspectorStats]:
    """Each inspector's inspections, most first: everyone who went, and every active inspector (0 when none)."""
    counted = Counter(person for found in inspections.values() for i in found for person in i.inspectors)
    known = {p.id: p for p in people}
    ids = [p.id for p in people if p.active or counted[p.id]] + sorted(i for i in counted if i not in known)
    rows = [InspectorStats(i, known[i].name if i in known else "", known[i].section if i in known else "", counted[i])
            for i in ids]
    return sorted(rows, key=lambda r: -r.inspections)


def year_stats(ws: Workspace, data: Dataset, year: int, today: dt.date) -> YearStats:
    """Gather the year's figures from the plan status, the reports and the ledgers' inspections."""
    items, _ = plan_status(ws, data, year, today)
    index = open_index(ws)
    try:
        sections = {s.id: s for s in data.sections}
        draws = {r["hash"]: r for s in data.sections for _, r in index.records(s.id, ["draw"])
                 if r["date"].startswith(f"{year}-") and index.voided(r["hash"]) is None}
        found = _inspections(index, year)
        labels = {}
        for digest in {i.record for visits in found.values() for i in visits}:
            located = index.by_hash(digest)
            if located is not None and located[0] in sections:
                labels[digest] = address(sections[located[0]], located[1]["seq"])
    finally:
        index.close()
    finished = [public_dict(r) for r in _of_draws(data.reports, draws)]
    categories = [c.name for c in data.bureau.result_categories] if data.bureau else []
    results, follow_ups = outcomes(finished, categories)
    met, orders = closure(finished)
    names = {e.id: e.name for e in data.entities}
    return YearStats(year, section_stats(data.sections, items), len(finished), results, follow_ups, orders, met,
                     len(found), repeated(found, names, labels), per_inspector(found, data.inspectors))


def _of_draws(reports: list[Report], draws: dict[str, Any]) -> list[Report]:
    """The finished reports of the given draws."""
    return [r for r in reports if r.draw_hash in draws and r.status == "已办结"]


def _inspections(index: Index, year: int) -> dict[str, list[Inspection]]:
    """Every company's inspections dated in ``year`` (voids removed, recusals applied: the index keeps them so)."""
    start, end = day_number(f"{year}-01-01"), day_number(f"{year}-12-31")
    seen = sorted(index.inspected_between(start, end))
    return {entity: [v for v in visits if v.day <= end] for entity, visits in index.inspections(seen, start).items()}


def as_json(stats: YearStats) -> dict[str, Any]:
    """The figures as plain data for ``--json``."""
    return {**asdict(stats), "closure_rate": stats.closure_rate}
