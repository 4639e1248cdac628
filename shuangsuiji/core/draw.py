"""One draw, pure (SPEC §4): strata and seed in; selected companies, teams, reserve and assignments out.

ssj makes every draw with :func:`draw`, and both verifiers re-derive every recorded draw with the same
functions (:func:`select`, :func:`form_teams`, :func:`assign`): there is one implementation of the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from shuangsuiji.core.ratio import sample_size
from shuangsuiji.core.tickets import inspector_seed, rank, smallest

MIN_TEAM_SIZE = 2


class Refused(ValueError):
    """A draw or recusal the public rules do not allow (the message says why, in Chinese)."""

    def __init__(self, message: str, entity: str | None = None) -> None:
        super().__init__(message)
        #: the company the refusal is about, when it is about one (a company every team conflicts with)
        self.entity = entity
        #: when the seed made the draw fail (every team conflicts with a company): the draw as far as it got,
        #: to be recorded as a failed attempt
        self.partial: Drawn | None = None


@dataclass(frozen=True)
class Stratum:
    """A named part of the eligible population (after the rest rule), drawn at its own ratio."""

    name: str
    ratio: Decimal
    population: list


@dataclass(frozen=True)
class DrawInput:
    """Everything the algorithm needs; nothing else may influence a draw."""

    seed: str
    strata: list
    inspectors: list
    team_size: int = MIN_TEAM_SIZE
    #: R: inspectors kept out of the teams so that a recusal can be replaced (when the section has enough)
    reserve: int = 0
    #: declared (inspector, entity) conflicts of interest
    conflicts: frozenset = field(default_factory=frozenset)
    #: (inspector, entity): the inspector inspected the company within the rotation period
    recent: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class Drawn:
    """The outcome: each stratum's selection, the teams, and where each selected company goes."""

    #: per stratum, (k, selected ids in ticket order)
    selections: list
    #: every selected id, strata merged in (ticket, id) order: the order of ``assignments``
    order: list
    eligible: list
    team_size: int
    reserve_size: int
    teams: list
    reserve: list
    #: the declared conflicts between the pool and the selected companies, sorted
    conflicts: list
    #: the rotation pairs between team members and selected companies, sorted
    recent: list
    #: team index per company of ``order``
    assignments: list
    #: companies assigned by the plain rule because every team had inspected them recently
    rotation_ignored: list


def select_strata(strata: list, seed: str) -> tuple:
    """(per stratum (k, selected ids in ticket order), every selected id in merged (ticket, id) order)."""
    selections, merged = [], []
    for stratum in strata:
        k, chosen = select(stratum.population, stratum.ratio, seed)
        selections.append((k, [t.id for t in chosen]))
        merged.extend(chosen)
    return selections, [t.id for t in sorted(merged)]


def draw(spec: DrawInput, selected: tuple | None = None) -> Drawn:
    """Select, form teams and assign (SPEC §4); raises :class:`Refused` when the draw cannot be made.

    ``selected`` is :func:`select_strata`'s result when the caller needed it first (to look up rotation).
    """
    if spec.team_size < MIN_TEAM_SIZE:
        raise Refused(f"每组至少 {MIN_TEAM_SIZE} 名执法人员（第十八条）")
    selections, order = selected if selected is not None else select_strata(spec.strata, spec.seed)
    if not order:
        raise Refused("没有符合条件的检查对象（在营且属于本科室监管范围），无法抽取")
    eligible = sorted(set(spec.inspectors))
    reserve_size = reserve_size_for(len(eligible), spec.team_size, spec.reserve)
    teams, reserve = form_teams(eligible, spec.seed, spec.team_size, len(order), reserve_size)
    conflicts = relevant_pairs(spec.conflicts, eligible, order)
    members = [member for team in teams for member in team]
    recent = relevant_pairs(spec.recent, members, order)
    drawn = Drawn(selections, order, eligible, spec.team_size, reserve_size, teams, reserve, conflicts, recent, [], [])
    try:
        assignments, ignored = assign(order, teams, set(conflicts), set(recent))
    except Refused as refusal:
        refusal.partial = drawn
        raise
    return Drawn(selections, order, eligible, spec.team_size, reserve_size, teams, reserve, conflicts, recent,
                 assignments, ignored)


