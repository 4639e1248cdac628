"""第七、十二、十六条 in every draw: which plan item a draw falls under, and whether it may go ahead."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .errors import RuleError
from .loading import Dataset
from .models import Plan, PlanItem, Section, TemporaryPlan
from .plan_digest import annual_plan_digest, temporary_plan_digest


@dataclass(frozen=True)
class PlanChoice:
    """The plan item a draw is made under, and the temporary plan it belongs to (if any)."""

    plan: Plan
    item: PlanItem
    temporary: TemporaryPlan | None


def approved_plan(data: Dataset, year: int) -> Plan:
    """The year's plan, approved and unchanged since (第七条); refuses otherwise."""
    plan = data.plans.get(year)
    if plan is None:
        raise RuleError(f"{year} 年没有年度检查计划（plans/{year}.yaml）：第七条规定不得在年度计划之外开展检查")
    if plan.approval is None:
        raise RuleError(f"{year} 年度检查计划尚未经班子会议审批（第七条）：请先审批（ssj plan approve）")
    if plan.approval.digest != annual_plan_digest(data.raw_plans[year]):
        raise RuleError(f"{year} 年度检查计划在审批后被修改，需要重新审批（第七条）")
    return plan


def _temporary_approved(data: Dataset, plan: Plan, temporary: TemporaryPlan) -> bool:
    if temporary.approval is None:
        return False
    raw = next(t for t in data.raw_plans[plan.year].get("temporary", []) if t.get("id") == temporary.id)
    return temporary.approval.digest == temporary_plan_digest(raw)


def choose_item(data: Dataset, section: Section, day: dt.date, item_id: str | None) -> PlanChoice:
    """The plan item for a draw by ``section`` on ``day``; named, or the section's only open item."""
    plan = approved_plan(data, day.year)
    pairs = plan.all_items()
    if item_id is not None:
        found = [(i, t) for i, t in pairs if i.id == item_id]
        if not found:
            raise RuleError(f"{day.year} 年计划中没有计划事项“{item_id}”（第七条）。{section.name}的事项：{_ids(pairs, section)}")
        return _admit(data, plan, *found[0], section, day)
    open_items = [(i, t) for i, t in pairs if i.section == section.id and i.open_on(day)
                  and (t is None or _temporary_approved(data, plan, t))]
    if len(open_items) == 1:
        return _admit(data, plan, *open_items[0], section, day)
    if not open_items:
        raise RuleError(
            f"{day} 不在{section.name}任何计划事项的实施时间内（第七条、第十二条）。该科室的事项：{_ids(pairs, section)}"
        )
    raise RuleError(f"{section.name}在 {day} 有多个计划事项，请用 --plan-item 指定：{'、'.join(i.id for i, _ in open_items)}")


def _admit(data: Dataset, plan: Plan, item: PlanItem, temporary: TemporaryPlan | None,
           section: Section, day: dt.date) -> PlanChoice:
    if item.section != section.id:
        raise RuleError(f"计划事项 {item.id} 属于科室 {item.section}，不属于{section.name}（第十二条、第十五条）")
    if temporary is not None and not _temporary_approved(data, plan, temporary):
        raise RuleError(f"临时检查计划 {temporary.id} 未经审批或审批后被修改（第七条），不能按它抽取")
    if not item.open_on(day):
        months = "、".join(f"{m}月" for m in item.open_months())
        raise RuleError(f"计划事项 {item.id} 只在 {months} 实施，{day} 不在其实施时间内（第十二条）")
    return PlanChoice(plan, item, temporary)


def _ids(pairs: list[tuple[PlanItem, TemporaryPlan | None]], section: Section) -> str:
    return "、".join(i.id for i, _ in pairs if i.section == section.id) or "无"


def draws_used(records: list[dict[str, Any]], item_id: str, year: int) -> int:
    """Non-void draws made against ``item_id`` in calendar year ``year`` (第十六条 frequency)."""
    voided = {r["draw"] for r in records if r["type"] == "void"}
    return sum(
        1 for r in records
        if r["type"] == "draw" and r.get("plan_item") == item_id and r["date"].startswith(f"{year}-")
        and r["hash"] not in voided
    )


def check_frequency(records: list[dict[str, Any]], item: PlanItem, day: dt.date) -> None:
    """Refuse a draw once the item's frequency for the year is used up (第十六条)."""
    used = draws_used(records, item.id, day.year)
    if used >= item.frequency:
        raise RuleError(
            f"计划事项 {item.id} 的 {day.year} 年频次已用完（{item.frequency} 次/年，已抽取 {used} 次，第十六条）；"
            "如确需增加，请报批临时检查计划"
        )
