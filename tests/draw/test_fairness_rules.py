"""The fairness rules of issues 11 and 12 as a clerk meets them in ``ssj draw`` and ``ssj recuse``: spacing of
draws (``--again --reason``), the rest rule across sections, the reserve a plan keeps and the recusal that uses
it, borrowing an inspector of another section, a failed draw recorded with its seed, and witnessed seeds."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import rfc8785

from shuangsuiji.core.draw import Stratum
from tests.draw.test_draw_command import (
    AFTER_THE_LOTTERY,
    AGAIN,
    ERGU_INSPECTORS,
    KEY_COMPANY,
    OTHER_RESULT,
    RESULT_SEED,
    SEED,
    announce,
    draw,
    draw_announced,
    edit_yaml,
    ranked,
    records_of,
    refused,
)
from tests.helpers import NO_EVIDENCE, assigned, expanded, ledger_records, snapshot, team_of

RESTING = ("风险A", "风险B", "风险C", "风险D", "一般")
NEVER_RESTING = ("重点", "黑名单", "问题")
#: 执法大队's inspectors with a 执法证 valid on 2026-12-01 (RZ023's expired on 2026-09-30)
ZHIFA_ELIGIBLE = ["RZ021", "RZ022", "RZ024", "RZ029"]


def populations(record: dict, root: Path) -> dict[str, list[str]]:
    """{stratum name: its eligible ids} of a draw record, read from its list files."""
    return {s["name"]: s["population"] for s in expanded(root, record)["strata"]}


def rested(record: dict) -> tuple[list[str], int]:
    """(the records the rest rule cites: every one with an inspection inside the rest period, how many companies
    it left out)."""
    return record["rested"]["records"], record["rested"]["count"]


def selected(record: dict) -> set[str]:
    return {e for s in record["strata"] for e in s["selected"]}


def draw_today(ssj, root: Path, *extra: str, seed: str = "2"):
    """``ssj draw`` without ``--date``: on the day the clock shows."""
    return ssj(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", seed, *extra)


def change_ergu_item(ssj, root: Path, *lines: str) -> None:
    """Add ``lines`` to 二股's 2026 plan item and have the 班子会议 approve the plan again (第七条)."""
    plan = root / "plans/2026.yaml"
    text = plan.read_text(encoding="utf-8")
    anchor = '    frequency: 4\n    team_size: 2\n  - id: "2026-sangu-01"'
    assert anchor in text
    added = "".join(f"    {line}\n" for line in lines)
    plan.write_text(text.replace(anchor, anchor.replace('  - id: "2026-sangu-01"', added + '  - id: "2026-sangu-01"')),
                    encoding="utf-8")
    result = ssj(root, "plan", "approve", "--year", "2026", "--meeting", "2026年第13次局党委班子会议", "--approver", "韩立新",
                 "--date", "2026-12-01")
    assert result.code == 0, result.err


# ---------------------------------------------------------------------------------------------------
# Spacing (第十六条): a second draw of the same plan item within 7 days needs --again --reason
# ---------------------------------------------------------------------------------------------------

