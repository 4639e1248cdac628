"""The pure draw (shuangsuiji.core.draw, SPEC §4): strata take their k smallest tickets, exact sample sizes,
stratum ratios, teams and reserve, conflict- and rotation-aware round-robin, recusal replacements, and the
failed draw. Every expected value is derived independently of the code under test: by hand, from the
``consistent_sampler`` package and its published vectors, or from SPEC §4's ticket formula with hashlib.
Registry order and file splits never change a draw."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import consistent_sampler
import pytest
import yaml

from shuangsuiji.core.draw import (
    DrawInput,
    Drawn,
    Refused,
    Stratum,
    assign,
    draw,
    reserve_size_for,
    select,
    select_strata,
    team_count,
)
from shuangsuiji.core.ratio import format_ratio, percent, stratum_ratios
from shuangsuiji.core.recusal import (
    assignment_order,
    borrowed_ranking,
    current_team,
    replacement_for,
    team_map,
    teams_after,
)
from shuangsuiji.core.words import STRATUM_NAMES
from tests.helpers import REPO

COMPANIES = [f"91410482MA{n:07d}" for n in range(30)] + ["汝州市甲化工有限公司", "𠀋记商行"]
INSPECTORS = ["RZ101", "RZ102", "RZ103", "RZ104", "RZ105", "RZ106", "RZ107"]
SEED = "48213907651238475609"


# ---------------------------------------------------------------------------------------------------
# Independent oracles
# ---------------------------------------------------------------------------------------------------

def order(ids, seed):
    """The package's order: what an outsider computes."""
    return list(consistent_sampler.sampler(sorted(set(ids)), seed=seed, output="id"))


def spec_ticket(item_id: str, seed: str) -> str:
    """SPEC §4's formula, written out from the text: sha256(UTF-8(sha256_hex(UTF-8(seed)) + id)), decimal,
    zero-padded to at least 64 digits, reversed, prefixed by ``0.``."""
    inner = hashlib.sha256(seed.encode("utf-8")).hexdigest()
    value = int(hashlib.sha256((inner + item_id).encode("utf-8")).hexdigest(), 16)
    return "0." + str(value).rjust(64, "0")[::-1]


def merged(ids, seed):
    """All of ``ids`` in (ticket, id) order, tickets from the package."""
    return [i for _, i in sorted((consistent_sampler.first_fraction(i, seed), i) for i in ids)]


def ranked_inspectors(seed, ids=INSPECTORS):
    return order(ids, seed + "|inspectors")


def one_stratum(ratio="1", ids=COMPANIES, name="一般"):
    return [Stratum(name, Decimal(ratio), list(ids))]


def spec(strata=None, inspectors=INSPECTORS, team_size=2, reserve=0, conflicts=(), recent=(), seed=SEED):
    return DrawInput(seed, strata if strata is not None else one_stratum(), list(inspectors), team_size, reserve,
                     frozenset(conflicts), frozenset(recent))


# ---------------------------------------------------------------------------------------------------
# The oracles themselves agree with the package's published vectors (so the checks below mean something)
# ---------------------------------------------------------------------------------------------------

def test_oracles_reproduce_the_published_vectors():
    assert spec_ticket("AB-130", "01382438112797316654") == \
        "0.26299714122838008416507544297546663599715395525154425586041245287750224561854"
    assert order(["ab-1", "ab-2", "cd-1", "ef-3"], "314159") == ["cd-1", "ef-3", "ab-1", "ab-2"]
    for item in COMPANIES + INSPECTORS:
        assert spec_ticket(item, SEED) == consistent_sampler.first_fraction(item, SEED)


