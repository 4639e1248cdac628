"""Who may be drawn on a date: eligible companies split into strata, eligible inspectors, conflicts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shuangsuiji.core.draw import Stratum
from shuangsuiji.core.ratio import stratum_ratios
from shuangsuiji.core.words import STRATUM_NAMES
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.models import Entity, PlanItem, Section

OPERATING = "在营"


def eligible_entities(data: Dataset, section: Section, item: PlanItem | None) -> list[Entity]:
    """In the section's scope (and the item's specialties), status 在营 (第十五条: no cross-specialty draws)."""
    scope = set(section.specialties)
    if item is not None and item.specialties is not None:
        scope &= set(item.specialties)
    return [e for e in data.entities if e.status == OPERATING and e.specialty in scope]


def eligible_inspectors(data: Dataset, section: Section, day: dt.date) -> list[str]:
    """In the section, active, 执法证 valid on ``day`` (第十八条)."""
    return sorted(p.id for p in data.inspectors if p.section == section.id and p.certified_on(day))


def declared_conflicts(data: Dataset) -> frozenset[tuple[str, str]]:
    """Every declared (inspector, entity) conflict of interest."""
    return frozenset((p.id, c.entity) for p in data.inspectors for c in p.conflicts)


def blacklisted(data: Dataset, day: dt.date) -> set[str]:
    """Companies on the blacklist (黑名单) on ``day`` (第二十三条)."""
    return {c.entity for c in data.credit if c.kind == "黑名单" and c.in_force_on(day)}


def problem_entities(data: Dataset, day: dt.date) -> set[str]:
    """Companies where a finished report found problems within the look-back window before ``day``."""
    if data.bureau is None:
        return set()
    problem = {c.name for c in data.bureau.result_categories if c.problem}
    since = day - dt.timedelta(days=data.bureau.problem_lookback_days)
    return {
        r.entity for r in data.reports
        if r.result in problem and r.finished_on is not None and since <= r.finished_on <= day
    }


def stratum_of(entity: Entity, blacklist: set[str], problems: set[str]) -> str:
    """The first stratum that applies to ``entity``."""
    if entity.key:
        return "重点"
    if entity.id in blacklist:
        return "黑名单"
    if entity.id in problems:
        return "问题"
    return f"风险{entity.risk}" if entity.risk else "一般"


def plan_ratios(item: PlanItem, floor: Decimal | None = None) -> dict[str, Decimal]:
    """Each stratum's ratio under a plan item (SPEC §4, 第十六条): the floor raises the base, then the multiplier."""
    return stratum_ratios(item.ratio, dict(item.risk_ratios), item.multiplier, floor)


def build_strata(
    entities: list[Entity], item: PlanItem | None, floor: Decimal | None,
    blacklist: set[str], problems: set[str],
) -> list[Stratum]:
    """The strata of a draw before the rest rule; ``floor`` (``--ratio``) raises the ratios and never lowers one."""
    if item is None:
        if floor is None:
            raise ValueError("没有计划事项时必须给出抽查比例")
        return [Stratum("一般", floor, sorted(e.id for e in entities))]
    ratios = plan_ratios(item, floor)
    members: dict[str, list[str]] = {name: [] for name in STRATUM_NAMES}
    for entity in entities:
        members[stratum_of(entity, blacklist, problems)].append(entity.id)
    return [Stratum(name, ratios[name], sorted(members[name])) for name in STRATUM_NAMES]


def draw_population(
    data: Dataset, section: Section, item: PlanItem | None, floor: Decimal | None, day: dt.date
) -> tuple[list[Stratum], list[str]]:
    """The strata and the inspector pool of a draw by ``section`` under ``item`` on ``day``."""
    entities = eligible_entities(data, section, item)
    strata = build_strata(entities, item, floor, blacklisted(data, day), problem_entities(data, day))
    return strata, eligible_inspectors(data, section, day)
