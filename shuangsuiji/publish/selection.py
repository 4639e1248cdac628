"""What a publication discloses (第二十二条): finished checks, the draws behind them, the blacklist.

Everything here is built from public fields only (:mod:`privacy`); the bundle writer just formats it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from shuangsuiji.core.lists import ListFolder
from shuangsuiji.core.recusal import current_team
from shuangsuiji.core.words import FAIRNESS, FAIRNESS_SHORT, RECORD_TYPES
from shuangsuiji.errors import SsjError
from shuangsuiji.ledger.addresses import BUREAU_ADDRESS, BUREAU_SECTION, address
from shuangsuiji.ledger.index import Index
from shuangsuiji.ledger.queries import change_lines, population_change, previous_label
from shuangsuiji.ledger.summary import describe, section_name
from shuangsuiji.plan.checklist import checklist_digest, published_checklist
from shuangsuiji.plan.rules import plan_label
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.models import Report, Section
from shuangsuiji.registry.privacy import public_dict
from shuangsuiji.workspace import BUREAU_LEDGER, LISTS_DIR


@dataclass
class Selection:
    """Which results a publication covers."""

    sections: list[Section]
    start: dt.date | None
    end: dt.date | None


@dataclass
class Disclosure:
    """The public content of one bundle."""

    bureau: str
    generated: str
    selection: Selection
    results: list[dict[str, Any]] = field(default_factory=list)
    draws: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    credit: list[dict[str, Any]] = field(default_factory=list)
    waiting_review: list[str] = field(default_factory=list)
    per_section: list[dict[str, Any]] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    #: the ``plan_approval`` (of the plan year) and ``checklist_approval`` records of the bureau ledger (第七、八、十条)
    approvals: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: the published checklist (``checklist.json``) and its digest, which its approval pins
    checklist: list[dict[str, Any]] = field(default_factory=list)
    checklist_digest: str = ""
    #: the plan of the plan year (``plan.json``), public fields only; None when there is none
    plan: dict[str, Any] | None = None
    #: every section's name by id, for the people reading the page
    section_names: dict[str, str] = field(default_factory=dict)
    #: the plan year the page reports on: that of the latest draw published (December results go out in January)
    year: int = 0

    @property
    def published(self) -> list[dict[str, str]]:
        """(draw hash, company) of every result disclosed, for the ``publish`` record."""
        return [{"draw": r["draw_hash"], "entity": r["entity_id"]} for r in self.results]

    def result_counts(self) -> Counter[str]:
        return Counter(r["result"] for r in self.results)

    def follow_up_counts(self) -> Counter[str]:
        """How many published results name each 后续处置."""
        return Counter(kind for r in self.results for kind in r["follow_up"])


def collect(data: Dataset, selection: Selection, now: dt.datetime, index: Index) -> Disclosure:
    """Gather every finished, publishable result in the selection and the draws behind them."""
    if data.bureau is None:
        raise SsjError("data/bureau.yaml 无法读取，不能生成公开材料")
    disclosure = Disclosure(data.bureau.name, now.isoformat(), selection,
                            categories=[c.name for c in data.bureau.result_categories])
    wanted = {s.id for s in selection.sections}
    behind: dict[str, dict[str, Any]] = {}
    for n, report in enumerate(data.reports):
        if report.section not in wanted or not _in_period(report, selection):
            continue
        path = data.where[("reports", n)][0]
        if report.major_violation and report.review is None:
            disclosure.waiting_review.append(path)
            continue
        found = index.by_hash(report.draw_hash)
        record = found[1] if found is not None and found[1]["type"] == "draw" else None
        if record is None:
            raise SsjError(f"{path}：找不到它的抽取记录，请先运行 ssj check")
        section = data.section(report.section)
        assert section is not None
        disclosure.results.append(_result(data, report, record, section))
        behind[record["hash"]] = {"record": record, "section": section}
    disclosure.results.sort(key=lambda r: (r["finished_on"], r["draw"], r["entity_id"]))
    disclosure.draws = [_draw(data, index, v["record"], v["section"]) for v in behind.values()]
    disclosure.draws.sort(key=lambda d: (d["date"], d["address"]))
    # every ledger ships in full, so the page lists the records of every section, with results or not (SPEC §6)
    disclosure.events = _events(index, data.sections)
    disclosure.credit = _credit(data, now.date())
    disclosure.year = max((int(d["date"][:4]) for d in disclosure.draws), default=now.year)
    disclosure.per_section = _per_section(data, index, data.sections, disclosure, disclosure.year)
    plan = data.plans.get(disclosure.year)
    disclosure.plan = public_dict(plan) if plan else None
    disclosure.checklist = published_checklist(data.checklist)
    disclosure.checklist_digest = checklist_digest(data.checklist)
    disclosure.approvals = _approvals(index, disclosure.year)
    disclosure.section_names = {s.id: s.name for s in data.sections}
    return disclosure


def _in_period(report: Report, selection: Selection) -> bool:
    finished = report.finished_on
    if finished is None:
        return False
    return (selection.start is None or finished >= selection.start) and (selection.end is None or finished <= selection.end)


def _result(data: Dataset, report: Report, record: dict[str, Any], section: Section) -> dict[str, Any]:
    entity = next((e for e in data.entities if e.id == report.entity), None)
    people = {p.id: p for p in data.inspectors}
    item = next((c for c in data.checklist if c.id == report.checklist_item), None)
    fields = public_dict(report)
    company = public_dict(entity) if entity is not None else {"id": report.entity}
    return {
        "draw": address(section, record["seq"]), "draw_hash": record["hash"], "draw_date": record["date"],
        "section": section.name, "checklist_item": report.checklist_item, "checklist_name": item.name if item else "",
        "check_dates": fields["check_dates"], "finished_on": max(fields["check_dates"]), "method": fields["method"],
        "contents": fields["contents"], "entity_id": company["id"], "entity_name": company.get("name", ""),
        "address": company.get("address", ""), "specialty": company.get("specialty", ""),
        "inspectors": [{"id": i, "name": people[i].name if i in people else "", "cert_no": people[i].cert_no if i in people else ""}
                       for i in report.inspectors],
        "findings": fields["findings"] or "", "result": fields["result"] or "", "handling": fields["handling"] or "",
        "suggestions": fields["suggestions"] or "", "rectification_deadline": fields["rectification_deadline"],
        "major_violation": fields["major_violation"], "review": fields["review"],
        # 后续处置 to closure (SPEC §9), public fields only: a 复查's note and the evidence stay in the repository
        "follow_up": fields["follow_up"], "follow_up_to": fields["follow_up_to"], "rechecks": fields["rechecks"],
        "materials": fields["materials"], "closed": fields["closed"],
        "fairness": record["fairness"], "fairness_text": FAIRNESS_SHORT[record["fairness"]],
    }


def _draw(data: Dataset, index: Index, record: dict[str, Any], section: Section) -> dict[str, Any]:
    recusals = index.follows(record["hash"], "recusal")
    void = index.voided(record["hash"])
    people = {p.id: p for p in data.inspectors}

    def person(i: str) -> dict[str, str]:
        return {"id": i, "name": people[i].name if i in people else "", "cert_no": people[i].cert_no if i in people else ""}

    return {
        "address": address(section, record["seq"]), "hash": record["hash"], "section": section.name,
        "ledger": f"ledger/{section.id}/{record['at'][:4]}.jsonl", "date": record["date"],
        "plan_item": record.get("plan_item"), "seed": record["seed"], "seed_source": record["seed_source"],
        "fairness": record["fairness"], "fairness_text": FAIRNESS_SHORT[record["fairness"]],
        "fairness_explained": FAIRNESS[record["fairness"]],
        "population": sum(s["count"] for s in record["strata"]),
        "selected": sum(s["k"] for s in record["strata"]),
        "strata": [{"name": s["name"], "ratio": s["ratio"], "population": s["count"], "k": s["k"]}
                   for s in record["strata"] if s["count"]],
        "teams": [[person(i) for i in team] for team in record["inspectors"]["teams"]],
        "recusals": [{"entity": r["entity"], "replacement": person(r["replacement"]), "reason": r["reason"],
                      "from_section": section_name(data.sections, r["from_section"]) if r.get("from_section") else None,
                      "team": [person(i) for i in current_team(record, r["entity"], recusals)]} for r in recusals],
        "voided": void["reason"] if void else None,
        "dirty": bool(record.get("dirty")),
        "again": record.get("again"),
        "population_changes": _changes(index, record, section),
    }


def _changes(index: Index, record: dict[str, Any], section: Section) -> dict[str, Any] | None:
    """What changed in the population since the previous draw of the same plan item (issue 11: trimming shows)."""
    change = population_change(ListFolder(str(index.ws.root / LISTS_DIR)), index, record)
    if change is None:
        return None
    return {"previous": previous_label(change, section) if change.previous else None,
            "previous_hash": change.previous["hash"] if change.previous else None,
            "added": change.added, "removed": change.removed,
            "moved": [{"entity": e, "from": a, "to": b} for e, a, b in change.moved],
            "summary": change_lines(change, section)}


def _approvals(index: Index, year: int) -> dict[str, list[dict[str, Any]]]:
    """The approval records of the bureau ledger, in ledger order: those of the plan year's plans, and every
    approval of the 清单 (the last one is in force). Either list may be empty (a new bureau, or no approval yet)."""
    def row(record: dict[str, Any]) -> dict[str, Any]:
        return {"address": f"{BUREAU_ADDRESS}-{record['seq']}", "hash": record["hash"], "at": record["at"],
                "meeting": record.get("meeting"), "approver": record.get("approver"),
                "date": record.get("date") or record.get("approved_on"), "digest": record.get("digest")}

    plans = [{**row(r), "plan": plan_label(year, r.get("plan"))}
             for _, r in index.records(BUREAU_LEDGER, ["plan_approval"]) if r.get("year") == year]
    checklists = [row(r) for _, r in index.records(BUREAU_LEDGER, ["checklist_approval"])]
    return {"plan": plans, "checklist": checklists}


def _events(index: Index, sections: list[Section]) -> list[dict[str, Any]]:
    """Every record of these sections' ledgers in a line each: voids, re-draws and failed attempts stay visible."""
    names = {s.id: s.name for s in sections}
    found = [(section, record) for section in [*sections, BUREAU_SECTION] for _, record in index.records(section.id)]
    addresses = {record["hash"]: address(section, record["seq"]) for section, record in found}
    events = [{"address": address(section, record["seq"]), "at": record.get("at", ""),
               "type": RECORD_TYPES.get(record.get("type", ""), record.get("type", "")),
               "detail": describe(record, addresses, names)} for section, record in found]
    return sorted(events, key=lambda e: e["at"])


def _credit(data: Dataset, today: dt.date) -> list[dict[str, Any]]:
    names = {e.id: e.name for e in data.entities}
    return [{**public_dict(c), "entity_name": names.get(c.entity, "")} for c in data.credit
            if c.kind == "黑名单" and c.in_force_on(today)]


def _per_section(data: Dataset, index: Index, sections: list[Section], disclosure: Disclosure,
                 year: int) -> list[dict[str, Any]]:
    plan = data.plans.get(year)
    rows = []
    for section in sections:
        planned = sum(i.frequency for i, _ in plan.all_items() if i.section == section.id) if plan else 0
        records = [r for _, r in index.records(section.id, ["draw", "void"])]
        voided = {r["draw"] for r in records if r.get("type") == "void"}
        draws = [r for r in records if r.get("type") == "draw" and r["hash"] not in voided
                 and r["date"].startswith(f"{year}-")]
        rows.append({"section": section.name, "planned_draws": planned, "draws": len(draws),
                     "drawn": sum(len(r["assignments"]) for r in draws),
                     "checked": sum(1 for r in disclosure.results
                                    if r["section"] == section.name and r["draw_date"].startswith(f"{year}-"))})
    return rows