# ---------------------------------------------------------------------------------------------------
# Strata and selection: each stratum takes its k smallest tickets
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("ids", "seed", "ratio", "expected"), [
    # consistent_sampler's doctest: sampler(["ab-1", "ab-2", "cd-1", "ef-3"], seed=314159) → cd-1, ef-3, ab-1, ab-2
    (["ab-1", "ab-2", "cd-1", "ef-3"], "314159", "0.25", ["cd-1"]),
    (["ab-1", "ab-2", "cd-1", "ef-3"], "314159", "0.5", ["cd-1", "ef-3"]),
    (["ef-3", "ab-2", "cd-1", "ab-1"], "314159", "0.51", ["cd-1", "ef-3", "ab-1"]),
    (["ab-1", "ab-2", "cd-1", "ef-3"], "314159", "1", ["cd-1", "ef-3", "ab-1", "ab-2"]),
    # make_ticket_heap's doctest (seed "xy()134!g2n"): cat .248…, dog .338…, goat .495…, fish .746…
    (["dog", "cat", "fish", "goat"], "xy()134!g2n", "0.5", ["cat", "dog"]),
    (["dog", "cat", "fish", "goat"], "xy()134!g2n", "0.75", ["cat", "dog", "goat"]),
])
def test_selection_matches_the_published_vectors(ids, seed, ratio, expected):
    k, chosen = select(ids, Decimal(ratio), seed)
    assert k == len(expected)
    assert [t.id for t in chosen] == expected
    drawn = draw(spec([Stratum("一般", Decimal(ratio), ids)], seed=seed))
    assert drawn.selections == [(len(expected), expected)]
    assert drawn.order == expected


def test_each_stratum_takes_its_k_smallest_tickets():
    strata = [
        Stratum("重点", Decimal(1), COMPANIES[:4]),
        Stratum("风险A", Decimal("0.5"), COMPANIES[4:9]),  # ⌈2.5⌉ = 3
        Stratum("一般", Decimal("0.1"), list(reversed(COMPANIES[9:]))),  # 23 companies: ⌈2.3⌉ = 3
        Stratum("问题", Decimal("0.2"), []),  # nobody: k = 0
    ]
    drawn = draw(spec(strata))
    assert [k for k, _ in drawn.selections] == [4, 3, 3, 0]
    for stratum, (k, chosen) in zip(strata, drawn.selections, strict=True):
        assert chosen == order(stratum.population, SEED)[:k]
        # the same with SPEC's own formula: the k smallest tickets compared as strings, ties by id
        by_formula = sorted(stratum.population, key=lambda i: (spec_ticket(i, SEED), i))[:k]
        assert chosen == by_formula
    everything = [i for _, chosen in drawn.selections for i in chosen]
    assert drawn.order == merged(everything, SEED)
    assert sorted(drawn.order) == sorted(everything) and len(set(drawn.order)) == 10


def test_strata_are_drawn_on_their_own_with_the_same_seed():
    # A stratum's selection depends only on its own population and the seed, not on the other strata.
    alone = draw(spec([Stratum("一般", Decimal("0.2"), COMPANIES[10:])]))
    together = draw(spec([Stratum("重点", Decimal(1), COMPANIES[:10]), Stratum("一般", Decimal("0.2"), COMPANIES[10:])]))
    assert together.selections[1] == alone.selections[0]
    assert together.selections[0] == (10, order(COMPANIES[:10], SEED))


def test_select_strata_is_what_draw_uses():
    strata = [Stratum("重点", Decimal(1), COMPANIES[:3]), Stratum("一般", Decimal("0.1"), COMPANIES[3:])]
    selected = select_strata(strata, SEED)
    assert selected[0] == [(3, order(COMPANIES[:3], SEED)), (3, order(COMPANIES[3:], SEED)[:3])]
    assert selected[1] == merged(order(COMPANIES[:3], SEED) + order(COMPANIES[3:], SEED)[:3], SEED)
    assert draw(spec(strata), selected) == draw(spec(strata))


def test_population_order_never_matters():
    shuffled = list(COMPANIES)
    random.Random(7).shuffle(shuffled)
    a = draw(spec(one_stratum("0.3", COMPANIES)))
    b = draw(spec(one_stratum("0.3", shuffled), inspectors=list(reversed(INSPECTORS))))
    assert a == b


@pytest.mark.parametrize(("n", "ratio", "k"), [
    (100, Decimal("0.07"), 7),  # floats: 0.07 * 100 = 7.000000000000001 → 8
    (100, Decimal("0.29"), 29),  # floats: 28.999999999999996
    (10, Decimal("0.3"), 3),  # floats: 3.0000000000000004 → 4
    (31, Decimal("0.1"), 4),
    (30, Decimal("0.1"), 3),
    (3, Decimal("0.01"), 1),  # k ≥ 1 when N ≥ 1
    (32, Decimal("1"), 32),
    (9, Fraction(1, 3), 3),
    (10, Fraction(1, 3), 4),
    (0, Decimal("0.5"), 0),
])
def test_sample_size_rounds_up_exactly(n, ratio, k):
    ids = COMPANIES[:n] if n <= len(COMPANIES) else [f"E{i:04d}" for i in range(n)]
    if n == 0:
        with pytest.raises(Refused, match="没有符合条件的检查对象"):
            draw(spec([Stratum("一般", ratio, ids)]))
        assert select(ids, ratio, SEED) == (0, [])
        return
    drawn = draw(spec([Stratum("一般", ratio, ids)]))
    assert drawn.selections == [(k, order(ids, SEED)[:k])]


