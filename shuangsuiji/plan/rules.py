"""第七、十二、十六条 in every draw: which plan item a draw falls under, and whether it may go ahead."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from shuangsuiji.core.chain import intact_records
from shuangsuiji.errors import RuleError
from shuangsuiji.ledger.addresses import address
from shuangsuiji.ledger.index import Index
from shuangsuiji.plan.digest import annual_plan_digest, temporary_plan_digest
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.models import Plan, PlanItem, Section, TemporaryPlan
from shuangsuiji.workspace import BUREAU_LEDGER, LEDGER_DIR

#: Words of every problem about a plan's approval state, which ``ssj plan approve`` itself resolves.
APPROVAL_PHRASES = ("审批后被修改", "审批没有记入局台账", "最近一次审批")


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
    digest = annual_plan_digest(data.raw_plans[year])
    if plan.approval.digest != digest:
        raise RuleError(f"{year} 年度检查计划在审批后被修改，需要重新审批（第七条）")
    problem = approval_problem(data, year, None, digest)
    if problem is not None:
        raise RuleError(problem)
    return plan


def bureau_records(data: Dataset, kind: str) -> list[dict[str, Any]]:
    """The records of one type in the bureau ledger (``data/ledger/bureau/<year>.jsonl``), in order.

    Only the records before the ledger's first broken line count: an approval is what ``ssj plan approve``
    or ``ssj checklist approve`` appended to an intact chain, not a line typed into the file.
    """
    if data.files is None:
        return []
    paths = data.files.list(f"{LEDGER_DIR}/{BUREAU_LEDGER}", ".jsonl")
    blobs = [data.files.read(path) or b"" for path in paths]
    return [r for r in intact_records(blobs) if r.get("type") == kind]


def recorded_approvals(data: Dataset) -> list[dict[str, Any]]:
    """The ``plan_approval`` records of the bureau ledger, in order."""
    return bureau_records(data, "plan_approval")


def plan_label(year: int, temporary: str | None) -> str:
    """``2026 年度检查计划`` or ``临时检查计划 2026-T01``."""
    return f"{year} 年度检查计划" if temporary is None else f"临时检查计划 {temporary}"


def approval_problem(data: Dataset, year: int, temporary: str | None, digest: str) -> str | None:
    """Why a plan whose approval block matches its content is still not approved, or None (第七条).

    The approval must be recorded in the bureau ledger by ``ssj plan approve``, and the latest approval
    recorded for the plan must be of exactly this content.
    """
    name = plan_label(year, temporary)
    found = [r for r in recorded_approvals(data) if r.get("year") == year and r.get("plan") == temporary]
    if not found:
        return (f"{name}的审批没有记入局台账（{LEDGER_DIR}/{BUREAU_LEDGER}/），审批块可能是手工填写的：第七条要求计划经班子会议审批，"
                "请用 ssj plan approve 记录审批")
    latest = found[-1]
    if latest.get("digest") != digest:
        recorded = str(latest.get("digest"))[:12]
        return (f"{name}的内容与局台账中最近一次审批（{latest.get('approved_on')}，摘要 {recorded}…）不符："
                "计划在审批后被修改或审批块被手工改写（第七条），请用 ssj plan approve 重新审批")
    return None


def temporary_refusal(data: Dataset, plan: Plan, temporary: TemporaryPlan) -> str | None:
    """Why a temporary plan may not be drawn under, or None when it is approved (第七条)."""
    refused = f"临时检查计划 {temporary.id} 未经审批或审批后被修改（第七条），不能按它抽取"
    if temporary.approval is None:
        return refused
    raw = next(t for t in data.raw_plans[plan.year].get("temporary", []) if t.get("id") == temporary.id)
    digest = temporary_plan_digest(raw)
    if temporary.approval.digest != digest:
        return refused
    return approval_problem(data, plan.year, temporary.id, digest)


def _temporary_approved(data: Dataset, plan: Plan, temporary: TemporaryPlan) -> bool:
    return temporary_refusal(data, plan, temporary) is None


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
    refusal = temporary_refusal(data, plan, temporary) if temporary is not None else None
    if refusal is not None:
        raise RuleError(refusal)
    if not item.open_on(day):
        months = "、".join(f"{m}月" for m in item.open_months())
        raise RuleError(f"计划事项 {item.id} 只在 {months} 实施，{day} 不在其实施时间内（第十二条）")
    return PlanChoice(plan, item, temporary)


def _ids(pairs: list[tuple[PlanItem, TemporaryPlan | None]], section: Section) -> str:
    return "、".join(i.id for i, _ in pairs if i.section == section.id) or "无"

def check_frequency(index: Index, section: Section, item: PlanItem, day: dt.date, fulfilling: str | None = None) -> None:
    """Refuse once the item's frequency for the year is used up (第十六条); a pending announcement counts."""
    used = len(index.plan_draws(item.id, day.year))
    pending = [r for r in index.pending_announcements(section.id, item.id)
               if r["hash"] != fulfilling and r["date"].startswith(f"{day.year}-")]
    if used + len(pending) >= item.frequency:
        waiting = ""
        if pending:
            waiting = (f"，另有待抽取的公告 {'、'.join(address(section, r['seq']) for r in pending)}"
                       "（也占用频次；不再按它抽取的，可用 ssj void 作废）")
        raise RuleError(
            f"计划事项 {item.id} 的 {day.year} 年频次已用完（{item.frequency} 次/年，已抽取 {used} 次{waiting}，第十六条）；"
            "如确需增加，请报批临时检查计划"
        )


def check_spacing(index: Index, section: Section, item: PlanItem, day: dt.date, again: str | None) -> None:
    """A second draw of the same item within ``min_interval_days`` needs ``--again --reason`` (第十六条)."""
    if again and again.strip():
        return
    earlier = [d for d, _ in index.plan_draws(item.id, day.year) + index.plan_draws(item.id, day.year - 1)
               if 0 <= (day - dt.date.fromisoformat(d)).days < item.min_interval_days]
    if earlier:
        raise RuleError(
            f"计划事项 {item.id} 在 {max(earlier)} 已抽取过，两次抽取至少间隔 {item.min_interval_days} 天（第十六条：防止检查过多）；"
            "确需再次抽取，请加 --again --reason \"原因\"（原因会记入台账并公开）"
        )


def plan_digest(data: Dataset, choice: PlanChoice) -> str:
    """The digest of the approved content the item belongs to (the annual plan, or its temporary plan)."""
    raw = data.raw_plans[choice.plan.year]
    if choice.temporary is None:
        return annual_plan_digest(raw)
    return temporary_plan_digest(next(t for t in raw.get("temporary") or [] if t.get("id") == choice.temporary.id))
