"""The pure draw (shuangsuiji.draw): strata, teams, round-robin with conflicts, recusal replacements;
registry order and file splits never change a draw; the stand-alone verifier accepts what the tool writes."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from decimal import Decimal
from math import ceil
from pathlib import Path

import consistent_sampler
import pytest
import yaml

from shuangsuiji.core.draw import DrawInput, Refused, Stratum, draw
from shuangsuiji.core.recusal import current_team, replacement_for
from shuangsuiji.publish.verifier import verify as kit
from shuangsuiji.registry.eligibility import declared_conflicts, draw_population
from shuangsuiji.registry.loading import load_bureau
from shuangsuiji.registry.lookup import resolve_section
from shuangsuiji.workspace import Workspace
from tests.helpers import REPO

COMPANIES = [f"91410482MA{n:07d}" for n in range(30)] + ["汝州市甲化工有限公司", "𠀋记商行"]
INSPECTORS = ["RZ101", "RZ102", "RZ103", "RZ104", "RZ105", "RZ106", "RZ107"]
SEED = "48213907651238475609"
#: The record types of the example's bureau ledger, which every test bureau starts from (its plan approvals).
EXAMPLE_BUREAU_KINDS = [json.loads(line)["type"]
                        for line in (REPO / "data/ledger/bureau.jsonl").read_text(encoding="utf-8").splitlines()]


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader keeps the suite fast
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)



def load_yaml(text: str):
    return yaml.load(text, Loader=LOADER)


def dump_yaml(content, **options) -> str:
    return yaml.dump(content, Dumper=DUMPER, **options)


def order(ids, seed):
    """The package's order: what an outsider computes."""
    return list(consistent_sampler.sampler(sorted(set(ids)), seed=seed, output="id"))


def ranked_inspectors(seed, ids=INSPECTORS):
    return order(ids, seed + "|inspectors")


def one_stratum(ratio="1", ids=COMPANIES, name="一般"):
    return [Stratum(name, Decimal(ratio), list(ids))]


def merged_selection(result):
    picks = [(sel["ticket"], sel["id"]) for s in result["strata"] for sel in s["selected"]]
    return [i for _, i in sorted(picks)]


# ---------------------------------------------------------------------------------------------------
# Strata and selection
# ---------------------------------------------------------------------------------------------------

def test_each_stratum_takes_its_k_smallest_tickets():
    strata = [
        Stratum("重点", Decimal(1), COMPANIES[:4]),
        Stratum("风险A", Decimal("0.5"), COMPANIES[4:9]),
        Stratum("一般", Decimal("0.1"), list(reversed(COMPANIES[9:]))),
        Stratum("问题", Decimal("0.2"), []),
    ]
    result = draw(DrawInput(SEED, strata, INSPECTORS))
    got = {s["name"]: s for s in result["strata"]}
    assert [s["name"] for s in result["strata"]] == ["重点", "风险A", "一般", "问题"]
    assert got["重点"]["k"] == 4 and got["风险A"]["k"] == 3 and got["一般"]["k"] == 3 and got["问题"]["k"] == 0
    assert got["问题"] == {"name": "问题", "ratio": "0.2", "population": [], "k": 0, "selected": []}
    assert got["一般"]["population"] == sorted(COMPANIES[9:])
    assert got["风险A"]["ratio"] == "0.5"
    for s in result["strata"]:
        assert [sel["id"] for sel in s["selected"]] == order(s["population"], SEED)[: s["k"]]
        assert all(sel["ticket"] == consistent_sampler.first_fraction(sel["id"], SEED) for sel in s["selected"])
    assert [a["entity"] for a in result["assignments"]] == merged_selection(result)


def test_duplicate_ids_are_one_company_and_one_inspector():
    result = draw(DrawInput(SEED, one_stratum("1", COMPANIES[:3] * 2), INSPECTORS[:2] * 3))
    assert result["strata"][0]["population"] == sorted(COMPANIES[:3])
    assert result["strata"][0]["k"] == 3
    assert result["inspectors"]["eligible"] == INSPECTORS[:2]
    assert len(result["inspectors"]["teams"]) == 1


