"""``ssj plan status``: where each plan item stands, and what is overdue (第十二、十六、二十二条)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from shuangsuiji.core.rederive import selected_ids
from shuangsuiji.ledger.queries import open_index, published_keys
from shuangsuiji.ledger.store import Record
from shuangsuiji.plan.deadlines import calendar_known, due_date
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.models import PlanItem, Report
from shuangsuiji.workspace import Workspace


@dataclass
class ItemStatus:
    """One plan item's progress in its year."""

    item: str
    section: str
    temporary: str | None
    frequency: int
    months: list[int]
    draws: int = 0
    voided: int = 0
    companies: int = 0
    reports: int = 0
    finished: int = 0
    published: int = 0
    overdue: list[str] = field(default_factory=list)


@dataclass
class PendingResult:
    """A finished check whose result is not yet published."""

    report: str
    entity: str
    finished_on: str
    due: str
    overdue: bool
    #: the official holiday schedule of a year involved is not in the calendar package yet
    estimated: bool = False



def plan_status(ws: Workspace, data: Dataset, year: int, today: dt.date) -> tuple[list[ItemStatus], list[PendingResult]]:
    """Progress of every item of ``year``'s plan, and the finished results still waiting for publication."""
    index = open_index(ws)
    try:
        ledgers = {s.id: [r for _, r in index.records(s.id, ["draw", "void"])] for s in data.sections}
        published = published_keys(index)
    finally:
        index.close()
    reports = {(r.draw_hash, r.entity): (path, r) for path, r in _reports(data)}
    plan = data.plans.get(year)
    rows = []
    for item, temporary in plan.all_items() if plan else []:
        row = ItemStatus(item.id, item.section, temporary.id if temporary else None, item.frequency, item.open_months())
        _count(row, ledgers.get(item.section, []), year, reports, published)
        row.overdue += _behind(item, row.draws, year, today)
        rows.append(row)
    return rows, _pending(data, reports, published, today)


def _reports(data: Dataset) -> list[tuple[str, Report]]:
    return [(data.where[("reports", i)][0], r) for i, r in enumerate(data.reports)]


def _count(row: ItemStatus, records: list[Record], year: int,
           reports: dict[tuple[str, str], tuple[str, Report]], published: set[tuple[str, str]]) -> None:
    voided = {r["draw"] for r in records if r["type"] == "void"}
    for record in records:
        if record["type"] != "draw" or record.get("plan_item") != row.item or not record["date"].startswith(f"{year}-"):
            continue
        if record["hash"] in voided:
            row.voided += 1
            continue
        row.draws += 1
        for entity in selected_ids(record):
            key = (record["hash"], entity)
            row.companies += 1
            found = reports.get(key)
            row.reports += found is not None
            row.finished += found is not None and found[1].status == "已办结"
            row.published += key in published


def _behind(item: PlanItem, used: int, year: int, today: dt.date) -> list[str]:
    months = item.open_months()
    if year > today.year:
        return []
    passed = [m for m in months if year < today.year or m < today.month]
    if used < item.frequency and len(passed) == len(months):
        return [f"频次未完成：计划 {item.frequency} 次，实际 {used} 次，实施期已过"]
    expected = item.frequency * len(passed) // len(months)
    found = [f"进度滞后：按实施月份应已抽取 {expected} 次，实际 {used} 次"] if used < expected else []
    if year == today.year and today.month == max(months) and used < item.frequency:
        found.append(f"实施期本月（{today.month} 月）结束：计划 {item.frequency} 次，已抽取 {used} 次，"
                     f"本月内还需抽取 {item.frequency - used} 次")
    return found


def pending_results(data: Dataset, published: set[tuple[str, str]], today: dt.date) -> list[PendingResult]:
    """The finished results not in ``published``, each with its disclosure deadline (``ssj todo``)."""
    return _pending(data, {(r.draw_hash, r.entity): (path, r) for path, r in _reports(data)}, published, today)


def _pending(data: Dataset, reports: dict[tuple[str, str], tuple[str, Report]],
             published: set[tuple[str, str]], today: dt.date) -> list[PendingResult]:
    if data.bureau is None:
        return []
    pending = []
    for key, (path, report) in sorted(reports.items(), key=lambda kv: kv[1][0]):
        if report.finished_on is None or key in published:
            continue
        due = due_date(report.finished_on, data.bureau.disclosure)
        estimated = data.bureau.disclosure.unit == "工作日" and not all(
            calendar_known(y) for y in range(report.finished_on.year, due.year + 1))
        pending.append(PendingResult(path, report.entity, report.finished_on.isoformat(), due.isoformat(),
                                     due < today, estimated))
    return pending


def as_json(rows: list[ItemStatus], pending: list[PendingResult], year: int) -> dict[str, Any]:
    """The status as plain data for ``--json``."""
    return {"year": year, "items": [asdict(r) for r in rows], "unpublished": [asdict(p) for p in pending]}