@pytest.mark.parametrize(("recorded", "shown"), [
    ("0.1", "10%"), ("0.05", "5%"), ("0.125", "12.5%"), ("1", "100%"), ("0.3", "30%"), ("0.00001", "0.001%"),
    (Decimal("0.2"), "20%"), ("按计划", "按计划"),  # not a ratio: shown as it is
])
def test_a_ratio_is_shown_as_an_exact_percentage(recorded, shown):
    assert percent(recorded) == shown


def test_ratio_given_as_recorded_string():
    assert select(COMPANIES, "0.1", SEED)[0] == 4  # ⌈3.2⌉
    assert [t.id for t in select(COMPANIES, "0.1", SEED)[1]] == order(COMPANIES, SEED)[:4]


def test_seed_changes_the_draw_and_same_input_gives_the_same_draw():
    assert draw(spec(one_stratum("0.2"))) == draw(spec(one_stratum("0.2")))
    other = draw(spec(one_stratum("0.2"), seed=SEED + "0"))
    assert other.selections != draw(spec(one_stratum("0.2"))).selections
    assert other.selections[0][1] == order(COMPANIES, SEED + "0")[:7]


def test_no_companies_refused():
    with pytest.raises(Refused, match="没有符合条件的检查对象"):
        draw(spec([Stratum("一般", Decimal("0.1"), []), Stratum("重点", Decimal(1), [])]))


# ---------------------------------------------------------------------------------------------------
# Stratum ratios (SPEC §4): the floor raises the base, then the multiplier; never below the largest 风险
# ---------------------------------------------------------------------------------------------------

D = Decimal
ERGU_RISKS = {"A": D("0.1"), "B": D("0.08"), "C": D("0.05"), "D": D("0.03")}  # the example's 二股 item


def test_floor_then_multiplier_gives_blacklist_twice_the_floor():
    # --ratio 0.1 on 二股 (item ratio 0.05, ×2): b = max(0.05, 0.1) = 0.1, so 黑名单 = 2 × 0.1 = 0.2 — never the
    # 一般 ratio 0.1, and never 2 × 0.05 = 0.1 (multiplier applied before the floor).
    ratios = stratum_ratios(D("0.05"), ERGU_RISKS, D("2"), D("0.1"))
    assert ratios == {
        "重点": D(1), "黑名单": D("0.2"), "问题": D("0.2"),
        "风险A": D("0.1"), "风险B": D("0.1"), "风险C": D("0.1"), "风险D": D("0.1"), "一般": D("0.1"),
    }
    assert format_ratio(ratios["黑名单"]) == "0.2"