# ---------------------------------------------------------------------------------------------------
# Teams: T = min(k, ⌊E/t⌋), consecutive runs in ticket order, the rest is the reserve
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("ratio", "team_size", "teams"), [
    ("1", 2, 3),  # k = 32, ⌊7/2⌋ = 3
    ("0.05", 2, 2),  # k = 2 limits T
    ("0.01", 2, 1),  # k = 1
    ("1", 3, 2),  # ⌊7/3⌋ = 2
    ("1", 7, 1),
])
def test_teams_and_reserve(ratio, team_size, teams):
    result = draw(DrawInput(SEED, one_stratum(ratio), list(reversed(INSPECTORS)), team_size))
    k = ceil(Decimal(ratio) * len(COMPANIES))
    assert result["strata"][0]["k"] == k
    assert teams == min(k, len(INSPECTORS) // team_size)
    ranked = ranked_inspectors(SEED)
    assert result["inspectors"] == {
        "eligible": sorted(INSPECTORS),
        "team_size": team_size,
        "teams": [ranked[j * team_size:(j + 1) * team_size] for j in range(teams)],
        "reserve": ranked[teams * team_size:],
    }
    assert [a["team"] for a in result["assignments"]] == [i % teams for i in range(k)]


def test_inspector_ranking_uses_the_inspector_seed_not_the_company_seed():
    result = draw(DrawInput(SEED, one_stratum(), INSPECTORS, 7))
    assert result["inspectors"]["teams"] == [ranked_inspectors(SEED)]
    assert ranked_inspectors(SEED) != order(INSPECTORS, SEED)  # the suffix matters for this seed


def test_round_robin_skips_a_conflicted_team():
    plain = draw(DrawInput(SEED, one_stratum(), INSPECTORS))
    teams = plain["inspectors"]["teams"]
    first, second, third = (a["entity"] for a in plain["assignments"][:3])
    conflicts = frozenset({
        (teams[0][1], first),  # company 0: team 0 conflicted → team 1
        (teams[2][0], third), (teams[0][0], third),  # company 2: teams 2 and 0 conflicted → team 1
        ("RZ999", second),  # not an eligible inspector: ignored
    })
    result = draw(DrawInput(SEED, one_stratum(), INSPECTORS, conflicts=conflicts))
    assert [a["team"] for a in result["assignments"][:4]] == [1, 1, 1, 0]
    assert [a["team"] for a in result["assignments"][3:]] == [i % 3 for i in range(3, 32)]  # the rest keep i mod T
    # only conflicts of eligible inspectors with selected companies are recorded, sorted
    recorded = [(c["inspector"], c["entity"]) for c in result["conflicts"]]
    assert ("RZ999", second) not in recorded
    assert recorded == sorted(recorded)
    assert (teams[0][1], first) in recorded and (teams[2][0], third) in recorded


def test_reserve_conflicts_are_recorded_for_recusals():
    plain = draw(DrawInput(SEED, one_stratum("0.05"), INSPECTORS))
    reserve = plain["inspectors"]["reserve"]
    entity = plain["assignments"][0]["entity"]
    result = draw(DrawInput(SEED, one_stratum("0.05"), INSPECTORS, conflicts=frozenset({(reserve[0], entity)})))
    assert result["conflicts"] == [{"inspector": reserve[0], "entity": entity}]
    assert result["assignments"] == plain["assignments"]


def test_all_teams_conflict_fails_and_says_why():
    plain = draw(DrawInput(SEED, one_stratum(), INSPECTORS))
    victim = plain["assignments"][5]["entity"]
    conflicts = frozenset((team[0], victim) for team in plain["inspectors"]["teams"])
    with pytest.raises(Refused) as info:
        draw(DrawInput(SEED, one_stratum(), INSPECTORS, conflicts=conflicts))
    assert victim in str(info.value)
    assert "所有检查组都有申报的利害关系" in str(info.value)
    assert "第十七条" in str(info.value)


@pytest.mark.parametrize("size", [1, 0, -2])
def test_team_size_below_two_refused(size):
    with pytest.raises(Refused, match="每组至少 2 名执法人员（第十八条）"):
        draw(DrawInput(SEED, one_stratum(), INSPECTORS, size))


@pytest.mark.parametrize(("pool", "shown"), [([], "只有 0 名"), (["RZ101"], "只有 1 名"), (["RZ101", "RZ101"], "只有 1 名")])
def test_too_few_inspectors_refused(pool, shown):
    with pytest.raises(Refused) as info:
        draw(DrawInput(SEED, one_stratum(), pool))
    assert shown in str(info.value) and "不足一组 2 人" in str(info.value)


def test_three_inspectors_for_teams_of_four_refused():
    with pytest.raises(Refused, match="只有 3 名.*不足一组 4 人"):
        draw(DrawInput(SEED, one_stratum(), INSPECTORS[:3], 4))


def test_no_companies_refused():
    with pytest.raises(Refused, match="没有符合条件的检查对象"):
        draw(DrawInput(SEED, [Stratum("一般", Decimal("0.1"), [])], INSPECTORS))


def test_same_input_same_draw_and_seed_changes_it():
    spec = DrawInput(SEED, one_stratum("0.2"), INSPECTORS)
    assert draw(spec) == draw(spec)
    other = draw(DrawInput(SEED + "0", one_stratum("0.2"), INSPECTORS))
    assert other["strata"][0]["selected"] != draw(spec)["strata"][0]["selected"]


# ---------------------------------------------------------------------------------------------------
# Recusal: current_team and replacement_for
# ---------------------------------------------------------------------------------------------------

def recusal(record, entity, inspector, earlier=()):
    replacement = replacement_for(record, entity, inspector, list(earlier))
    return {"entity": entity, "inspector": inspector, "replacement": replacement}


def small_draw(conflicts=frozenset(), ratio="0.05"):
    # 2 companies, 7 inspectors, teams of 2: T = 2, reserve = 3
    return draw(DrawInput(SEED, one_stratum(ratio), INSPECTORS, conflicts=conflicts))


def test_replacement_is_the_first_reserve_inspector():
    record = small_draw()
    entity = record["assignments"][0]["entity"]
    team = record["inspectors"]["teams"][record["assignments"][0]["team"]]
    reserve = record["inspectors"]["reserve"]
    assert len(reserve) == 3
    assert current_team(record, entity, []) == team
    first = recusal(record, entity, team[0])
    assert first["replacement"] == reserve[0]
    assert current_team(record, entity, [first]) == [reserve[0], team[1]]
    second = recusal(record, entity, team[1], [first])
    assert second["replacement"] == reserve[1]
    assert current_team(record, entity, [first, second]) == [reserve[0], reserve[1]]
    third = recusal(record, entity, reserve[0], [first, second])
    assert third["replacement"] == reserve[2]
    # reserve[0] and reserve[2] stepped aside or serve; reserve[1] serves: nobody is left
    assert replacement_for(record, entity, reserve[1], [first, second, third]) is None


def test_who_stepped_aside_never_comes_back():
    record = small_draw()
    entity = record["assignments"][1]["entity"]
    team = record["inspectors"]["teams"][record["assignments"][1]["team"]]
    reserve = record["inspectors"]["reserve"]
    first = recusal(record, entity, team[0])  # team[0] → reserve[0]
    second = recusal(record, entity, reserve[0], [first])  # reserve[0] → reserve[1]
    assert second["replacement"] == reserve[1]
    third = recusal(record, entity, reserve[1], [first, second])
    assert third["replacement"] == reserve[2]  # reserve[0] is not in the team now, but stepped aside
    assert replacement_for(record, entity, reserve[2], [first, second, third]) is None


def test_reserve_inspector_with_a_conflict_is_skipped():
    plain = small_draw()
    entity = plain["assignments"][0]["entity"]
    reserve = plain["inspectors"]["reserve"]
    record = small_draw(frozenset({(reserve[0], entity)}))
    team = current_team(record, entity, [])
    assert recusal(record, entity, team[1])["replacement"] == reserve[1]


def test_reserve_inspector_may_replace_in_several_teams():
    record = small_draw()
    (a, b) = record["assignments"]
    reserve = record["inspectors"]["reserve"]
    first = recusal(record, a["entity"], record["inspectors"]["teams"][a["team"]][0])
    other = recusal(record, b["entity"], record["inspectors"]["teams"][b["team"]][0], [first])
    assert first["replacement"] == other["replacement"] == reserve[0]
    # a recusal for another company does not change this company's team
    assert current_team(record, b["entity"], [first]) == record["inspectors"]["teams"][b["team"]]


def test_recusal_of_someone_not_in_the_team_refused():
    record = small_draw()
    entity = record["assignments"][0]["entity"]
    other_team = record["inspectors"]["teams"][1 - record["assignments"][0]["team"]]
    with pytest.raises(Refused, match=f"{other_team[0]} 不在单位 {entity} 的检查组中"):
        replacement_for(record, entity, other_team[0], [])


def test_recusal_for_a_company_not_drawn_refused():
    record = small_draw()
    with pytest.raises(Refused, match="不在这次抽取的结果中"):
        current_team(record, "91410482MA9999999X", [])


# ---------------------------------------------------------------------------------------------------
# Registry order and file splits never change a draw
# ---------------------------------------------------------------------------------------------------

def strata_of(data, day=dt.date(2026, 12, 1), ratio=Decimal("0.1")):
    section = resolve_section(data.sections, "二股")
    item = next(i for i, _ in data.plans[day.year].all_items() if i.id == f"{day.year}-ergu-01")
    return draw_population(data, section, item, ratio, day)


def test_shuffled_registry_gives_the_same_strata_and_draw(bureau):
    data = load_bureau(Workspace(bureau))
    strata, pool = strata_of(data)
    baseline = draw(DrawInput(SEED, strata, pool, 2, declared_conflicts(data)))
    for round_ in range(3):
        random.Random(round_).shuffle(data.entities)
        random.Random(round_).shuffle(data.inspectors)
        shuffled, shuffled_pool = strata_of(data)
        assert [(s.name, s.ratio, sorted(s.population)) for s in shuffled] == \
            [(s.name, s.ratio, sorted(s.population)) for s in strata]
        assert draw(DrawInput(SEED, shuffled, shuffled_pool, 2, declared_conflicts(data))) == baseline


def split_registry(root: Path) -> None:
    """Split 危险化学品.yaml into two files, each in reverse order, with one all-digit id unquoted."""
    path = root / "data/entities/危险化学品.yaml"
    entities = load_yaml(path.read_text(encoding="utf-8"))["entities"]
    half = len(entities) // 2
    path.unlink()
    for name, part in (("危险化学品-甲.yaml", entities[:half]), ("乙/危险化学品-乙.yaml", entities[half:])):
        target = root / "data/entities" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        text = dump_yaml({"entities": list(reversed(part))}, allow_unicode=True, sort_keys=False)
        target.write_text(text.replace("'914104826992660477'", "914104826992660477"), encoding="utf-8")
    assert "id: 914104826992660477\n" in (root / "data/entities/危险化学品-甲.yaml").read_text(encoding="utf-8") + \
        (root / "data/entities/乙/危险化学品-乙.yaml").read_text(encoding="utf-8")


def test_split_and_reordered_registry_files_give_the_same_draw(bureau, tmp_path, ssj):
    other = tmp_path / "拆分"
    shutil.copytree(bureau, other)
    split_registry(other)
    args = ("draw", "--section", "二股", "--ratio", "0.1", "--seed", SEED, "--date", "2026-12-01", "--json")
    first = ssj(bureau, *args)
    second = ssj(other, *args)
    assert first.code == 0 and second.code == 0, second.err
    a, b = json.loads(first.out), json.loads(second.out)
    for key in ("strata", "inspectors", "conflicts", "assignments", "seed", "date", "plan_item"):
        assert a[key] == b[key], key
    assert "data/entities/危险化学品.yaml" in a["inputs"]
    assert set(b["inputs"]) - set(a["inputs"]) == {"data/entities/危险化学品-甲.yaml", "data/entities/乙/危险化学品-乙.yaml"}
    assert "914104826992660477" in next(s for s in b["strata"] if s["name"] == "重点")["population"]


# ---------------------------------------------------------------------------------------------------
# The stand-alone verifier accepts every record the tool writes
# ---------------------------------------------------------------------------------------------------

def test_kit_accepts_every_record_the_tool_writes(bureau, ssj):
    day = ("--date", "2026-12-01")
    steps = [
        ("announce", "--section", "二股", "--ratio", "0.1", *day, "--seed-source", "福彩双色球第2026140期开奖号码"),
        ("draw", "--announcement", "二股-0", "--seed", "07 12 19 23 28 33 + 05"),
        ("draw", "--section", "二股", "--ratio", "1", *day),  # system seed; RZ007's declared conflict is drawn
        ("draw", "--section", "ergu", "--ratio", "10%", "--seed", " 骰子 3-1-4-1-5 ", "--team-size", "4", *day),
        ("void", "二股-1", "--reason", "公告的开奖期号写错，重新公告后再抽"),
        ("draw", "--section", "一股", "--ratio", "0.1", "--seed", "20261202", *day),  # RZ002 in the reserve
        ("targeted", "--section", "二股", "--basis", "投诉举报", "--reference", "汝应急〔2026〕88号", "--reason", "群众举报",
         "--entity", "91410482MA49FJDGXD", "--inspector", "RZ005", "--inspector", "RZ006", *day),
        ("plan", "approve", "--year", "2027", "--meeting", "测试会议", "--approver", "韩立新", "--date", "2026-12-01"),
    ]
    for step in steps:
        if step[0] == "plan":  # approval needs a change to approve: 2027's notes (content, not a comment)
            plan = bureau / "plans/2027.yaml"
            plan.write_text(plan.read_text(encoding="utf-8").replace("1月1日起执行。", "1月1日起执行（修订）。"), encoding="utf-8")
        result = ssj(bureau, *step)
        assert result.code == 0, (step, result.err)
    ergu = json.loads("[" + ",".join((bureau / "data/ledger/ergu.jsonl").read_text(encoding="utf-8").splitlines()) + "]")
    team = ergu[3]["inspectors"]["teams"][0]
    entity = ergu[3]["assignments"][0]["entity"]
    for inspector in (team[0], ergu[3]["inspectors"]["reserve"][0]):
        result = ssj(bureau, "recuse", "二股-3", "--inspector", inspector, "--entity", entity, "--reason", "利害关系回避")
        assert result.code == 0, result.err
    assert ergu[2]["conflicts"] == [{"inspector": "RZ007", "entity": "91410482MA49FJDGXD"}]
    kinds = {}
    for path in sorted((bureau / "data/ledger").glob("*.jsonl")):
        records, problems = kit.check_ledger(str(path))
        assert problems == [], (path.name, problems)
        kinds[path.name] = [r["type"] for r in records]
    assert kinds == {
        "bureau.jsonl": [*EXAMPLE_BUREAU_KINDS, "plan_approval"],
        "ergu.jsonl": ["announce", "draw", "draw", "draw", "void", "targeted", "recusal", "recusal"],
        "yigu.jsonl": ["draw"],
    }
    assert [r["fairness"] for r in records_of(bureau, "ergu") if r["type"] == "draw"] == ["announced", "system", "operator"]
    assert ssj(bureau, "verify-ledger").code == 0


def records_of(root: Path, section: str) -> list[dict]:
    text = (root / f"data/ledger/{section}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]
