"""One draw, pure (SPEC §4): strata and seed in; selected companies, teams and assignments out.

ssj makes every draw with :func:`draw`, and both verifiers re-derive every recorded draw with the same
functions (:func:`select`, :func:`form_teams`, :func:`assign`): there is one implementation of the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from shuangsuiji.core.ratio import format_ratio, sample_size
from shuangsuiji.core.tickets import inspector_seed, rank, smallest


class Refused(ValueError):
    """A draw or recusal the public rules do not allow (the message says why, in Chinese)."""

    def __init__(self, message: str, entity: str | None = None) -> None:
        super().__init__(message)
        #: the company the refusal is about, when it is about one
        self.entity = entity


@dataclass(frozen=True)
class Stratum:
    """A named part of the eligible population, drawn at its own ratio."""

    name: str
    ratio: Decimal
    population: list


@dataclass(frozen=True)
class DrawInput:
    """Everything the algorithm needs; nothing else may influence a draw."""

    seed: str
    strata: list
    inspectors: list
    team_size: int = 2
    #: declared (inspector, entity) conflicts of interest
    conflicts: frozenset = field(default_factory=frozenset)


def draw(spec: DrawInput) -> dict:
    """The algorithmic part of a draw record: strata, inspectors, conflicts, assignments."""
    if spec.team_size < 2:
        raise Refused("每组至少 2 名执法人员（第十八条）")
    strata, selected = [], []
    for stratum in spec.strata:
        population = _sorted_unique(stratum.population)
        k, chosen = select(population, stratum.ratio, spec.seed)
        selected.extend(chosen)
        strata.append({
            "name": stratum.name, "ratio": format_ratio(stratum.ratio), "population": population, "k": k,
            "selected": [{"id": t.id, "ticket": t.ticket} for t in chosen],
        })
    selected.sort()
    eligible = sorted(set(spec.inspectors))
    if not selected:
        raise Refused("没有符合条件的检查对象（在营且属于本科室监管范围），无法抽取")
    teams, reserve = form_teams(eligible, spec.seed, spec.team_size, len(selected))
    conflicts = relevant_conflicts(spec.conflicts, eligible, [t.id for t in selected])
    return {
        "strata": strata,
        "inspectors": {"eligible": eligible, "team_size": spec.team_size, "teams": teams, "reserve": reserve},
        "conflicts": [{"inspector": i, "entity": e} for i, e in conflicts],
        "assignments": assign([t.id for t in selected], teams, set(conflicts)),
    }


def _sorted_unique(ids: list) -> list:
    """``sorted(set(ids))``, skipping the work when the strata already come sorted (they do)."""
    if all(map(str.__lt__, ids, ids[1:])):
        return list(ids)
    return sorted(set(ids))


def select(population: list, ratio: Decimal | Fraction | str, seed: str) -> tuple:
    """(k, the k smallest tickets of ``population`` in ticket order) with k = ⌈ratio × N⌉."""
    k = sample_size(len(population), ratio)
    return k, (smallest(population, seed, k) if k else [])


def team_count(companies: int, inspectors: int, team_size: int) -> int:
    """T = min(k, ⌊E / t⌋): no more teams than companies, each of ``team_size`` people."""
    return min(companies, inspectors // team_size)


def form_teams(eligible: list, seed: str, team_size: int, companies: int) -> tuple:
    """(teams, reserve): the inspectors in ticket order under ``seed|inspectors``, t at a time; the rest wait."""
    count = team_count(companies, len(eligible), team_size)
    if count == 0:
        raise Refused(
            f"符合条件的执法人员只有 {len(eligible)} 名（在岗、执法证在抽取日有效），不足一组 {team_size} 人（第十八条）"
        )
    ranked = [t.id for t in rank(eligible, inspector_seed(seed))]
    return [ranked[j * team_size:(j + 1) * team_size] for j in range(count)], ranked[count * team_size:]


def relevant_conflicts(conflicts, eligible: list, selected: list) -> list:
    """The declared (inspector, entity) pairs between the inspector pool and the selected companies, sorted."""
    chosen, pool = set(selected), set(eligible)
    return sorted((i, e) for i, e in conflicts if e in chosen and i in pool)


def assign(selected: list, teams: list, conflicts: set) -> list:
    """Company i (in ticket order) goes to team i mod T, or the next team without a conflict (第十七条)."""
    assignments = []
    conflicted = {entity for _, entity in conflicts}
    count = len(teams)
    for i, company in enumerate(selected):
        if company not in conflicted:  # the common case: nobody declared a conflict with this company
            assignments.append({"entity": company, "team": i % count})
            continue
        for step in range(count):
            team = (i + step) % count
            if not any((member, company) in conflicts for member in teams[team]):
                assignments.append({"entity": company, "team": team})
                break
        else:
            raise Refused(f"单位 {company} 与所有检查组都有申报的利害关系，无法分配（第十七条），请增加执法人员或调整组数",
                          company)
    return assignments