@pytest.mark.parametrize(("item", "risks", "m", "floor", "expected"), [
    # no floor: the plan as written; 黑名单 = 2 × 0.05 = 0.1, equal to the largest 风险 (0.1)
    (D("0.05"), ERGU_RISKS, D("2"), None,
     {"重点": D(1), "黑名单": D("0.1"), "问题": D("0.1"), "风险A": D("0.1"), "风险B": D("0.08"),
      "风险C": D("0.05"), "风险D": D("0.03"), "一般": D("0.05")}),
    # the floor never lowers a plan ratio: 0.02 < every plan ratio
    (D("0.05"), ERGU_RISKS, D("2"), D("0.02"),
     {"重点": D(1), "黑名单": D("0.1"), "问题": D("0.1"), "风险A": D("0.1"), "风险B": D("0.08"),
      "风险C": D("0.05"), "风险D": D("0.03"), "一般": D("0.05")}),
    # the floor raises only the 风险 ratios below it: A 0.4 and B 0.2 stay, C and D rise to 0.15; 4 × 0.15 = 0.6
    (D("0.1"), {"A": D("0.4"), "B": D("0.2"), "C": D("0.1"), "D": D("0.05")}, D("4"), D("0.15"),
     {"重点": D(1), "黑名单": D("0.6"), "问题": D("0.6"), "风险A": D("0.4"), "风险B": D("0.2"),
      "风险C": D("0.15"), "风险D": D("0.15"), "一般": D("0.15")}),
    # never less than the largest 风险 ratio: 1.5 × 0.1 = 0.15 < 风险A 0.5
    (D("0.1"), {"A": D("0.5"), "B": D("0.2"), "C": D("0.1"), "D": D("0.1")}, D("1.5"), None,
     {"重点": D(1), "黑名单": D("0.5"), "问题": D("0.5"), "风险A": D("0.5"), "风险B": D("0.2"),
      "风险C": D("0.1"), "风险D": D("0.1"), "一般": D("0.1")}),
    # capped at 1: 4 × 0.3 = 1.2 → 1
    (D("0.3"), {"A": D("1"), "B": D("0.5"), "C": D("0.3"), "D": D("0.2")}, D("4"), None,
     {"重点": D(1), "黑名单": D(1), "问题": D(1), "风险A": D(1), "风险B": D("0.5"),
      "风险C": D("0.3"), "风险D": D("0.2"), "一般": D("0.3")}),
    # a floor of 1 makes everything 1
    (D("0.05"), ERGU_RISKS, D("2"), D("1"), dict.fromkeys(STRATUM_NAMES, D(1))),
    # exact decimals: 3 × 0.1 is 0.3, not 0.30000000000000004
    (D("0.1"), {"A": D("0.1"), "B": D("0.1"), "C": D("0.1"), "D": D("0.1")}, D("3"), None,
     {"重点": D(1), "黑名单": D("0.3"), "问题": D("0.3"), "风险A": D("0.1"), "风险B": D("0.1"),
      "风险C": D("0.1"), "风险D": D("0.1"), "一般": D("0.1")}),
])
def test_stratum_ratios(item, risks, m, floor, expected):
    ratios = stratum_ratios(item, risks, m, floor)
    assert ratios == expected
    assert set(ratios) == set(STRATUM_NAMES)
    assert all(isinstance(r, Decimal) for r in ratios.values())
    assert all("E" not in format_ratio(r) for r in ratios.values())


def test_stratum_ratios_of_the_example_plan_reach_the_draw(tmp_path):
    """The example's 二股 plan item with --ratio 0.1: its blacklisted company is drawn at 0.2 (SPEC §4)."""
    from shuangsuiji.registry.eligibility import draw_population
    from shuangsuiji.registry.loading import load_bureau
    from shuangsuiji.registry.lookup import resolve_section
    from shuangsuiji.workspace import Workspace

    data = load_bureau(Workspace(_example_copy(tmp_path)))
    section = resolve_section(data.sections, "二股")
    item = next(i for i, _ in data.plans[2026].all_items() if i.id == "2026-ergu-01")
    strata, _ = draw_population(data, section, item, Decimal("0.1"), dt.date(2026, 12, 1))
    ratios = {s.name: s.ratio for s in strata}
    assert ratios["黑名单"] == ratios["问题"] == Decimal("0.2")
    assert ratios["一般"] == Decimal("0.1") and ratios["重点"] == Decimal(1)
    assert [s.name for s in strata] == list(STRATUM_NAMES)


# ---------------------------------------------------------------------------------------------------
# Teams and reserve: R = min(R_plan, max(0, E − t)), T = min(k, ⌊(E − R)/t⌋)
# ---------------------------------------------------------------------------------------------------

# (E, t, R_plan, k) → (R, T), every value worked out by hand from SPEC §4
TEAM_TABLE = [
    (7, 2, 1, 32, 1, 3),  # ⌊6/2⌋ = 3, one spare besides the reserve
    (7, 2, 1, 2, 1, 2),  # k = 2 limits T
    (7, 2, 1, 1, 1, 1),
    (7, 2, 0, 32, 0, 3),
    (7, 3, 1, 32, 1, 2),  # ⌊6/3⌋ = 2
    (7, 7, 1, 32, 0, 1),  # E − t = 0: no reserve, so the section still forms one team
    (2, 2, 1, 5, 0, 1),
    (3, 2, 1, 5, 1, 1),
    (4, 2, 1, 5, 1, 1),  # ⌊3/2⌋ = 1
    (5, 2, 1, 5, 1, 2),
    (6, 2, 3, 5, 3, 1),  # min(3, 4) = 3, ⌊3/2⌋ = 1
    (8, 2, 5, 5, 5, 1),  # min(5, 6) = 5, ⌊3/2⌋ = 1
    (8, 2, 9, 5, 6, 1),  # min(9, 6) = 6
    (6, 2, 0, 9, 0, 3),
]


