"""``ssj todo``: what is due, per section (SPEC §9) — drawn companies without a finished report, 整改 deadlines
without a 复查, 书面检查 materials not received, reviews pending (第二十条), results past their disclosure deadline
(第二十二条) and cases that may be closed. It only asks the rules that already exist (the follow-up and closing
rules of :mod:`followup`, the disclosure deadline of :mod:`plan.status`), the ones ``ssj check`` and ``ssj report``
apply.

Targeted checks are not listed: ``ssj report new`` files reports for random draws only, so nothing could be done
about them here."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from typing import Any

from shuangsuiji.core.rederive import selected_ids
from shuangsuiji.ledger.addresses import address
from shuangsuiji.ledger.queries import open_index, published_keys
from shuangsuiji.ledger.store import Record
from shuangsuiji.plan.status import PendingResult, pending_results
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.models import Report, Section
from shuangsuiji.reports.followup import ESCALATIONS, ORDER, closing_problems
from shuangsuiji.workspace import Workspace

#: items due within this many days are shown as upcoming
UPCOMING_DAYS = 7

#: what each kind of item is, in words
KINDS = {
    "report_missing": "未建检查报告",
    "report_draft": "检查报告未办结",
    "recheck": "整改期满待复查",
    "recheck_again": "复查未整改到位",
    "materials": "书面检查材料未收到",
    "review": "待集中审理",
    "disclosure": "结果待公开",
    "closing": "可以结案",
}
#: overdue first, then upcoming, then what has no deadline
STATES = {"overdue": "已逾期", "upcoming": "7 天内到期", "open": "待办"}


@dataclass(frozen=True)
class DueItem:
    """One thing a section has to do."""

    section: str
    kind: str
    state: str
    #: the last day allowed (None: the rules set no deadline)
    due: str | None
    #: when it became due to be done (the draw, the check, the last 复查)
    since: str | None
    draw: str | None
    entity: str
    name: str | None
    report: str | None
    #: what is due and how to do it, in words
    detail: str

    @property
    def what(self) -> str:
        """The kind in words."""
        return KINDS[self.kind]


def due_items(ws: Workspace, data: Dataset, today: dt.date, section: Section | None = None) -> list[DueItem]:
    """Everything due on ``today`` (of ``section`` only, when given), by section, overdue first."""
    index = open_index(ws)
    try:
        draws = {s.id: [r for _, r in index.records(s.id, ["draw", "void"])] for s in data.sections}
        published = published_keys(index)
    finally:
        index.close()
    voided = {r["draw"] for records in draws.values() for r in records if r["type"] == "void"}
    reports = [(data.where[("reports", n)][0], r) for n, r in enumerate(data.reports) if r.draw_hash not in voided]
    filed = {(r.draw_hash, r.entity): (path, r) for path, r in reports}
    items = [item for s in data.sections for item in _unfiled(s, draws[s.id], voided, filed)]
    items += [item for path, report in reports for item in _open_case(path, report, today)]
    items += _unpublished(pending_results(data, published, today), dict(reports), today)
    names = {e.id: e.name for e in data.entities}
    order = {s.id: n for n, s in enumerate(data.sections)}
    chosen = [replace(i, name=names.get(i.entity)) for i in items if section is None or i.section == section.id]
    return sorted(chosen, key=lambda i: (order.get(i.section, len(order)), list(STATES).index(i.state),
                                         i.due or "", i.since or "", i.entity, i.kind))


def _state(due: dt.date, today: dt.date) -> str | None:
    """overdue after the last day, upcoming within :data:`UPCOMING_DAYS`, None (not yet due) beyond."""
    if due < today:
        return "overdue"
    return "upcoming" if due <= today + dt.timedelta(days=UPCOMING_DAYS) else None


def _unfiled(section: Section, records: list[Record], voided: set[str],
             filed: dict[tuple[str, str], tuple[str, Report]]) -> list[DueItem]:
    """Companies of a standing draw with no report, or with a report still a draft."""
    items = []
    for record in records:
        if record["type"] != "draw" or record["hash"] in voided:
            continue
        label = address(section, record["seq"])
        for entity in selected_ids(record):
            found = filed.get((record["hash"], entity))
            if found is None:
                items.append(DueItem(section.id, "report_missing", "open", None, record["date"], label, entity, None,
                                     None, f"尚未新建检查报告：ssj report new {label} {entity}"))
            elif found[1].status != "已办结":
                items.append(DueItem(section.id, "report_draft", "open", None, record["date"], label, entity, None,
                                     found[0], f"检查报告仍是草稿：填写完成后把 status 改为 已办结（{found[0]}）"))
    return items


def _open_case(path: str, report: Report, today: dt.date) -> list[DueItem]:
    """What a report's case still needs before it is closed: 复查, materials, review — or only closing."""
    if report.closed is not None:
        return []
    items = _rectification(path, report, today) + _materials(path, report, today)
    if report.major_violation and report.review is None:
        since = report.finished_on.isoformat() if report.finished_on else None
        items.append(_item(report, path, "review", "open", None, since,
                           f"发现重大违法行为，须经集中审理（第二十条），审理前结果不能公开：ssj report review {path} …"))
    if report.status == "已办结" and not any(s == "error" for _, _, s in closing_problems(report, today, today)):
        last = max([*report.check_dates, *(r.date for r in report.rechecks)], default=None)
        items.append(_item(report, path, "closing", "open", None, last.isoformat() if last else None,
                           f"后续处置已完成，可以结案：ssj report close {path}"))
    return items


