"""One draw, pure (SPEC §4): strata and seed in; selected companies, teams and assignments out."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shuangsuiji.core.ratio import format_ratio, sample_size
from shuangsuiji.core.tickets import Ticket, inspector_seed, rank, smallest
from shuangsuiji.errors import RuleError


@dataclass(frozen=True)
class Stratum:
    """A named part of the eligible population, drawn at its own ratio."""

    name: str
    ratio: Decimal
    population: list[str]


@dataclass(frozen=True)
class DrawInput:
    """Everything the algorithm needs; nothing else may influence a draw."""

    seed: str
    strata: list[Stratum]
    inspectors: list[str]
    team_size: int = 2
    #: declared (inspector, entity) conflicts of interest
    conflicts: frozenset[tuple[str, str]] = field(default_factory=frozenset)


def draw(spec: DrawInput) -> dict[str, Any]:
    """The algorithmic part of a draw record: strata, inspectors, conflicts, assignments."""
    if spec.team_size < 2:
        raise RuleError("每组至少 2 名执法人员（第十八条）")
    strata, selected = [], []
    for stratum in spec.strata:
        population = _sorted_unique(stratum.population)
        k = sample_size(len(population), stratum.ratio)
        chosen = smallest(population, spec.seed, k)
        selected.extend(chosen)
        strata.append({
            "name": stratum.name, "ratio": format_ratio(stratum.ratio), "population": population, "k": k,
            "selected": [{"id": t.id, "ticket": t.ticket} for t in chosen],
        })
    selected.sort()
    teams, reserve = _teams(spec, len(selected))
    conflicts = _relevant_conflicts(spec, selected)
    return {
        "strata": strata,
        "inspectors": {
            "eligible": sorted(set(spec.inspectors)), "team_size": spec.team_size, "teams": teams, "reserve": reserve,
        },
        "conflicts": [{"inspector": i, "entity": e} for i, e in conflicts],
        "assignments": _assign(selected, teams, set(conflicts)),
    }


def _sorted_unique(ids: list[str]) -> list[str]:
    """``sorted(set(ids))``, skipping the work when the strata already come sorted (they do)."""
    if all(map(str.__lt__, ids, ids[1:])):
        return list(ids)
    return sorted(set(ids))


def _teams(spec: DrawInput, k: int) -> tuple[list[list[str]], list[str]]:
    pool = len(set(spec.inspectors))
    count = min(k, pool // spec.team_size)
    if k == 0:
        raise RuleError("没有符合条件的检查对象（在营且属于本科室监管范围），无法抽取")
    if count == 0:
        raise RuleError(
            f"符合条件的执法人员只有 {pool} 名（在岗、执法证在抽取日有效），不足一组 {spec.team_size} 人（第十八条）"
        )
    ranked = [t.id for t in rank(sorted(set(spec.inspectors)), inspector_seed(spec.seed))]
    size = spec.team_size
    return [ranked[j * size:(j + 1) * size] for j in range(count)], ranked[count * size:]


def _relevant_conflicts(spec: DrawInput, selected: list[Ticket]) -> list[tuple[str, str]]:
    chosen = {t.id for t in selected}
    eligible = set(spec.inspectors)
    return sorted((i, e) for i, e in spec.conflicts if e in chosen and i in eligible)


def _assign(selected: list[Ticket], teams: list[list[str]], conflicts: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Company i goes to team i mod T, or the next team without a conflict (第十七条)."""
    assignments = []
    conflicted = {entity for _, entity in conflicts}
    count = len(teams)
    for i, company in enumerate(selected):
        if company.id not in conflicted:  # the common case: nobody declared a conflict with this company
            assignments.append({"entity": company.id, "team": i % count})
            continue
        for step in range(count):
            team = (i + step) % count
            if not any((member, company.id) in conflicts for member in teams[team]):
                assignments.append({"entity": company.id, "team": team})
                break
        else:
            raise RuleError(f"单位 {company.id} 与所有检查组都有申报的利害关系，无法分配（第十七条），请增加执法人员或调整组数")
    return assignments


def replacement_for(
    record: dict[str, Any], entity: str, inspector: str, earlier: list[dict[str, Any]]
) -> str | None:
    """The reserve inspector who replaces ``inspector`` for ``entity`` (SPEC §4), or None.

    Beyond SPEC §4's wording, whoever already stepped aside for ``entity`` in this draw never comes
    back as a replacement: otherwise a second recusal could return the first one's conflicted inspector.
    """
    team = current_team(record, entity, earlier)
    if inspector not in team:
        raise RuleError(f"{inspector} 不在单位 {entity} 的检查组中（当前检查组：{'、'.join(team)}）")
    conflicts = {(c["inspector"], c["entity"]) for c in record["conflicts"]}
    stepped_aside = {inspector} | {r["inspector"] for r in earlier if r["entity"] == entity}
    for candidate in record["inspectors"]["reserve"]:
        if candidate not in team and candidate not in stepped_aside and (candidate, entity) not in conflicts:
            return str(candidate)
    return None


def current_team(record: dict[str, Any], entity: str, recusals: list[dict[str, Any]]) -> list[str]:
    """The team that checks ``entity`` after the given recusals, in order."""
    index = next((a["team"] for a in record["assignments"] if a["entity"] == entity), None)
    if index is None:
        raise RuleError(f"单位 {entity} 不在这次抽取的结果中")
    team = list(record["inspectors"]["teams"][index])
    for recusal in recusals:
        if recusal["entity"] == entity and recusal["inspector"] in team:
            team[team.index(recusal["inspector"])] = recusal["replacement"]
    return team


def teams_after(record: dict[str, Any], recusals: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Every selected company's team after the recusals, in one pass (large draws have thousands)."""
    teams = record["inspectors"]["teams"]
    current = {a["entity"]: list(teams[a["team"]]) for a in record["assignments"]}
    for recusal in recusals:
        team = current.get(recusal["entity"])
        if team is not None and recusal["inspector"] in team:
            team[team.index(recusal["inspector"])] = recusal["replacement"]
    return current