@pytest.mark.parametrize(("e", "t", "r_plan", "k", "r", "teams"), TEAM_TABLE)
def test_reserve_and_team_count(e, t, r_plan, k, r, teams):
    assert reserve_size_for(e, t, r_plan) == r
    assert team_count(k, e, t, r) == teams


@pytest.mark.parametrize(("e", "t", "r_plan", "k", "r", "teams"), TEAM_TABLE)
def test_teams_are_consecutive_runs_in_ticket_order_and_the_rest_is_the_reserve(e, t, r_plan, k, r, teams):
    pool = [f"RZ{200 + n}" for n in range(e)]
    companies = COMPANIES[:k] if k <= len(COMPANIES) else [f"E{n}" for n in range(k)]
    drawn = draw(spec(one_stratum("1", companies), inspectors=list(reversed(pool)), team_size=t, reserve=r_plan))
    ranked = order(pool, SEED + "|inspectors")
    assert drawn.eligible == sorted(pool)
    assert drawn.team_size == t and drawn.reserve_size == r
    assert drawn.teams == [ranked[j * t:(j + 1) * t] for j in range(teams)]
    assert drawn.reserve == ranked[teams * t:]
    assert len(drawn.reserve) >= r
    assert drawn.assignments == [i % teams for i in range(k)]


def test_inspector_ranking_uses_the_inspector_seed_not_the_company_seed():
    drawn = draw(spec(team_size=7))
    assert drawn.teams == [ranked_inspectors(SEED)]
    assert ranked_inspectors(SEED) != order(INSPECTORS, SEED)  # the suffix matters for this seed


def test_duplicate_inspectors_count_once():
    drawn = draw(spec(inspectors=INSPECTORS[:2] * 3))
    assert drawn.eligible == INSPECTORS[:2]
    assert drawn.teams == [order(INSPECTORS[:2], SEED + "|inspectors")] and drawn.reserve == []


@pytest.mark.parametrize("size", [1, 0, -2])
def test_team_size_below_two_refused(size):
    with pytest.raises(Refused, match="每组至少 2 名执法人员（第十八条）"):
        draw(spec(team_size=size))


@pytest.mark.parametrize(("pool", "size", "shown"), [
    ([], 2, "只有 0 名"), (["RZ101"], 2, "只有 1 名"), (["RZ101", "RZ101"], 2, "只有 1 名"), (INSPECTORS[:3], 4, "只有 3 名"),
])
def test_no_team_possible_refused(pool, size, shown):
    with pytest.raises(Refused) as info:
        draw(spec(inspectors=pool, team_size=size, reserve=1))
    assert shown in str(info.value) and f"不足一组 {size} 人" in str(info.value)
    assert info.value.partial is None  # no seed-dependent failure: nothing to record as a failed draw


# ---------------------------------------------------------------------------------------------------
# Assignment: round-robin, skipping teams with a declared conflict
# ---------------------------------------------------------------------------------------------------

def test_assign_by_hand():
    teams = [["a", "b"], ["c", "d"], ["e", "f"]]
    order_ = ["X0", "X1", "X2", "X3", "X4"]
    assert assign(order_, teams, set()) == ([0, 1, 2, 0, 1], [])
    # X0: team 0 conflicted → 1; X2: teams 2 and 0 conflicted → 1; X4: team 1 → 2; the others keep i mod T
    conflicts = {("b", "X0"), ("e", "X2"), ("a", "X2"), ("d", "X4")}
    assert assign(order_, teams, conflicts) == ([1, 1, 1, 0, 2], [])
    # a conflict of someone in no team changes nothing
    assert assign(order_, teams, {("z", "X0")}) == ([0, 1, 2, 0, 1], [])