def test_a_second_draw_within_seven_days_is_refused_and_writes_nothing(bureau, ssj, clock):
    assert draw(ssj, bureau).code == 0
    before = snapshot(bureau)
    for day in ("2026-12-01", "2026-12-07"):  # the same day, and 6 days later
        clock.set(day)
        refused(draw_today(ssj, bureau), "计划事项 2026-ergu-01 在 2026-12-01 已抽取过", "两次抽取至少间隔 7 天", "第十六条",
                '--again --reason "原因"')
        assert snapshot(bureau) == before
    refused(draw_today(ssj, bureau, "--reason", "忘了加 --again"), "至少间隔 7 天")  # --reason alone is not --again
    assert snapshot(bureau) == before
    clock.set("2026-12-08")  # 7 days later: no reason needed
    result = draw_today(ssj, bureau, "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["again"] is None


def test_again_with_a_reason_is_kept_in_the_record_and_shown(bureau, ssj, tmp_path):
    first = json.loads(draw(ssj, bureau, "--json").out)
    result = draw(ssj, bureau, "--again", "--reason", " 首次抽取时名录库导入有误 ", "--json", seed="2")
    assert result.code == 0, result.err
    second = json.loads(result.out)
    assert first["again"] is None and second["again"] == "首次抽取时名录库导入有误"
    assert records_of(bureau)[-1] == second  # in the ledger, as printed
    assert "再次抽取的原因：首次抽取时名录库导入有误" in ssj(bureau, "show", "二股-1").out
    sheet = tmp_path / "记录表.html"
    assert ssj(bureau, "show", "二股-1", "--html", str(sheet)).code == 0
    assert "再次抽取的原因：首次抽取时名录库导入有误" in sheet.read_text(encoding="utf-8")
    assert ssj(bureau, "verify-ledger").code == 0


@pytest.mark.parametrize("extra", [("--again",), ("--again", "--reason", "   ")])
def test_again_needs_a_reason(bureau, ssj, extra):
    assert draw(ssj, bureau).code == 0
    before = snapshot(bureau)
    result = draw(ssj, bureau, *extra, seed="2")
    assert result.code == 2, (result.code, result.err)
    assert "--again 必须同时用 --reason 写明再次抽取的原因" in result.err and "Traceback" not in result.err
    assert snapshot(bureau) == before


def test_again_is_harmless_when_not_needed(bureau, ssj):
    """Scripts may always pass --again: a draw that needs no reason is made the same, the reason kept."""
    plain = json.loads(draw(ssj, bureau, "--json").out)
    assert ssj(bureau, "void", "二股-0", "--reason", "测试").code == 0  # a voided draw does not count for spacing
    again = json.loads(draw(ssj, bureau, *AGAIN, "--json").out)
    assert again["again"] == AGAIN[2]
    assert [s["selected"] for s in again["strata"]] == [s["selected"] for s in plain["strata"]]
    assert again["inspectors"] == plain["inspectors"] and again["assignments"] == plain["assignments"]


# ---------------------------------------------------------------------------------------------------
# Rest rule (第十六条: 防止检查过多和执法扰民), across sections
# ---------------------------------------------------------------------------------------------------

def test_a_company_drawn_by_another_section_rests_out_of_risk_and_general_strata_only(bureau, ssj, tmp_path):
    control = tmp_path / "control"  # the same bureau where 指挥中心 drew nothing
    shutil.copytree(bureau, control)
    other = json.loads(ssj(bureau, "draw", "--section", "指挥中心", "--ratio", "0.1", "--seed", "7", "--json").out)
    assert other["section"] == "zhihui"
    record = json.loads(draw(ssj, bureau, "--json").out)
    plain = json.loads(draw(ssj, control, "--json").out)
    assert plain["rested"] == NO_EVIDENCE and rested(plain) == ([], 0)
    before = populations(plain, control)
    now = populations(record, bureau)
    # 指挥中心's selection that 二股 would have put in a 风险 or 一般 stratum rests; the record cites 指挥中心's draw
    expected = sorted(e for name in RESTING for e in before[name] if e in selected(other))
    assert expected and rested(record) == ([other["hash"]], len(expected))
    for name in RESTING:
        assert now[name] == [e for e in before[name] if e not in expected]
    # 重点, 黑名单 and 问题 never leave anyone out, though 指挥中心 drew some of 二股's 重点 companies
    assert selected(other) & set(before["重点"])
    for name in NEVER_RESTING:
        assert now[name] == before[name]
    assert KEY_COMPANY in selected(other) and KEY_COMPANY in now["重点"]
    # the record pins the head of the ledger it looked at
    assert record["heads"]["zhihui"] == {"seq": 0, "hash": other["hash"]}
    shown = ssj(bureau, "show", "二股-0").out
    assert f"未进入风险层、一般层的单位：{len(expected)} 家" in shown
    assert "休息期依据的记录（休息期内有检查的全部记录）：指挥中心-0" in shown
    assert ssj(bureau, "verify-ledger").code == 0


def test_a_targeted_check_rests_the_company_too(bureau, ssj):
    company = "91410482MA41R6NN38"  # a 风险C 加油站 of 二股's
    result = ssj(bureau, "targeted", "--section", "大队", "--basis", "投诉举报", "--reference", "汝应急〔2026〕88号",
                 "--reason", "群众举报", "--entity", company, "--inspector", "RZ021", "--inspector", "RZ022", "--json")
    assert result.code == 0, result.err
    check = json.loads(result.out)
    record = json.loads(draw(ssj, bureau, "--json").out)
    assert rested(record) == ([check["hash"]], 1)
    assert all(company not in ids for ids in populations(record, bureau).values())
    assert record["heads"]["zhifa"] == {"seq": 0, "hash": check["hash"]}
    assert ssj(bureau, "verify-ledger").code == 0


def test_the_rest_period_is_90_days(bureau, ssj, clock):
    other = json.loads(ssj(bureau, "draw", "--section", "指挥中心", "--ratio", "0.1", "--seed", "7", "--json").out)
    clock.set("2027-02-28")  # 89 days after 指挥中心's draw of 2026-12-01: still resting
    late = json.loads(draw_today(ssj, bureau, "--json").out)
    assert late["plan_item"] == "2027-ergu-01" and late["date"] == "2027-02-28"
    assert rested(late)[0] == [other["hash"]] and rested(late)[1] > 0
    assert ssj(bureau, "void", "二股-0", "--reason", "测试休息期").code == 0  # so that it rests nobody itself
    clock.set("2027-03-01")  # 90 days after: the rest is over
    result = draw_today(ssj, bureau, "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["rested"] == NO_EVIDENCE
    assert ssj(bureau, "verify-ledger").code == 0


def test_a_company_left_out_without_cause_is_caught_by_verify_ledger(git_bureau, ssj, monkeypatch):
    # a modified ssj leaves one more 一般 company out, as if it rested: the bundle's verifier has no registry and
    # cannot tell; verify-ledger rebuilds the strata from the data at the draw's commit and can
    import shuangsuiji.draw.parameters as parameters

    real, dropped = parameters.apply_rest, []

    def cheat(strata, reached):
        kept, rested = real(strata, reached)
        general = next(s for s in kept if s.name == "一般")
        dropped.append(general.population[0])
        return [Stratum(s.name, s.ratio, s.population[1:]) if s is general else s for s in kept], rested | {dropped[0]}

    monkeypatch.setattr(parameters, "apply_rest", cheat)
    assert draw(ssj, git_bureau).code == 0
    monkeypatch.undo()
    result = ssj(git_bureau, "verify-ledger")
    assert result.code == 1
    assert f"单位 {dropped[0]} 等 1 家按当时数据应在风险层或一般层中，却不在名单里，且 90 天内没有被检查过（不是休息期排除）" in result.out


def test_a_voided_draw_rests_nobody(bureau, ssj):
    assert ssj(bureau, "draw", "--section", "指挥中心", "--ratio", "0.1", "--seed", "7").code == 0
    assert ssj(bureau, "void", "指挥中心-0", "--reason", "测试作废").code == 0
    assert json.loads(draw(ssj, bureau, "--json").out)["rested"] == NO_EVIDENCE


# ---------------------------------------------------------------------------------------------------
# Reserve (第十七条): T = min(k, ⌊(E − R)/t⌋), R = min(plan reserve, max(0, E − t))
# ---------------------------------------------------------------------------------------------------

def test_the_plan_keeps_one_inspector_in_reserve_and_a_recusal_uses_it(bureau, ssj):
    record = json.loads(draw(ssj, bureau, "--json").out)
    order = ranked(ERGU_INSPECTORS, SEED + "|inspectors")
    inspectors = record["inspectors"]
    assert inspectors["reserve_size"] == 1  # the plan's default reserve
    assert inspectors["teams"] == [order[0:2], order[2:4]]  # ⌊(6 − 1)/2⌋ = 2 teams, not 3
    assert inspectors["reserve"] == order[4:]
    entity = assigned(record)[0]["entity"]
    member = team_of(record, entity)[0]
    result = ssj(bureau, "recuse", "二股-0", "--inspector", member, "--entity", entity, "--reason", "利害关系回避", "--json")
    assert result.code == 0, result.err
    recusal = json.loads(result.out)
    assert recusal["replacement"] == inspectors["reserve"][0] and recusal["from_section"] is None
    assert recusal["draw"] == record["hash"] and recusal["inspector"] == member and recusal["entity"] == entity
    shown = ssj(bureau, "show", "二股-1").out
    assert "从后备人员中按号签顺序产生" in shown and inspectors["reserve"][0] in shown
    assert ssj(bureau, "verify-ledger").code == 0


def test_a_plan_item_may_keep_a_larger_reserve(bureau, ssj):
    change_ergu_item(ssj, bureau, "reserve: 3")
    record = json.loads(draw(ssj, bureau, "--json").out)
    order = ranked(ERGU_INSPECTORS, SEED + "|inspectors")
    assert record["inspectors"]["reserve_size"] == 3
    assert record["inspectors"]["teams"] == [order[0:2]]  # ⌊(6 − 3)/2⌋ = 1 team
    assert record["inspectors"]["reserve"] == order[2:]
    assert set(record["assignments"]) == {0}


# ---------------------------------------------------------------------------------------------------
# Borrowing an inspector of another section (第五条: the 执法大队 leads the work)
# ---------------------------------------------------------------------------------------------------

def recuse_from(ssj, root, inspector, entity, section="执法大队", *extra):
    return ssj(root, "recuse", "二股-0", "--inspector", inspector, "--entity", entity, "--reason", "其他",
               "--from-section", section, *extra)


def test_recuse_from_section_borrows_an_inspector_of_the_zhifa_ranked_by_the_seed(bureau, ssj):
    record = json.loads(draw(ssj, bureau, "--json").out)
    entity = assigned(record)[0]["entity"]
    team = team_of(record, entity)
    result = recuse_from(ssj, bureau, team[0], entity, "执法大队", "--json")
    assert result.code == 0, result.err
    recusal = json.loads(result.out)
    borrowed = ranked(ZHIFA_ELIGIBLE, SEED + "|inspectors|zhifa")
    assert recusal["from_section"] == "zhifa" and recusal["pool"] == ZHIFA_ELIGIBLE and recusal["pool_conflicts"] == []
    assert recusal["replacement"] == borrowed[0]
    # a second member steps aside: the next of the ranking comes, never the first one again
    second = recuse_from(ssj, bureau, team[1], entity, "大队")
    assert second.code == 0, second.err
    assert "抽调" in second.out and f"（{borrowed[1]}）替换" in second.out
    assert records_of(bureau)[-1]["replacement"] == borrowed[1]
    assert "从执法大队的人员中按号签顺序抽调" in ssj(bureau, "show", "二股-1").out
    assert ssj(bureau, "verify-ledger").code == 0


def test_a_borrowed_inspector_with_a_declared_conflict_is_passed_over(bureau, ssj):
    first = ranked(ZHIFA_ELIGIBLE, SEED + "|inspectors|zhifa")
    def declare(content):
        person = next(p for p in content["inspectors"] if p["id"] == first[0])
        person.setdefault("conflicts", []).append({"entity": KEY_COMPANY, "reason": "测试：近亲属任职"})
    edit_yaml(bureau / "data/inspectors.yaml", declare)
    record = json.loads(draw(ssj, bureau, "--json").out)
    recusal = json.loads(recuse_from(ssj, bureau, team_of(record, KEY_COMPANY)[0], KEY_COMPANY, "执法大队", "--json").out)
    assert recusal["pool_conflicts"] == [{"inspector": first[0], "entity": KEY_COMPANY}]
    assert recusal["replacement"] == first[1]
    assert ssj(bureau, "verify-ledger").code == 0


def test_recuse_from_section_refusals(bureau, ssj):
    record = json.loads(draw(ssj, bureau, "--json").out)
    entity = assigned(record)[0]["entity"]
    member = team_of(record, entity)[0]
    before = snapshot(bureau)
    refused(recuse_from(ssj, bureau, member, entity, "二股"), "--from-section 应是另一个科室")
    refused(recuse_from(ssj, bureau, member, entity, "五股"), "没有科室“五股”")
    assert snapshot(bureau) == before


# ---------------------------------------------------------------------------------------------------
# A failed draw (issue 11): recorded with its seed and reason, nothing of its selection shown
# ---------------------------------------------------------------------------------------------------

def both_teams_conflict(root: Path) -> None:
    """RZ005 and RZ007 declare a conflict with a 重点 company: under SEED they sit in the two different teams."""
    def change(content):
        for inspector in ("RZ005", "RZ007"):
            person = next(p for p in content["inspectors"] if p["id"] == inspector)
            person.setdefault("conflicts", []).append({"entity": KEY_COMPANY, "reason": "测试：亲属任职"})
    edit_yaml(root / "data/inspectors.yaml", change)


def test_a_draw_every_team_conflicts_with_is_recorded_as_failed(bureau, ssj):
    both_teams_conflict(bureau)
    result = draw(ssj, bureau)
    refused(result, "这次抽取无法完成", f"单位 {KEY_COMPANY} 与所有检查组都有申报的利害关系", "“抽取未成”记入台账（二股-0）",
            "种子和原因都会公开")
    [failed] = ledger_records(bureau, "ergu")
    assert failed["type"] == "failed" and failed["seed"] == SEED and failed["fairness"] == "operator"
    assert failed["entity"] == KEY_COMPANY and "与所有检查组都有申报的利害关系" in failed["reason"]
    assert "assignments" not in failed
    assert [team for team in failed["inspectors"]["teams"] if not {"RZ005", "RZ007"} & set(team)] == []
    # nothing of the selection was shown: only where the attempt was recorded
    assert not any(e in result.out + result.err for e in selected(failed) - {KEY_COMPANY})
    assert "已写入记录 二股-0" in result.out
    shown = ssj(bureau, "show", "二股-0").out
    assert "抽取未成 二股-0" in shown and "这次抽取没有成功" in shown and SEED in shown
    assert "抽中单位及检查组" not in shown
    # a retry with another seed is visible next to it, and the failed attempt used neither frequency nor spacing
    retry = draw(ssj, bureau, "--json", seed="1")
    assert retry.code == 0, retry.err
    assert json.loads(retry.out)["again"] is None
    rows = json.loads(ssj(bureau, "log", "--section", "二股", "--json").out)
    assert [(r["address"], r["type"]) for r in rows] == [("二股-1", "draw"), ("二股-0", "failed")]
    assert SEED in rows[1]["detail"] and "抽取未成" in rows[1]["detail"]
    assert ssj(bureau, "verify-ledger").code == 0


def conflicts_with_both_teams_under(root: Path, seed: str) -> None:
    """The first member of each of the two teams ``seed`` forms declares a conflict with a 重点 company."""
    order = ranked(ERGU_INSPECTORS, seed + "|inspectors")
    def change(content):
        for inspector in (order[0], order[2]):
            person = next(p for p in content["inspectors"] if p["id"] == inspector)
            person.setdefault("conflicts", []).append({"entity": KEY_COMPANY, "reason": "测试：亲属任职"})
    edit_yaml(root / "data/inspectors.yaml", change)


def test_a_failed_announced_draw_uses_up_its_announcement(bureau, ssj, clock):
    conflicts_with_both_teams_under(bureau, RESULT_SEED)  # declared, and announced, before the lottery
    note = announce(ssj, bureau)
    clock.set(AFTER_THE_LOTTERY)
    refused(draw_announced(ssj, bureau), "这次抽取无法完成", "“抽取未成”记入台账（二股-1）")
    failed = records_of(bureau)[-1]
    assert failed["type"] == "failed" and failed["fairness"] == "announced"
    assert failed["announcement"] == note["hash"] and failed["seed"] == RESULT_SEED
    before = snapshot(bureau)
    refused(draw_announced(ssj, bureau), "公告 二股-0 已用于抽取 二股-1", "新的公告")  # no second try on the same numbers
    refused(ssj(bureau, "void", "二股-0", "--reason", "x"), "公告 二股-0 已用于抽取 二股-1")
    assert snapshot(bureau) == before
    assert "状态：已用于抽取 二股-1" in ssj(bureau, "show", "二股-0").out
    assert ssj(bureau, "verify-ledger").code == 0


def test_after_a_failed_announced_draw_a_new_announcement_can_be_made(bureau, ssj, clock):
    conflicts_with_both_teams_under(bureau, RESULT_SEED)
    announce(ssj, bureau)
    clock.set(AFTER_THE_LOTTERY)
    assert draw_announced(ssj, bureau).code == 1  # 二股-1: failed
    result = ssj(bureau, "announce", "--section", "二股", "--ratio", "0.1", "--date", "2026-12-15", "--source",
                 "双色球:2026143", "--not-before", "2026-12-15T21:30")
    assert result.code == 0, result.err


def test_the_verifier_agrees_that_a_failed_announced_draw_ends_its_announcement(bureau, ssj, clock):
    """ssj's index and verify-ledger (core/announced.py) see the same: after the failed attempt nothing is pending,
    so the next announcement is the only one waiting, and a draw on it verifies."""
    conflicts_with_both_teams_under(bureau, RESULT_SEED)
    announce(ssj, bureau)
    clock.set(AFTER_THE_LOTTERY)
    assert draw_announced(ssj, bureau).code == 1  # 二股-1: failed
    second = announce(ssj, bureau, date="2026-12-15", source="双色球:2026143", not_before="2026-12-15T21:30")
    assert second["seq"] == 2
    assert ssj(bureau, "verify-ledger").code == 0
    third = ssj(bureau, "announce", "--section", "二股", "--ratio", "0.1", "--date", "2026-12-22", "--source",
                "双色球:2026146", "--not-before", "2026-12-22T21:30")
    refused(third, "已有一条待抽取的公告 二股-2")  # the new one waits; the used-up one does not
    clock.set("2026-12-15T22:00")
    drawn = draw_announced(ssj, bureau, note="二股-2", seed=OTHER_RESULT)
    refused(drawn, "“抽取未成”记入台账（二股-3）")  # the declared conflicts block these numbers' teams too
    assert records_of(bureau)[-1]["announcement"] == second["hash"]
    assert ssj(bureau, "verify-ledger").code == 0
    assert announce(ssj, bureau, date="2026-12-22", source="双色球:2026146", not_before="2026-12-22T21:30")["seq"] == 4
    assert ssj(bureau, "verify-ledger").code == 0


# ---------------------------------------------------------------------------------------------------
# Witnessed seeds (SPEC §4): two or more witnesses each type a value, hidden as it is typed
# ---------------------------------------------------------------------------------------------------

@pytest.fixture
def witnesses_type(monkeypatch):
    """What the witnesses type, in turn, at hidden prompts (getpass); a visible prompt fails the test."""
    typed: list[str] = []
    prompts: list[str] = []

    def hidden(prompt: str = "") -> str:
        prompts.append(prompt)
        return typed.pop(0)

    def visible(prompt: str = "") -> str:
        raise AssertionError("a witness's value must not be asked for with a visible prompt")

    monkeypatch.setattr("getpass.getpass", hidden)
    monkeypatch.setattr("builtins.input", visible)

    def enter(*values: str) -> list[str]:
        typed[:] = list(values)
        prompts.clear()
        return prompts

    return enter


def test_witnessed_seed(bureau, ssj, witnesses_type):
    prompts = witnesses_type(" 8848 ", "20261201")
    result = draw(ssj, bureau, "--witness", "纪检监督人 王五", "--witness", "企业代表 赵六", "--json", seed=None)
    assert result.code == 0, result.err
    assert len(prompts) == 2
    assert "请见证人 纪检监督人 王五 输入一个数（输入时不显示）" in result.err and "请见证人 企业代表 赵六" in result.err
    record = json.loads(result.out)
    assert record["fairness"] == "witnessed" and record["announcement"] is None
    assert record["witnesses"] == [{"name": "纪检监督人 王五", "value": "8848"}, {"name": "企业代表 赵六", "value": "20261201"}]
    assert record["seed"] == hashlib.sha256(rfc8785.dumps(record["witnesses"])).hexdigest()  # each can check their own
    shown = ssj(bureau, "show", "二股-0").out
    assert "公平性：现场见证" in shown and "见证人 纪检监督人 王五 输入：8848" in shown
    assert ssj(bureau, "verify-ledger").code == 0


@pytest.mark.parametrize(("witnesses", "typed", "extra", "phrase"), [
    (("王五",), ("1",), (), "至少需要 2 名见证人"),
    (("王五", "王五"), ("1", "2"), (), "见证人 王五 重复"),
    (("王五", "赵六"), ("1", "  "), (), "每名见证人都要写明姓名并输入一个数"),
    (("王五", "赵六"), ("1", "2"), ("--seed", "42"), "不能再写 --seed"),
])
def test_witnessed_seed_refusals_write_nothing(bureau, ssj, witnesses_type, witnesses, typed, extra, phrase):
    witnesses_type(*typed)
    before = snapshot(bureau)
    args = [x for name in witnesses for x in ("--witness", name)]
    refused(draw(ssj, bureau, *args, *extra, seed=None), phrase)
    assert snapshot(bureau) == before


def test_a_plan_item_may_require_witnesses(bureau, ssj, witnesses_type):
    change_ergu_item(ssj, bureau, "seed: witnessed")
    before = snapshot(bureau)
    refused(draw(ssj, bureau), "计划事项 2026-ergu-01 要求公平性等级不低于“现场见证”", "本次为“人工输入”", "--witness")
    refused(draw(ssj, bureau, seed=None), "本次为“系统随机”")
    assert snapshot(bureau) == before
    witnesses_type("3", "4")
    result = draw(ssj, bureau, "--witness", "王五", "--witness", "赵六", "--json", seed=None)
    assert result.code == 0, result.err
    assert json.loads(result.out)["fairness"] == "witnessed"


# ---------------------------------------------------------------------------------------------------
# Rotation of an announced draw: the inspections as they stood at the announcement (SPEC §4)
# ---------------------------------------------------------------------------------------------------

def test_an_announced_draw_rotates_by_the_inspections_as_they_stood_at_its_announcement(bureau, ssj, clock):
    from shuangsuiji.ledger.queries import open_index, visits_as_announced
    from shuangsuiji.workspace import Workspace

    first = json.loads(draw(ssj, bureau, "--json").out)  # 2026-12-01: 二股's 重点 companies inspected
    key = [e for s in first["strata"] if s["name"] == "重点" for e in s["selected"]]
    early, late = key[0], key[1]
    out_early, out_late = team_of(first, early)[0], team_of(first, late)[0]
    recused = ssj(bureau, "recuse", "二股-0", "--inspector", out_early, "--entity", early, "--reason", "其他", "--json")
    assert recused.code == 0, recused.err  # before the announcement: it counts
    note = announce(ssj, bureau)
    assert note["recent"]["records"] == [first["hash"]] and note["recent"]["count"] > 0
    recused = ssj(bureau, "recuse", "二股-0", "--inspector", out_late, "--entity", late, "--reason", "其他", "--json")
    assert recused.code == 0, recused.err  # after it: the announced draw does not see it
    replacement = json.loads(recused.out)["replacement"]
    index = open_index(Workspace(bureau))
    try:
        seen = visits_as_announced(index, note, [early, late])
    finally:
        index.close()
    assert out_early not in seen[early][0].inspectors
    assert out_late in seen[late][0].inspectors and replacement not in seen[late][0].inspectors
    clock.set(AFTER_THE_LOTTERY)
    result = draw_announced(ssj, bureau, "--json", note=f"二股-{note['seq']}")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert record["recent"]["records"] == note["recent"]["records"]
    assert ssj(bureau, "verify-ledger").code == 0  # the verifiers re-derive it from the log as it stood


def test_a_void_between_an_announcement_and_its_draw_changes_nothing(git_bureau, ssj, clock):
    # 指挥中心's draw rests companies for 二股's announcement; voided afterwards, it still counts for the announced
    # draw (fixed when the numbers did not exist), and both verifiers agree with what ssj wrote
    assert ssj(git_bureau, "draw", "--section", "指挥中心", "--ratio", "0.1", "--seed", "7").code == 0
    note = announce(ssj, git_bureau)
    assert note["rested"]["count"] > 0
    assert ssj(git_bureau, "void", "指挥中心-0", "--reason", "测试：公告之后作废").code == 0
    clock.set(AFTER_THE_LOTTERY)
    result = draw_announced(ssj, git_bureau, "--json", note=f"二股-{note['seq']}")
    assert result.code == 0, result.err
    assert json.loads(result.out)["rested"] == note["rested"]
    verified = ssj(git_bureau, "verify-ledger", "--full")
    assert verified.code == 0, verified.out


def test_rotation_holds_for_an_inspector_id_with_a_comma(bureau, ssj):
    # the index once kept a team as "id,id": an id with a comma came back as two people, so ssj's rotation and
    # the verifiers' disagreed
    path = bureau / "data/inspectors.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('id: "RZ005"', 'id: "RZ,005"'), encoding="utf-8")

    def drawn_with_him(*extra: str) -> dict:
        for seed in range(100, 160):
            record = json.loads(draw(ssj, bureau, "--json", *extra, seed=str(seed)).out)
            if any("RZ,005" in team for team in record["inspectors"]["teams"]):
                return record
            assert ssj(bureau, "void", f"二股-{record['seq']}", "--reason", "测试：换一个种子").code == 0
        raise AssertionError("RZ,005 never in a team")

    drawn_with_him()
    again = drawn_with_him(*AGAIN)
    assert again["recent"]["count"] > 0
    verified = ssj(bureau, "verify-ledger")
    assert verified.code == 0, verified.out
