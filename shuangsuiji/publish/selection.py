"""What a publication discloses (第二十二条): finished checks, the draws behind them, the blacklist.

Everything here is built from public fields only (:mod:`privacy`); the bundle writer just formats it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from shuangsuiji.core.recusal import current_team
from shuangsuiji.core.words import FAIRNESS, FAIRNESS_SHORT
from shuangsuiji.errors import SsjError
from shuangsuiji.ledger.addresses import address
from shuangsuiji.ledger.index import Index
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.models import Report, Section
from shuangsuiji.registry.privacy import public_dict


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
    #: the plan year the page reports on: that of the latest draw published (December results go out in January)
    year: int = 0

    @property
    def published(self) -> list[dict[str, str]]:
        """(draw hash, company) of every result disclosed, for the ``publish`` record."""
        return [{"draw": r["draw_hash"], "entity": r["entity_id"]} for r in self.results]

    def result_counts(self) -> Counter[str]:
        return Counter(r["result"] for r in self.results)


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
    disclosure.events = _events(index, selection.sections)
    disclosure.credit = _credit(data, now.date())
    disclosure.year = max((int(d["date"][:4]) for d in disclosure.draws), default=now.year)
    disclosure.per_section = _per_section(data, index, selection.sections, disclosure, disclosure.year)
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
                      "team": [person(i) for i in current_team(record, r["entity"], recusals)]} for r in recusals],
        "voided": void["reason"] if void else None,
        "dirty": bool(record.get("dirty")),
        "again": record.get("again"),
    }


def _events(index: Index, sections: list[Section]) -> list[dict[str, Any]]:
    """Every record of the covered ledgers in a line each: voids and re-draws stay visible."""
    from shuangsuiji.core.words import RECORD_TYPES
    from shuangsuiji.ledger.summary import describe

    events = []
    for section in sections:
        for _, record in index.records(section.id):
            kind = record.get("type", "")
            events.append({"address": address(section, record["seq"]), "at": record.get("at", ""),
                           "type": RECORD_TYPES.get(kind, kind), "detail": describe(record)})
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
                     "checked": sum(1 for r in disclosure.results if r["section"] == section.name)})
    return rows