def test_round_robin_skips_a_conflicted_team():
    plain = draw(spec())
    teams = plain.teams
    assert len(teams) == 3 and plain.assignments == [i % 3 for i in range(32)]
    first, second, third = plain.order[:3]
    conflicts = {
        (teams[0][1], first),  # company 0: team 0 conflicted → team 1
        (teams[2][0], third), (teams[0][0], third),  # company 2: teams 2 and 0 conflicted → team 1
        ("RZ999", second),  # not an eligible inspector: ignored, not recorded
    }
    drawn = draw(spec(conflicts=conflicts))
    assert drawn.assignments[:4] == [1, 1, 1, 0]
    assert drawn.assignments[3:] == [i % 3 for i in range(3, 32)]
    assert drawn.conflicts == sorted([(teams[0][1], first), (teams[2][0], third), (teams[0][0], third)])
    assert drawn.rotation_ignored == []


def test_only_conflicts_with_selected_companies_are_recorded_and_reserve_ones_are_kept():
    plain = draw(spec(one_stratum("0.05")))  # k = 2, T = 2, reserve of 3
    assert len(plain.teams) == 2 and len(plain.reserve) == 3
    entity = plain.order[0]
    unselected = next(c for c in COMPANIES if c not in plain.order)
    drawn = draw(spec(one_stratum("0.05"), conflicts={(plain.reserve[0], entity), (plain.teams[0][0], unselected)}))
    assert drawn.conflicts == [(plain.reserve[0], entity)]  # kept for a later recusal
    assert drawn.assignments == plain.assignments  # a reserve conflict does not move anyone


def test_every_team_conflicting_fails_with_the_partial_draw():
    plain = draw(spec())
    victim = plain.order[5]
    conflicts = {(team[0], victim) for team in plain.teams}
    with pytest.raises(Refused) as info:
        draw(spec(conflicts=conflicts))
    refusal = info.value
    assert refusal.entity == victim
    assert victim in str(refusal) and "所有检查组都有申报的利害关系" in str(refusal) and "第十七条" in str(refusal)
    partial = refusal.partial
    assert isinstance(partial, Drawn)
    assert partial.selections == plain.selections and partial.order == plain.order
    assert partial.teams == plain.teams and partial.reserve == plain.reserve
    assert partial.conflicts == sorted(conflicts)
    assert partial.assignments == []


def test_conflicts_alone_fail_even_when_rotation_would_be_ignored():
    # Rotation pairs can be ignored, conflicts cannot: recent on team 0, conflicts on teams 1 and 2 → still
    # one free team (0) once rotation is ignored; with a conflict on team 0 as well, the draw fails.
    plain = draw(spec())
    victim = plain.order[0]
    t0, t1, t2 = plain.teams
    ok = draw(spec(conflicts={(t1[0], victim), (t2[1], victim)}, recent={(t0[0], victim)}))
    assert ok.assignments[0] == 0 and ok.rotation_ignored == [victim]
    with pytest.raises(Refused) as info:
        draw(spec(conflicts={(t0[1], victim), (t1[0], victim), (t2[1], victim)}, recent={(t0[0], victim)}))
    assert info.value.entity == victim and info.value.partial is not None


# ---------------------------------------------------------------------------------------------------
# Rotation: a team with a member who inspected the company within 365 days is passed over if possible
# ---------------------------------------------------------------------------------------------------

def test_rotation_passes_over_a_team_that_saw_the_company():
    plain = draw(spec())
    t0, t1, t2 = plain.teams
    c0, c1 = plain.order[0], plain.order[1]
    drawn = draw(spec(recent={(t0[1], c0), (t1[0], c1)}))
    assert drawn.assignments[:3] == [1, 2, 2]  # c0: team 0 saw it → 1; c1: team 1 saw it → 2
    assert drawn.assignments[3:] == plain.assignments[3:]
    assert drawn.recent == sorted([(t0[1], c0), (t1[0], c1)])
    assert drawn.rotation_ignored == []


def test_rotation_and_conflicts_block_together():
    plain = draw(spec())
    t0, t1, _ = plain.teams
    c0 = plain.order[0]
    drawn = draw(spec(conflicts={(t0[0], c0)}, recent={(t1[1], c0)}))
    assert drawn.assignments[0] == 2


