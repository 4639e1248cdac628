"""What a document says: the draw, the team after recusals, the company, the checklist item and (when there is one)
the report, gathered into plain values for the templates — refusing what no document may be made for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shuangsuiji.core.recusal import current_team
from shuangsuiji.core.rederive import selected_ids
from shuangsuiji.core.words import RECORD_TYPES
from shuangsuiji.errors import RuleError, SsjError
from shuangsuiji.ledger.addresses import Located
from shuangsuiji.ledger.index import Index
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.models import Entity, Inspector

ORDER = "责令限期整改指令书"
RECHECK = "整改复查意见书"


def chinese_date(day: dt.date | None) -> str:
    """2026年12月1日 (empty for no date)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def refuse_unusable(found: Located, index: Index) -> None:
    """Documents follow a random draw that still stands (verify-ledger accepts documents of draws only)."""
    kind = found.record["type"]
    if kind == "targeted":
        raise RuleError(
            f"{found.label} 是一条非随机检查记录：抽查文书（ssj doc）只能为随机抽取中抽中的单位开具，"
            "台账核验规则要求每份登记的文书对应一次抽取；非随机检查的文书请按本局原有办法编号"
        )
    if kind != "draw":
        what = RECORD_TYPES.get(kind, kind)
        raise SsjError(f"{found.label} 是一条“{what}”记录，不是抽取记录：请写抽取记录的编号（ssj log 可查）")
    void = index.voided(found.record["hash"])
    if void is not None:
        raise RuleError(f"{found.label} 已于 {void['at'][:10]} 作废（{void['reason']}），不能再为它开具文书")


def company(data: Dataset, found: Located, entity: str) -> Entity:
    """The company, which must be among the draw's selected ones and still in the registry."""
    selected = selected_ids(found.record)
    if entity not in selected:
        shown = "、".join(selected[:3]) + (" …" if len(selected) > 3 else "")
        raise SsjError(f"单位 {entity} 不在 {found.label} 的抽取结果中（抽中的有：{shown}）；请核对统一社会信用代码")
    for candidate in data.entities:
        if candidate.id == entity:
            return candidate
    raise SsjError(f"单位 {entity} 已不在监管对象名录库（data/entities/）中：文书需要它的名称、地址和法定代表人")


def team(data: Dataset, found: Located, entity: str, index: Index, day: dt.date) -> list[Inspector]:
    """The team that checks ``entity`` after recusals; every member must hold a valid 执法证 on ``day`` (第十八条)."""
    members = current_team(found.record, entity, index.follows(found.record["hash"], "recusal"))
    people = {p.id: p for p in data.inspectors}
    chosen = []
    for member in members:
        person = people.get(member)
        if person is None:
            raise SsjError(f"执法检查人员名录库（data/inspectors.yaml）中没有工号 {member}（{found.label} 的检查组成员）")
        if not person.certified_on(day):
            raise RuleError(f"{person.name}（{member}）不在岗或执法证在 {day} 已失效，不能出示执法证检查（第十八条）："
                            f"请先办理回避换人（ssj recuse {found.label} --inspector {member} --entity {entity} --reason 因故不能执行检查）")
        chosen.append(person)
    return chosen


def earlier_order(index: Index, found: Located, entity: str) -> dict[str, Any] | None:
    """The latest 责令限期整改指令书 issued to ``entity`` for this draw."""
    orders = [d for d in index.follows(found.record["hash"], "document") if d["kind"] == ORDER and d["entity"] == entity]
    return orders[-1] if orders else None


def _item(data: Dataset, item_id: str | None) -> dict[str, Any] | None:
    item = next((c for c in data.checklist if c.id == item_id), None)
    if item is None:
        return None
    return {"id": item.id, "name": item.name, "basis": list(item.basis), "standard": item.standard,
            "scope": item.scope, "contents": list(item.contents), "means": list(item.means),
            "method": list(item.method)}


def _report(data: Dataset, found: Located, entity: str) -> dict[str, Any] | None:
    report = next((r for r in data.reports if r.draw_hash == found.record["hash"] and r.entity == entity), None)
    if report is None:
        return None
    return {"method": report.method, "check_dates": [chinese_date(d) for d in report.check_dates],
            "findings": report.findings or "", "handling": report.handling or "",
            "rectification_deadline": chinese_date(report.rectification_deadline)}


def context(data: Dataset, found: Located, kind: str, people: list[Inspector], entity: Entity,
            at: dt.datetime, order: dict[str, Any] | None) -> dict[str, Any]:
    """Everything a template may use (documented in templates/documents/base.html); the number and QR come later."""
    bureau = data.bureau
    record = found.record
    section = found.section
    return {
        "kind": kind,
        "date": at.date().isoformat(),
        "date_cn": chinese_date(at.date()),
        "bureau": {"name": bureau.name if bureau else "", "region": bureau.region if bureau else ""},
        "section": {"id": section.id, "name": section.name, "short": section.short_names[0] if section.short_names else section.id},
        "draw": {"address": found.label, "hash": record["hash"], "date": record["date"],
                 "date_cn": chinese_date(dt.date.fromisoformat(record["date"])), "plan_item": record.get("plan_item") or "",
                 "fairness": record.get("fairness", ""), "seed": record.get("seed", "")},
        "company": {"id": entity.id, "name": entity.name, "address": entity.address, "township": entity.township or "",
                    "legal_rep": entity.legal_rep or "", "phone": entity.phone or "", "specialty": entity.specialty},
        "team": [{"id": p.id, "name": p.name, "cert_no": p.cert_no, "cert_expires": p.cert_expires.isoformat()}
                 for p in people],
        "item": _item(data, record.get("checklist_item")),
        "report": _report(data, found, entity.id),
        "order": {"number": order["number"], "date_cn": chinese_date(dt.date.fromisoformat(order["at"][:10]))}
        if order else None,
    }