def select(population: list, ratio: Decimal | Fraction | str, seed: str) -> tuple:
    """(k, the k smallest tickets of ``population`` in ticket order) with k = ⌈ratio × N⌉."""
    k = sample_size(len(population), ratio)
    return k, (smallest(population, seed, k) if k else [])


def reserve_size_for(eligible: int, team_size: int, planned: int) -> int:
    """R = min(planned, max(0, E − t)): the reserve never leaves the section without one team."""
    return min(planned, max(0, eligible - team_size))


def team_count(companies: int, inspectors: int, team_size: int, reserve: int = 0) -> int:
    """T = min(k, ⌊(E − R) / t⌋): no more teams than companies, each of ``team_size`` people."""
    return min(companies, (inspectors - reserve) // team_size)


def team_members(inspectors: list, seed: str, team_size: int, companies: int, reserve: int) -> list:
    """Every member of the teams :func:`draw` forms, in team order: whom rotation must look up (teams do not
    depend on rotation, only the assignment does). ``reserve`` is the planned R; raises :class:`Refused` as
    :func:`draw` does when no team can be formed."""
    eligible = sorted(set(inspectors))
    teams, _ = form_teams(eligible, seed, team_size, companies, reserve_size_for(len(eligible), team_size, reserve))
    return [member for team in teams for member in team]


def form_teams(eligible: list, seed: str, team_size: int, companies: int, reserve: int = 0) -> tuple:
    """(teams, reserve): the inspectors in ticket order under ``seed|inspectors``, t at a time; the rest wait."""
    count = team_count(companies, len(eligible), team_size, reserve)
    if count <= 0:
        raise Refused(
            f"符合条件的执法人员只有 {len(eligible)} 名（在岗、执法证在抽取日有效），不足一组 {team_size} 人（第十八条）"
        )
    ranked = [t.id for t in rank(eligible, inspector_seed(seed))]
    return [ranked[j * team_size:(j + 1) * team_size] for j in range(count)], ranked[count * team_size:]


def relevant_pairs(pairs, inspectors: list, entities: list) -> list:
    """The (inspector, entity) pairs between ``inspectors`` and ``entities``, sorted, each once."""
    chosen, pool = set(entities), set(inspectors)
    return sorted({(i, e) for i, e in pairs if e in chosen and i in pool})


def assign(order: list, teams: list, conflicts: set, recent: set | frozenset = frozenset()) -> tuple:
    """(team per company, companies assigned ignoring rotation), SPEC §4 and 第十七条.

    Company i goes to team i mod T, or to the next team none of whose members declared a conflict with it or
    inspected it recently (i+1, i+2 … mod T). When rotation alone blocks every team it is ignored for that
    company; when conflicts alone do, the draw cannot be made.
    """
    blocked = {entity for _, entity in conflicts} | {entity for _, entity in recent}
    either = conflicts | recent  # once, not per blocked company: ``recent`` holds a year of inspections
    count = len(teams)
    assignments, ignored = [], []
    for i, company in enumerate(order):
        if company not in blocked:  # the common case: nobody declared a conflict with it or saw it lately
            assignments.append(i % count)
            continue
        team = _first_free(i, company, teams, either)
        if team is None:
            team = _first_free(i, company, teams, conflicts)
            if team is None:
                raise Refused(
                    f"单位 {company} 与所有检查组都有申报的利害关系，无法分配（第十七条），请增加执法人员或调整组数", company)
            ignored.append(company)
        assignments.append(team)
    return assignments, sorted(ignored)


def _first_free(i: int, company: str, teams: list, blocking: set):
    count = len(teams)
    for step in range(count):
        team = (i + step) % count
        if not any((member, company) in blocking for member in teams[team]):
            return team
    return None