def test_rotation_ignored_when_every_team_saw_the_company():
    plain = draw(spec())
    t0, t1, t2 = plain.teams
    c4 = plain.order[4]  # i = 4 → team 1 by the plain rule
    drawn = draw(spec(recent={(t0[0], c4), (t1[1], c4), (t2[0], c4)}))
    assert drawn.assignments[4] == 1  # the plain rule: the first team free of conflicts from i mod T
    assert drawn.rotation_ignored == [c4]
    # with a conflict on team 1 too, rotation is ignored and the conflict still moves it on
    drawn = draw(spec(conflicts={(t1[0], c4)}, recent={(t0[0], c4), (t1[1], c4), (t2[0], c4)}))
    assert drawn.assignments[4] == 2 and drawn.rotation_ignored == [c4]


def test_rotation_pairs_outside_the_teams_and_selection_are_not_recorded():
    plain = draw(spec(one_stratum("0.05")))  # reserve of 3
    c0 = plain.order[0]
    unselected = next(c for c in COMPANIES if c not in plain.order)
    drawn = draw(spec(one_stratum("0.05"), recent={(plain.reserve[0], c0), (plain.teams[0][0], unselected), ("RZ999", c0)}))
    assert drawn.recent == []
    assert drawn.assignments == plain.assignments


# ---------------------------------------------------------------------------------------------------
# Recusal (第十七条): replacement from the reserve, or from another section
# ---------------------------------------------------------------------------------------------------

def as_record(drawn: Drawn, seed=SEED) -> dict:
    """The parts of a draw record that recusal reads (SPEC §5 shape)."""
    return {
        "seed": seed,
        "strata": [{"selected": chosen} for _, chosen in drawn.selections],
        "inspectors": {"teams": drawn.teams, "reserve": drawn.reserve},
        "assignments": drawn.assignments,
        "conflicts": [{"inspector": i, "entity": e} for i, e in drawn.conflicts],
    }


def small_record(conflicts=()):
    # 2 companies, 7 inspectors, teams of 2: T = 2, reserve of 3
    return as_record(draw(spec(one_stratum("0.05"), conflicts=conflicts, reserve=1)))


def recuse(record, entity, inspector, earlier=(), borrowed=None):
    replacement = replacement_for(record, entity, inspector, list(earlier), borrowed)
    return {"entity": entity, "inspector": inspector, "replacement": replacement}


def test_team_map_follows_the_merged_ticket_order():
    drawn = draw(spec([Stratum("重点", Decimal(1), COMPANIES[:3]), Stratum("一般", Decimal("0.1"), COMPANIES[3:])]))
    record = as_record(drawn)
    everything = [i for _, chosen in drawn.selections for i in chosen]
    assert assignment_order(record) == merged(everything, SEED)
    assert team_map(record) == {e: i % 3 for i, e in enumerate(merged(everything, SEED))}


def test_replacement_is_the_first_reserve_inspector_in_ticket_order():
    record = small_record()
    ranked = ranked_inspectors(SEED)
    assert record["inspectors"]["teams"] == [ranked[0:2], ranked[2:4]] and record["inspectors"]["reserve"] == ranked[4:]
    entity = assignment_order(record)[0]
    team = ranked[0:2]
    r0, r1, r2 = ranked[4:]
    assert current_team(record, entity, []) == team
    first = recuse(record, entity, team[0])
    assert first["replacement"] == r0
    assert current_team(record, entity, [first]) == [r0, team[1]]
    second = recuse(record, entity, team[1], [first])
    assert second["replacement"] == r1  # r0 is in the team as it stands
    assert current_team(record, entity, [first, second]) == [r0, r1]
    third = recuse(record, entity, r0, [first, second])
    assert third["replacement"] == r2
    assert replacement_for(record, entity, r1, [first, second, third]) is None  # nobody left
    assert teams_after(record, [first, second, third])[entity] == [r2, r1]


def test_reserve_inspector_with_a_conflict_is_skipped():
    plain = small_record()
    entity = assignment_order(plain)[0]
    r0, r1, _ = plain["inspectors"]["reserve"]
    record = small_record({(r0, entity)})
    assert record["conflicts"] == [{"inspector": r0, "entity": entity}]
    team = current_team(record, entity, [])
    assert recuse(record, entity, team[1])["replacement"] == r1


def test_reserve_inspector_may_replace_in_several_teams():
    record = small_record()
    a, b = assignment_order(record)
    teams = record["inspectors"]["teams"]
    r0 = record["inspectors"]["reserve"][0]
    first = recuse(record, a, teams[0][0])
    other = recuse(record, b, teams[1][0], [first])
    assert first["replacement"] == other["replacement"] == r0
    assert current_team(record, b, [first]) == teams[1]  # a recusal for another company changes nothing here