def _item(report: Report, path: str, kind: str, state: str, due: dt.date | None, since: str | None,
          detail: str) -> DueItem:
    return DueItem(report.section, kind, state, due.isoformat() if due else None, since, report.draw, report.entity,
                   None, path, detail)


def _rectification(path: str, report: Report, today: dt.date) -> list[DueItem]:
    """A 整改 order whose deadline came (or comes within the week) with no 复查, or whose 复查 found it unmet."""
    deadline = report.rectification_deadline
    if ORDER not in report.follow_up or deadline is None:
        return []
    if not report.rechecks:
        state = _state(deadline, today)
        if state is None:
            return []
        when = "已过" if state == "overdue" else "将到"
        return [_item(report, path, "recheck", state, deadline, None,
                      f"整改期限 {deadline} {when}，尚未复查：复查后 ssj report recheck {path} --outcome 已整改")]
    last = report.rechecks[-1]
    if last.outcome == "已整改" or any(k in report.follow_up for k in ESCALATIONS):
        return []
    return [_item(report, path, "recheck_again", "open", None, last.date.isoformat(),
                  f"{last.date} 复查结论为“{last.outcome}”（整改期限 {deadline}）：整改完成后再次复查"
                  f"（ssj report recheck {path}），或依法立案查处、移送（写入 follow_up）")]


def _materials(path: str, report: Report, today: dt.date) -> list[DueItem]:
    """A 书面检查's materials not received by their deadline (or due within the week)."""
    if report.method != "书面":
        return []
    items = []
    for material in report.materials:
        state = _state(material.due, today) if material.received is None else None
        if state is not None:
            when = "已过" if state == "overdue" else "将到"
            items.append(_item(report, path, "materials", state, material.due, None,
                               f"“{material.name}”提交期限 {material.due} {when}，尚未收到：收到后在 materials 中"
                               "写明 received（收到日期）"))
    return items


def _unpublished(pending: list[PendingResult], reports: dict[str, Report], today: dt.date) -> list[DueItem]:
    """Finished results past their disclosure deadline (第二十二条), or due within the week."""
    items = []
    for result in pending:
        report = reports.get(result.report)
        due = dt.date.fromisoformat(result.due)
        state = "overdue" if result.overdue else _state(due, today)
        if report is None or state is None:
            continue
        notes = ["须先经集中审理" if report.major_violation and report.review is None else "ssj publish"]
        if result.estimated:
            notes.append("该年法定节假日安排尚未收录，期限按周末估算，请核对")
        items.append(_item(report, result.report, "disclosure", state, due, result.finished_on,
                           f"办结 {result.finished_on}，应于 {result.due} 前公开（第二十二条）：{'；'.join(notes)}"))
    return items


def by_section(items: list[DueItem], data: Dataset) -> list[tuple[Section, list[DueItem]]]:
    """The items grouped by section, in the order of data/sections.yaml (sections with nothing due left out)."""
    return [(s, found) for s in data.sections if (found := [i for i in items if i.section == s.id])]


def counts(items: list[DueItem]) -> dict[str, int]:
    """How many items are overdue, upcoming and open."""
    return {state: sum(i.state == state for i in items) for state in STATES}


def as_json(items: list[DueItem], data: Dataset, today: dt.date) -> dict[str, Any]:
    """The list as plain data for ``--json``: the day, the counts, and each section's items."""
    return {"date": today.isoformat(), "counts": counts(items),
            "sections": [{"section": s.id, "name": s.name,
                          "items": [{**asdict(i), "what": i.what, "state_text": STATES[i.state]} for i in found]}
                         for s, found in by_section(items, data)]}
