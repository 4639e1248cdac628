"""``plans/<year>.yaml``: the annual plan (年度检查计划), its approval and temporary plans (第七、十二、十六条)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import model_validator

from shuangsuiji.registry.models.base import Id, Model, OptionalText, RatioValue, Text, public
from shuangsuiji.registry.models.directories import Risk

#: A plan item may require at least this fairness level (SPEC §4); the stronger levels are listed first.
SeedLevel = Literal["announced", "witnessed"]


class PlanApproval(Model):
    """Approval by the 班子会议; ``digest`` pins the content that was approved."""

    meeting: Text = public(title="会议")
    date: dt.date = public(title="批准日期")
    approver: Text = public(title="批准人")
    digest: str = public(title="审批内容摘要", pattern=r"^[0-9a-f]{64}$")


class PlanItem(Model):
    """One line of a plan: what a section checks, how much, how often and when."""

    id: Id = public(title="计划事项编号")
    section: Id = public(title="科室")
    checklist_item: Id = public(title="抽查事项")
    specialties: list[str] | None = public(None, title="行业范围")
    ratio: RatioValue = public(title="一般抽查比例")
    risk_ratios: dict[Risk, RatioValue] = public({}, title="各风险等级抽查比例")
    multiplier: Decimal = public(Decimal(2), title="问题和黑名单单位的比例倍数", ge=1, le=10)
    frequency: int = public(title="频次（次/年）", gt=0)
    months: list[int] | None = public(None, title="实施月份")
    quarters: list[int] | None = public(None, title="实施季度")
    team_size: int = public(2, title="每组人数", ge=2)
    reserve: int = public(1, title="后备人数（留作回避替换）", ge=0, le=20)
    seed: SeedLevel | None = public(None, title="最低公平性等级（announced 事先公告 / witnessed 现场见证）")
    rest_days: int | None = public(None, title="休息期（天，默认按 data/bureau.yaml）", ge=0, le=365)
    min_interval_days: int = public(7, title="两次抽取的最短间隔（天）", ge=0, le=366)

    @model_validator(mode="after")
    def _one_window(self) -> PlanItem:
        if self.months is not None and self.quarters is not None:
            raise ValueError("months（实施月份）和 quarters（实施季度）只能写一个")
        if any(not 1 <= m <= 12 for m in self.months or []):
            raise ValueError("实施月份必须在 1 到 12 之间")
        if any(not 1 <= q <= 4 for q in self.quarters or []):
            raise ValueError("实施季度必须在 1 到 4 之间")
        return self

    def open_months(self) -> list[int]:
        """The months (1–12) in which the item may be drawn."""
        if self.quarters is not None:
            return sorted(m for q in self.quarters for m in range(3 * q - 2, 3 * q + 1))
        return sorted(self.months) if self.months is not None else list(range(1, 13))

    def open_on(self, day: dt.date) -> bool:
        """True when ``day`` lies inside the item's window."""
        return day.month in self.open_months()


class TemporaryPlan(Model):
    """A 临时检查计划 with its own approval."""

    id: Id = public(title="临时计划编号")
    name: Text = public(title="名称")
    reason: Text = public(title="事由")
    approval: PlanApproval | None = public(None, title="审批")
    items: list[PlanItem] = public(title="计划事项", min_length=1)


class Plan(Model):
    """The annual plan of one year."""

    year: int = public(title="年度", ge=2000, le=2100)
    name: Text = public(title="计划名称")
    approval: PlanApproval | None = public(None, title="审批")
    items: list[PlanItem] = public([], title="计划事项")
    temporary: list[TemporaryPlan] = public([], title="临时检查计划")
    notes: OptionalText = public(None, title="说明")

    def all_items(self) -> list[tuple[PlanItem, TemporaryPlan | None]]:
        """Every item, each with the temporary plan it belongs to (None for the annual plan)."""
        pairs: list[tuple[PlanItem, TemporaryPlan | None]] = [(item, None) for item in self.items]
        for temp in self.temporary:
            pairs.extend((item, temp) for item in temp.items)
        return pairs