def test_recusal_of_someone_not_in_the_team_refused():
    record = small_record()
    entity = assignment_order(record)[0]
    other = record["inspectors"]["teams"][1][0]
    with pytest.raises(Refused, match=f"{other} 不在单位 {entity} 的检查组中"):
        replacement_for(record, entity, other, [])


def test_recusal_for_a_company_not_drawn_refused():
    with pytest.raises(Refused, match="不在这次抽取的结果中"):
        current_team(small_record(), "91410482MA9999999X", [])


def test_replacement_from_another_section():
    record = small_record()
    entity = assignment_order(record)[0]
    team = record["inspectors"]["teams"][0]
    pool = ["RZ005", "RZ006", "RZ007", "RZ008"]
    expected = order(pool, SEED + "|inspectors|ergu")
    assert borrowed_ranking(list(reversed(pool)) + pool[:1], SEED, "ergu") == expected
    borrowed = {"section": "ergu", "pool": pool, "conflicts": [{"inspector": expected[0], "entity": entity}]}
    assert recuse(record, entity, team[0], borrowed=borrowed)["replacement"] == expected[1]
    assert recuse(record, entity, team[0], borrowed={**borrowed, "conflicts": []})["replacement"] == expected[0]
    # the draw's own recorded conflicts count as well
    own = {**record, "conflicts": [{"inspector": expected[0], "entity": entity}]}
    assert replacement_for(own, entity, team[0], [], {**borrowed, "conflicts": []}) == expected[1]


# ---------------------------------------------------------------------------------------------------
# Registry order and file splits never change a draw (SPEC §4 Ids)
# ---------------------------------------------------------------------------------------------------

def _example_copy(root: Path) -> Path:
    shutil.copytree(REPO / "data", root / "data", ignore=shutil.ignore_patterns("ledger", "reports", "evidence"))
    shutil.copytree(REPO / "plans", root / "plans")
    return root


def _strata(data, day=dt.date(2026, 12, 1), ratio=Decimal("0.1")):
    from shuangsuiji.registry.eligibility import draw_population
    from shuangsuiji.registry.lookup import resolve_section

    section = resolve_section(data.sections, "二股")
    item = next(i for i, _ in data.plans[day.year].all_items() if i.id == f"{day.year}-ergu-01")
    return draw_population(data, section, item, ratio, day)


def _drawn(data):
    from shuangsuiji.registry.eligibility import declared_conflicts

    strata, pool = _strata(data)
    return draw(DrawInput(SEED, strata, pool, 2, 1, declared_conflicts(data)))


def test_shuffled_and_split_registry_give_the_same_draw(tmp_path):
    from shuangsuiji.registry.loading import load_bureau
    from shuangsuiji.workspace import Workspace

    root = _example_copy(tmp_path / "原样")
    data = load_bureau(Workspace(root))
    baseline = _drawn(data)
    assert sum(k for k, _ in baseline.selections) > 0
    for round_ in range(2):
        random.Random(round_).shuffle(data.entities)
        random.Random(round_).shuffle(data.inspectors)
        assert _drawn(data) == baseline

    # 危险化学品.yaml split into two files, each reversed, one all-digit id unquoted (YAML reads a number)
    other = _example_copy(tmp_path / "拆分")
    path = other / "data/entities/危险化学品.yaml"
    entities = yaml.safe_load(path.read_text(encoding="utf-8"))["entities"]
    digits = next(e["id"] for e in entities if str(e["id"]).isdigit())
    half = len(entities) // 2
    path.unlink()
    for name, part in (("危险化学品-甲.yaml", entities[:half]), ("乙/危险化学品-乙.yaml", entities[half:])):
        target = other / "data/entities" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump({"entities": list(reversed(part))}, allow_unicode=True, sort_keys=False)
        target.write_text(text.replace(f"'{digits}'", digits), encoding="utf-8")
    written = "".join(p.read_text(encoding="utf-8") for p in (other / "data/entities").rglob("危险化学品-*.yaml"))
    assert f"id: {digits}\n" in written
    split = load_bureau(Workspace(other))
    assert _drawn(split) == baseline
    assert [(s.name, s.ratio, sorted(s.population)) for s in _strata(split)[0]] == \
        [(s.name, s.ratio, sorted(s.population)) for s in _strata(data)[0]]
