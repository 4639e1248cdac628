"""The plan rules ``ssj check`` runs (第七、十二、十五、十六、二十三条): approvals recorded in the bureau ledger,
unchanged since; items that name real sections and checklist items, within the section's specialties."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from shuangsuiji.core.ratio import format_ratio
from shuangsuiji.plan.checklist import check_checklist
from shuangsuiji.plan.digest import annual_plan_digest, temporary_plan_digest
from shuangsuiji.plan.rules import approval_problem
from shuangsuiji.registry.eligibility import plan_ratios
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.messages import Loc
from shuangsuiji.registry.models import Plan, PlanItem


def check_plans(data: Dataset, today: dt.date) -> Dataset:
    """Every plan file's approval state and items, and the checklist's approval (第八、十条); problems are
    appended to ``data.problems``."""
    _plans(data, today)
    check_checklist(data)
    return data


def _plans(data: Dataset, today: dt.date) -> None:
    sections = {s.id: s for s in data.sections}
    checklist = {c.id: c for c in data.checklist}
    for year, plan in sorted(data.plans.items()):
        path, _ = data.where[("plans", year)]
        raw = data.raw_plans[year]
        if plan.approval is None:
            data.report((path, ()), f"{year} 年度检查计划尚未经班子会议审批（第七条），审批前不能按计划抽取", "warning")
        elif plan.approval.digest != annual_plan_digest(raw):
            data.report((path, ("approval",)), f"{year} 年度检查计划在审批后被修改，需要重新审批（ssj plan approve）")
        else:
            _recorded(data, path, ("approval",), year, None, plan.approval.digest)
        ids: Counter[str] = Counter(item.id for item, _ in plan.all_items())
        for t, temp in enumerate(plan.temporary):
            if temp.approval is None:
                data.report((path, ("temporary", t)), f"临时检查计划 {temp.id} 尚未审批", "warning")
            elif temp.approval.digest != temporary_plan_digest(raw["temporary"][t]):
                data.report((path, ("temporary", t, "approval")), f"临时检查计划 {temp.id} 在审批后被修改，需要重新审批")
            else:
                _recorded(data, path, ("temporary", t, "approval"), year, temp.id, temp.approval.digest)
        for loc, item in _item_locations(plan):
            where = (path, loc)
            if ids[item.id] > 1:
                data.report(where, f"计划事项编号 {item.id} 重复", extra=("id",))
            section = sections.get(item.section)
            if data.sections and section is None:
                data.report(where, f"科室“{item.section}”不存在", extra=("section",))
            target = checklist.get(item.checklist_item)
            if data.checklist and target is None:
                data.report(where, f"抽查事项 {item.checklist_item} 不在 data/checklist.yaml 中", extra=("checklist_item",))
            elif target is not None and target.subject != item.section:
                data.report(where, f"抽查事项 {target.id} 的检查主体是 {target.subject}，不是 {item.section}", extra=("checklist_item",))
            if section is not None:
                outside = [s for s in item.specialties or [] if s not in section.specialties]
                if outside:
                    data.report(where, f"行业“{'、'.join(outside)}”不归{section.name}监管（第十五条：不得跨行业抽查）",
                                extra=("specialties",))
            _raised_ratio(data, where, item)


def _recorded(data: Dataset, path: str, loc: Loc, year: int, temporary: str | None, digest: str) -> None:
    """An approval block that matches the content must also be recorded in the bureau ledger (第七条)."""
    problem = approval_problem(data, year, temporary, digest)
    if problem is not None:
        data.report((path, loc), problem)


def _raised_ratio(data: Dataset, where: tuple[str, Loc], item: PlanItem) -> None:
    """黑名单 and 问题 companies are checked at ratio × multiplier, never less often than a risk class (SPEC §4):
    a plan whose product is lower is drawn at the risk class's ratio, and says so here, so the plan states it."""
    ratios = plan_ratios(item)
    written = min(Decimal(1), item.multiplier * item.ratio)
    higher = [f"{name} 的比例 {format_ratio(ratios[name])}" for name in ("风险A", "风险B", "风险C", "风险D")
              if ratios[name] > written]
    if higher:
        data.report(where, f"计划事项 {item.id}：黑名单和问题单位的比例 {format_ratio(written)} 低于{'、'.join(higher)}："
                    "第十六、二十三条要求提高而不是降低（请提高 multiplier 或 ratio）；"
                    f"在改正之前，抽取按 {format_ratio(ratios['黑名单'])} 抽取", "warning", ("multiplier",))


def _item_locations(plan: Plan) -> list[tuple[Loc, PlanItem]]:
    locations: list[tuple[Loc, PlanItem]] = [(("items", i), item) for i, item in enumerate(plan.items)]
    for t, temp in enumerate(plan.temporary):
        locations += [(("temporary", t, "items", i), item) for i, item in enumerate(temp.items)]
    return locations
