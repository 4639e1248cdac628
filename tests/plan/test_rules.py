"""第七、十二、十六条 in every draw: approved plans, plan items, frequency, windows, strata, --ratio as a floor,
``ssj plan approve`` and ``ssj plan status``. Dates are always given explicitly."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import rfc8785
import yaml

from shuangsuiji.registry.eligibility import build_strata, plan_ratios, problem_entities
from shuangsuiji.registry.loading import load_bureau
from shuangsuiji.registry.models import PlanItem
from shuangsuiji.workspace import Workspace
from tests.helpers import assigned, expanded, ledger_records, snapshot

STRATA = ["重点", "黑名单", "问题", "风险A", "风险B", "风险C", "风险D", "一般"]
ERGU_2026 = {"重点": "1", "黑名单": "0.1", "问题": "0.1", "风险A": "0.1", "风险B": "0.08", "风险C": "0.05",
             "风险D": "0.03", "一般": "0.05"}
BLACKLISTED = "91410482MA40RRDH73"  # 汝州市润远加油站: 危险化学品, 黑名单 2025-09-18 … 2027-09-17
KEY_COMPANY = "914104826992660477"  # 汝州市宝嘉新材料科技有限公司: 重点, risk A
DISHONEST = "92410482MA462JM102"  # a 失信记录 (not a blacklisting) in data/credit.yaml


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader keeps the suite fast
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)



def load_yaml(text: str):
    return yaml.load(text, Loader=LOADER)


def dump_yaml(content, **options) -> str:
    return yaml.dump(content, Dumper=DUMPER, **options)


_CLOCK: list = []


@pytest.fixture(autouse=True)
def _the_clock(clock):
    """The test clock, for draws dated in a later year (ssj only draws this year's plan items on their day)."""
    _CLOCK[:] = [clock]
    yield
    _CLOCK.clear()


def draw(ssj, root, date, *extra, section="二股", seed="20261201"):
    clock = _CLOCK[0]
    if date[:4] <= f"{clock.now.year}":  # earlier days: the ssj fixture runs the draw on its day
        return ssj(root, "draw", "--section", section, "--date", date, "--seed", seed, *extra)
    saved = clock.now
    clock.set(date)  # a draw in next year's plan is made in that year
    try:
        return ssj(root, "draw", "--section", section, "--date", date, "--seed", seed, *extra)
    finally:
        clock.now = saved


def draw_record(ssj, root, date, *extra, **kwargs):
    result = draw(ssj, root, date, "--json", *extra, **kwargs)
    assert result.code == 0, result.err
    return expanded(root, json.loads(result.out))


def refused(result, *phrases):
    assert result.code == 1, (result.code, result.out, result.err)
    assert "Traceback" not in result.err + result.out
    for phrase in phrases:
        assert phrase in result.err, (phrase, result.err)


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def strata_by_name(record):
    return {s["name"]: s for s in record["strata"]}


# ---------------------------------------------------------------------------------------------------
# An outsider's reading of the registries (pyyaml, no ssj code): who belongs to which stratum
# ---------------------------------------------------------------------------------------------------

def companies(root: Path) -> list[dict]:
    found = []
    for path in sorted((root / "data/entities").rglob("*.yaml")):
        found += load_yaml(path.read_text(encoding="utf-8"))["entities"]
    return found


def blacklist_on(root: Path, day: dt.date) -> set[str]:
    entries = load_yaml((root / "data/credit.yaml").read_text(encoding="utf-8"))["credit"]
    return {
        e["entity"] for e in entries
        if e["kind"] == "黑名单" and e["listed_on"] <= day
        and (e.get("until") is None or day < e["until"]) and (e.get("removed_on") is None or day < e["removed_on"])
    }


def expected_populations(root: Path, day: dt.date, problems: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    black = blacklist_on(root, day)
    members: dict[str, list[str]] = {name: [] for name in STRATA}
    for e in companies(root):
        if e["specialty"] not in ("烟花爆竹", "危险化学品") or e.get("status", "在营") != "在营":
            continue
        if e.get("key"):
            name = "重点"
        elif e["id"] in black:
            name = "黑名单"
        elif e["id"] in problems:
            name = "问题"
        else:
            name = f"风险{e['risk']}" if e.get("risk") else "一般"
        members[name].append(str(e["id"]))
    return {name: sorted(ids) for name, ids in members.items()}


def k_of(ratio: str, n: int) -> int:
    return max(1, math.ceil(Fraction(ratio) * n)) if n else 0


# ---------------------------------------------------------------------------------------------------
# 第七条: a draw needs the approved plan of the draw date's year
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("date", ["2028-03-01", "2025-12-31"])
def test_no_plan_for_the_year(bureau, ssj, date):
    before = snapshot(bureau)
    year = date[:4]
    refused(draw(ssj, bureau, date, "--ratio", "0.1"), f"{year} 年没有年度检查计划（plans/{year}.yaml）", "第七条")
    assert snapshot(bureau) == before


def annual_approval_block(path: Path) -> str:
    """The plan's own approval block as written in the file: ``approval:`` and its four indented lines."""
    text = path.read_text(encoding="utf-8")
    start = text.index("\napproval:\n") + 1
    lines = text[start:].splitlines(keepends=True)[:5]
    assert [line.split(":")[0] for line in lines] == ["approval", "  meeting", "  date", "  approver", "  digest"], lines
    return "".join(lines)


def latest_recorded_approval(root: Path, year: int, plan: str | None = None) -> dict:
    """The last ``plan_approval`` of a plan in the bureau ledger (what ssj plan approve recorded)."""
    records = [json.loads(line) for line in (root / "data/ledger/bureau/2026.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r for r in records if r["type"] == "plan_approval" and r["year"] == year and r["plan"] == plan][-1]


def remove_annual_approval(root: Path) -> None:
    plan = root / "plans/2026.yaml"
    replace_in(plan, annual_approval_block(plan), "")


def test_plan_not_approved(bureau, ssj):
    remove_annual_approval(bureau)
    check = ssj(bureau, "check")
    assert check.code == 0  # a warning: drafting a plan is not an error
    assert "2026 年度检查计划尚未经班子会议审批" in check.out + check.err
    before = snapshot(bureau)
    refused(draw(ssj, bureau, "2026-12-01"), "2026 年度检查计划尚未经班子会议审批（第七条）", "ssj plan approve")
    assert snapshot(bureau) == before
    # the 2027 plan is approved: a draw dated in 2027 goes ahead
    assert draw_record(ssj, bureau, "2027-01-04")["plan_item"] == "2027-ergu-01"


def annual_digest(path: Path) -> str:
    """What the approval pins, computed by an outsider: RFC 8785 of the plan without approval and temporary."""
    content = load_yaml(path.read_text(encoding="utf-8"))
    pinned = {k: v for k, v in content.items() if k not in ("approval", "temporary")}
    return hashlib.sha256(rfc8785.dumps(json.loads(json.dumps(pinned, default=str)))).hexdigest()


def test_shipped_approvals_match_the_content(bureau):
    for year in (2026, 2027):
        path = bureau / f"plans/{year}.yaml"
        assert load_yaml(path.read_text(encoding="utf-8"))["approval"]["digest"] == annual_digest(path)


def test_plan_changed_after_approval_then_approved_again(bureau, ssj):
    plan = bureau / "plans/2026.yaml"
    temporary_approval = load_yaml(plan.read_text(encoding="utf-8"))["temporary"][0]["approval"]
    replace_in(plan, "    frequency: 4\n    team_size: 2\n  - id: \"2026-sangu-01\"",
               "    frequency: 5\n    team_size: 2\n  - id: \"2026-sangu-01\"")
    check = ssj(bureau, "check")
    assert check.code == 1
    assert "plans/2026.yaml:" in check.out + check.err and "需要重新审批" in check.out + check.err
    before = snapshot(bureau)
    refused(draw(ssj, bureau, "2026-12-01"), "需要重新审批")
    assert snapshot(bureau) == before

    approvals = ledger_records(bureau, "bureau")
    result = ssj(bureau, "plan", "approve", "--year", "2026", "--meeting", "2026年第12次局党委班子会议",
                 "--approver", "韩立新", "--date", "2026-12-01", "--operator", "王五")
    assert result.code == 0, result.err
    text = plan.read_text(encoding="utf-8")
    content = load_yaml(text)
    digest = annual_digest(plan)
    assert content["approval"] == {"meeting": "2026年第12次局党委班子会议", "date": dt.date(2026, 12, 1),
                                   "approver": "韩立新", "digest": digest}
    assert f"已审批：摘要 {digest}" in result.out
    # comments survive, the temporary plan's own approval is untouched
    assert text.startswith("# 汝州市应急管理局2026年度“双随机、一公开”抽查工作计划")
    assert "  # 二股：全年开放，频次 4，比例均不超过 0.1\n" in text
    assert "临时检查计划（第十二条），各有审批" in text
    assert content["temporary"][0]["approval"] == temporary_approval
    records = [json.loads(line) for line in (bureau / "data/ledger/bureau/2026.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(approvals) + 1  # appended to the approvals made before
    approval = records[-1]
    assert {k: approval[k] for k in ("type", "year", "plan", "meeting", "approved_on", "approver", "digest", "operator")} == {
        "type": "plan_approval", "year": 2026, "plan": None, "meeting": "2026年第12次局党委班子会议",
        "approved_on": "2026-12-01", "approver": "韩立新", "digest": digest, "operator": "王五",
    }
    assert ssj(bureau, "check").code == 0
    assert draw(ssj, bureau, "2026-12-01").code == 0
    assert ssj(bureau, "verify-ledger").code == 0
    before = snapshot(bureau)
    refused(ssj(bureau, "plan", "approve", "--year", "2026", "--meeting", "再次", "--approver", "韩立新",
                "--date", "2026-12-02"), "内容没有变化，无需重新审批")
    assert snapshot(bureau) == before


def test_comment_only_change_needs_no_new_approval(bureau, ssj):
    replace_in(bureau / "plans/2026.yaml", "  # 二股：全年开放，频次 4，比例均不超过 0.1\n", "  # 二股：注释改写不影响审批\n")
    assert ssj(bureau, "check").code == 0
    assert draw(ssj, bureau, "2026-12-01").code == 0


def test_approve_refuses_a_broken_plan(bureau, ssj):
    replace_in(bureau / "plans/2026.yaml", "    section: ergu\n    checklist_item: \"C03\"",
               "    section: ergu\n    checklist_item: \"C99\"")
    before = snapshot(bureau)
    result = ssj(bureau, "plan", "approve", "--year", "2026", "--meeting", "会", "--approver", "韩立新", "--date", "2026-12-01")
    refused(result, "计划文件有 1 处错误，改正后才能审批")
    assert "C99" in result.err
    assert snapshot(bureau) == before


def fake_approval(root: Path) -> None:
    """Change the 2026 plan and write the matching digest into its approval block by hand (no ssj plan approve)."""
    plan = root / "plans/2026.yaml"
    approved = load_yaml(plan.read_text(encoding="utf-8"))["approval"]["digest"]
    replace_in(plan, "    frequency: 4\n    team_size: 2\n  - id: \"2026-sangu-01\"",
               "    frequency: 9\n    team_size: 2\n  - id: \"2026-sangu-01\"")
    replace_in(plan, approved, annual_digest(plan))


def test_approval_block_alone_is_not_an_approval(bureau, ssj):
    # 第七条: the 班子会议's approval is the plan_approval record ssj plan approve appends to the bureau ledger;
    # a digest typed into the plan file is not one
    recorded = latest_recorded_approval(bureau, 2026)
    fake_approval(bureau)
    check = ssj(bureau, "check")
    assert check.code == 1
    assert (f"plans/2026.yaml:11: 2026 年度检查计划的内容与局台账中最近一次审批（{recorded['approved_on']}，"
            f"摘要 {recorded['digest'][:12]}…）不符："
            "计划在审批后被修改或审批块被手工改写（第七条），请用 ssj plan approve 重新审批") in check.out
    before = snapshot(bureau)
    refused(draw(ssj, bureau, "2026-12-01"), "第七条", "ssj plan approve")
    assert snapshot(bureau) == before
    # approving it for real (the block already holds the digest: approve must not say "nothing changed")
    result = ssj(bureau, "plan", "approve", "--year", "2026", "--meeting", "2026年第12次局党委班子会议",
                 "--approver", "韩立新", "--date", "2026-12-01")
    assert result.code == 0, result.err
    assert ssj(bureau, "check").code == 0
    assert draw(ssj, bureau, "2026-12-01").code == 0


def test_approval_missing_from_the_bureau_ledger(bureau, ssj):
    (bureau / "data/ledger/bureau/2026.jsonl").unlink()
    check = ssj(bureau, "check")
    assert check.code == 1
    for line, year in ((11, 2026), (11, 2027)):
        assert (f"plans/{year}.yaml:{line}: {year} 年度检查计划的审批没有记入局台账（data/ledger/bureau/），"
                "审批块可能是手工填写的：第七条要求计划经班子会议审批，请用 ssj plan approve 记录审批") in check.out
    assert "plans/2026.yaml:81: 临时检查计划 2026-T01的审批没有记入局台账" in check.out
    before = snapshot(bureau)
    refused(draw(ssj, bureau, "2026-12-01"), "审批没有记入局台账", "第七条", "ssj plan approve")
    assert snapshot(bureau) == before


def test_a_typed_in_approval_line_after_a_broken_line_does_not_count(bureau, ssj):
    from shuangsuiji.publish.verifier import verify as kit

    ledger = bureau / "data/ledger/bureau/2026.jsonl"
    current = latest_recorded_approval(bureau, 2026)  # the approval of the 2026 plan as it stands
    lines = ledger.read_bytes().splitlines(keepends=True)
    assert json.loads(lines[0])["year"] == 2026
    # the first 2026 approval is gone; the chain is broken from line 1, so the later approvals do not count either
    ledger.write_bytes(b"".join(lines[1:]))
    before = snapshot(bureau)
    refused(draw(ssj, bureau, "2026-12-01"), "审批没有记入局台账")
    # a sealed copy of the current approval typed in after the broken lines is not an approval either
    body = {k: v for k, v in current.items() if k != "hash"}
    body["seq"] = len(lines) - 1
    body["hash"] = kit.record_hash(body)
    ledger.write_bytes(ledger.read_bytes() + kit.canonical(body) + b"\n")
    refused(draw(ssj, bureau, "2026-12-01"), "审批没有记入局台账")
    assert {k: v for k, v in snapshot(bureau).items() if k != "data/ledger/bureau/2026.jsonl"} == {
        k: v for k, v in before.items() if k != "data/ledger/bureau/2026.jsonl"}


def test_temporary_plan_approval_block_alone_is_not_an_approval(bureau, ssj):
    from shuangsuiji.plan.digest import temporary_plan_digest

    plan = bureau / "plans/2026.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + TEMPORARY, encoding="utf-8")
    raw = next(t for t in load_yaml(plan.read_text(encoding="utf-8"))["temporary"] if t["id"] == "2026-T02")
    digest = temporary_plan_digest(json.loads(json.dumps(raw, default=str)))
    replace_in(plan, '    reason: 根据上级部署，对烟花爆竹经营单位开展岁末年初专项检查\n',
               '    reason: 根据上级部署，对烟花爆竹经营单位开展岁末年初专项检查\n'
               f'    approval:\n      meeting: 第13次班子会议\n      date: 2026-11-30\n      approver: 韩立新\n'
               f'      digest: "{digest}"\n')
    check = ssj(bureau, "check")
    assert check.code == 1 and "临时检查计划 2026-T02的审批没有记入局台账" in check.out
    before = snapshot(bureau)
    refused(draw(ssj, bureau, "2026-12-01", "--plan-item", "2026-T02-01"), "临时检查计划 2026-T02的审批没有记入局台账",
            "第七条", "ssj plan approve")
    assert snapshot(bureau) == before


# ---------------------------------------------------------------------------------------------------
# Plan items: which one, whose, how often, when
# ---------------------------------------------------------------------------------------------------

def test_the_only_open_item_may_be_left_out(bureau, ssj):
    record = draw_record(ssj, bureau, "2026-12-01", "--ratio", "0.1")
    assert record["plan_item"] == "2026-ergu-01" and record["checklist_item"] == "C03"
    assert draw_record(ssj, bureau, "2027-06-30")["plan_item"] == "2027-ergu-01"


def test_item_of_another_section_refused(bureau, ssj):
    before = snapshot(bureau)
    refused(draw(ssj, bureau, "2026-12-01", "--plan-item", "2026-yigu-01"),
            "计划事项 2026-yigu-01 属于科室 yigu，不属于安全监管二股")
    refused(draw(ssj, bureau, "2026-12-01", "--plan-item", "2026-ergu-99"),
            "2026 年计划中没有计划事项“2026-ergu-99”", "安全监管二股的事项：2026-ergu-01")
    refused(draw(ssj, bureau, "2026-12-01", "--plan-item", "2027-ergu-01"), "2026 年计划中没有计划事项“2027-ergu-01”")
    assert snapshot(bureau) == before


def test_frequency_used_up_and_a_void_gives_one_back(bureau, ssj):
    dates = ["2026-01-05", "2026-03-31", "2026-07-01", "2026-11-30"]  # any dates inside the window count
    for n, date in enumerate(dates):
        assert draw(ssj, bureau, date, seed=str(n)).code == 0
    before = snapshot(bureau)
    refused(draw(ssj, bureau, "2026-12-01", seed="5"),
            "计划事项 2026-ergu-01 的 2026 年频次已用完（4 次/年，已抽取 4 次，第十六条）", "临时检查计划")
    refused(ssj(bureau, "announce", "--section", "二股", "--date", "2026-12-01", "--source", "双色球:2026140",
                "--not-before", "2026-12-01T21:30"), "频次已用完")
    assert snapshot(bureau) == before
    assert ssj(bureau, "void", "二股-1", "--reason", "重复抽取").code == 0
    assert draw(ssj, bureau, "2026-12-01", "--again", "--reason", "二股-1 作废后重抽", seed="7").code == 0
    refused(draw(ssj, bureau, "2026-12-01", "--again", "--reason", "再抽", seed="8"), "已抽取 4 次")
    status = json.loads(ssj(bureau, "plan", "status", "--year", "2026", "--json").out)
    row = next(r for r in status["items"] if r["item"] == "2026-ergu-01")
    assert (row["draws"], row["voided"], row["frequency"]) == (4, 1, 4)
    # another year's item has its own count
    assert draw(ssj, bureau, "2027-01-04", seed="6").code == 0


@pytest.mark.parametrize("date", ["2026-03-15", "2026-07-01", "2026-09-30"])
def test_date_outside_the_window_refused(bureau, ssj, date):
    # 一股's item runs in quarters 2 and 4
    before = snapshot(bureau)
    refused(draw(ssj, bureau, date, section="一股"),
            f"{date} 不在安全监管一股任何计划事项的实施时间内（第七条、第十二条）", "该科室的事项：2026-yigu-01")
    refused(draw(ssj, bureau, date, "--plan-item", "2026-yigu-01", section="一股"),
            f"计划事项 2026-yigu-01 只在 4月、5月、6月、10月、11月、12月 实施，{date} 不在其实施时间内（第十二条）")
    assert snapshot(bureau) == before


@pytest.mark.parametrize("date", ["2026-04-01", "2026-06-30", "2026-10-01"])
def test_date_inside_the_window_accepted(bureau, ssj, date):
    record = draw_record(ssj, bureau, date, section="一股", seed="20261202")
    assert record["plan_item"] == "2026-yigu-01" and record["date"] == date


TEMPORARY = """  - id: "2026-T02"
    name: 岁末年初烟花爆竹专项检查
    reason: 根据上级部署，对烟花爆竹经营单位开展岁末年初专项检查
    items:
      - id: "2026-T02-01"
        section: ergu
        checklist_item: "C03"
        specialties: [烟花爆竹]
        ratio: "0.2"
        multiplier: "2"
        frequency: 1
        months: [12]
        team_size: 2
"""


def test_several_open_items_need_plan_item(bureau, ssj):
    plan = bureau / "plans/2026.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + TEMPORARY, encoding="utf-8")
    november = bureau.parent / "十一月"  # in November only the annual item is open (a copy: a ledger never goes back in time)
    shutil.copytree(bureau, november)
    # not approved yet: it does not count as open, and cannot be drawn
    assert draw_record(ssj, bureau, "2026-12-01")["plan_item"] == "2026-ergu-01"
    before = snapshot(bureau)
    refused(draw(ssj, bureau, "2026-12-01", "--plan-item", "2026-T02-01"), "临时检查计划 2026-T02 未经审批或审批后被修改（第七条）")
    assert snapshot(bureau) == before
    approve = ssj(bureau, "plan", "approve", "--year", "2026", "--temporary", "2026-T02", "--meeting", "第13次班子会议",
                  "--approver", "韩立新", "--date", "2026-11-30")
    assert approve.code == 0, approve.err
    assert ssj(november, "plan", "approve", "--year", "2026", "--temporary", "2026-T02", "--meeting", "第13次班子会议",
               "--approver", "韩立新", "--date", "2026-11-30").code == 0
    assert draw_record(ssj, november, "2026-11-02")["plan_item"] == "2026-ergu-01"
    before = snapshot(bureau)
    refused(draw(ssj, bureau, "2026-12-01"), "安全监管二股在 2026-12-01 有多个计划事项，请用 --plan-item 指定：2026-ergu-01、2026-T02-01")
    assert snapshot(bureau) == before
    record = draw_record(ssj, bureau, "2026-12-01", "--plan-item", "2026-T02-01")
    assert record["plan_item"] == "2026-T02-01"
    populations = strata_by_name(record)
    fireworks = {str(e["id"]) for e in companies(bureau) if e["specialty"] == "烟花爆竹"}
    assert all(i in fireworks for s in record["strata"] for i in s["population"])  # the item's specialty only
    assert strata_by_name(record)["一般"]["ratio"] == "0.2" and populations["风险A"]["ratio"] == "0.2"
    refused(draw(ssj, bureau, "2026-12-01", "--plan-item", "2026-T02-01", "--again", "--reason", "再抽"),
            "2026-T02-01 的 2026 年频次已用完（1 次/年")
    approval = json.loads((bureau / "data/ledger/bureau/2026.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert (approval["plan"], approval["year"]) == ("2026-T02", 2026)


# ---------------------------------------------------------------------------------------------------
# Strata (第十六条): 重点 at 100 %, risk classes at plan ratios, blacklist and problems raised
# ---------------------------------------------------------------------------------------------------

def check_strata(record, populations, ratios):
    assert [s["name"] for s in record["strata"]] == STRATA  # every stratum listed, even an empty one
    for s in record["strata"]:
        assert s["population"] == populations[s["name"]], s["name"]
        assert s["ratio"] == ratios[s["name"]], s["name"]
        assert s["k"] == k_of(s["ratio"], len(s["population"])), s["name"]
        assert len(s["selected"]) == s["k"]


def test_strata_at_plan_ratios(bureau, ssj):
    record = draw_record(ssj, bureau, "2026-12-01")
    assert record["ratio"] is None
    populations = expected_populations(bureau, dt.date(2026, 12, 1))
    check_strata(record, populations, ERGU_2026)
    by_name = strata_by_name(record)
    assert populations["黑名单"] == [BLACKLISTED]
    assert by_name["问题"] == {"name": "问题", "ratio": "0.1", "population": [], "count": 0, "k": 0, "selected": []}
    assert by_name["重点"]["k"] == len(by_name["重点"]["population"]) == 16
    assert DISHONEST in by_name["风险C"]["population"] + by_name["风险B"]["population"] + by_name["一般"]["population"] \
        + by_name["风险A"]["population"] + by_name["风险D"]["population"]
    stopped = {str(e["id"]) for e in companies(bureau) if e.get("status") != "在营"}
    assert stopped and not stopped & {i for s in record["strata"] for i in s["population"]}


def test_blacklist_only_while_in_force(bureau, ssj):
    # listed until 2027-09-17: from 2027-09-17 on the listing has ended
    inside = strata_by_name(draw_record(ssj, bureau, "2027-09-16"))
    # (after the rest period too: a company drawn on 09-16 is left out of the 风险 strata for 90 days)
    after = strata_by_name(draw_record(ssj, bureau, "2027-12-20"))
    assert inside["黑名单"]["population"] == [BLACKLISTED]
    assert after["黑名单"]["population"] == []
    assert BLACKLISTED in after[f"风险{next(e['risk'] for e in companies(bureau) if e['id'] == BLACKLISTED)}"]["population"]
    assert inside["黑名单"]["ratio"] == "0.1"


def test_precedence_key_over_blacklist_over_risk(bureau, ssj):
    credit = bureau / "data/credit.yaml"
    risky = next(e for e in companies(bureau) if e["specialty"] == "烟花爆竹" and e.get("risk") == "A"
                 and not e.get("key") and e.get("status") == "在营")
    removed = next(e for e in companies(bureau) if e["specialty"] == "烟花爆竹" and e.get("risk") == "D"
                   and not e.get("key") and e.get("status") == "在营")
    extra = "".join(
        f"  - entity: \"{entity}\"\n    kind: 黑名单\n    reason: 测试\n    listed_on: 2026-06-01\n"
        f"    until: 2028-05-31\n    source: 测试〔2026〕{n}号\n{tail}"
        for n, (entity, tail) in enumerate([
            (KEY_COMPANY, ""), (risky["id"], ""),
            (removed["id"], "    removed_on: 2026-11-01\n    removal_reason: 信用修复\n"),
        ], 1)
    )
    credit.write_text(credit.read_text(encoding="utf-8") + extra, encoding="utf-8")
    record = draw_record(ssj, bureau, "2026-12-01")
    by_name = strata_by_name(record)
    assert KEY_COMPANY in by_name["重点"]["population"]
    assert by_name["黑名单"]["population"] == sorted([BLACKLISTED, risky["id"]])
    assert removed["id"] in by_name["风险D"]["population"]
    check_strata(record, expected_populations(bureau, dt.date(2026, 12, 1)), ERGU_2026)


@pytest.mark.parametrize(("floor", "stored", "expected"), [
    # the floor raises the base ratio (0.05) before the multiplier (×2) applies: 黑名单 and 问题 stay doubled
    ("0.06", "0.06", {**ERGU_2026, "风险C": "0.06", "风险D": "0.06", "一般": "0.06", "黑名单": "0.12", "问题": "0.12"}),
    ("0.09", "0.09", {**ERGU_2026, "风险B": "0.09", "风险C": "0.09", "风险D": "0.09", "一般": "0.09",
                      "黑名单": "0.18", "问题": "0.18"}),
    ("8%", "0.08", {**ERGU_2026, "风险C": "0.08", "风险D": "0.08", "一般": "0.08", "黑名单": "0.16", "问题": "0.16"}),
    ("0.01", "0.01", ERGU_2026),  # never lowers a plan ratio
    (".5", "0.5", {name: ("1" if name in ("重点", "黑名单", "问题") else "0.5") for name in STRATA}),
    ("100%", "1", dict.fromkeys(STRATA, "1")),
])
def test_ratio_is_a_floor(bureau, ssj, floor, stored, expected):
    record = draw_record(ssj, bureau, "2026-12-01", "--ratio", floor)
    assert record["ratio"] == stored
    check_strata(record, expected_populations(bureau, dt.date(2026, 12, 1)), expected)
    if stored == "1":
        assert all(s["k"] == len(s["population"]) for s in record["strata"])


def test_multiplier_capped_at_one():
    item = PlanItem.model_validate({
        "id": "X", "section": "ergu", "checklist_item": "C03", "ratio": "0.3", "risk_ratios": {"A": "0.6"},
        "multiplier": "4", "frequency": 1,
    })
    ratios = plan_ratios(item)
    assert ratios["黑名单"] == ratios["问题"] == Decimal(1)
    assert ratios["风险A"] == Decimal("0.6") and ratios["风险B"] == Decimal("0.3") and ratios["一般"] == Decimal("0.3")
    gentle = PlanItem.model_validate({**item.model_dump(), "multiplier": "1.5", "risk_ratios": {}})
    assert plan_ratios(gentle)["问题"] == Decimal("0.45")


def test_build_strata_floor_never_exceeds_one():
    item = PlanItem.model_validate({"id": "X", "section": "ergu", "checklist_item": "C03", "ratio": "0.3", "frequency": 1})
    strata = build_strata([], item, Decimal(1), set(), set())
    assert [(s.name, s.ratio) for s in strata] == [(name, Decimal(1)) for name in STRATA]


# ---------------------------------------------------------------------------------------------------
# Problem companies come from finished reports of the look-back window
# ---------------------------------------------------------------------------------------------------

def write_report(root: Path, base: dict, entity: str, *, status="已办结", result="发现问题已责令改正",
                 finished="2026-11-20") -> None:
    team = base["inspectors"]["teams"][next(a["team"] for a in assigned(base) if a["entity"] == entity)]
    contents = load_yaml((root / "data/checklist.yaml").read_text(encoding="utf-8"))["items"]
    content = next(c for c in contents if c["id"] == "C03")["contents"][0]
    report = {
        "draw": f"ergu-{base['seq']}", "draw_hash": base["hash"], "section": "ergu", "entity": entity,
        "checklist_item": "C03", "status": status, "check_dates": [dt.date.fromisoformat(finished)], "method": "现场",
        "contents": [content], "inspectors": team, "findings": "现场检查发现问题", "result": result,
        "handling": "责令限期改正",
    }
    path = root / f"data/reports/ergu/ergu-{base['seq']}-{entity}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_yaml(report, allow_unicode=True, sort_keys=False), encoding="utf-8")


def plain_companies(root: Path, count: int) -> list[str]:
    found = [str(e["id"]) for e in companies(root) if e["specialty"] == "危险化学品" and e.get("status") == "在营"
             and not e.get("key") and e["id"] != BLACKLISTED and e.get("risk")]
    return found[:count]


@pytest.fixture
def reported(bureau, ssj):
    """二股-0 (2026-01-05, every company drawn) and reports on it; returns the companies by role."""
    base = draw_record(ssj, bureau, "2026-01-05", "--ratio", "1")
    recent, old, draft, clean = plain_companies(bureau, 4)
    write_report(bureau, base, recent)  # 2026-11-20
    write_report(bureau, base, old, finished="2026-01-20")
    write_report(bureau, base, draft, status="草稿")
    write_report(bureau, base, clean, result="未发现问题")
    write_report(bureau, base, BLACKLISTED)
    write_report(bureau, base, KEY_COMPANY)
    check = ssj(bureau, "check")
    assert check.code == 0, check.out + check.err
    return {"recent": recent, "old": old, "draft": draft, "clean": clean}


def test_problem_stratum_from_finished_reports(reported, bureau, ssj):
    record = draw_record(ssj, bureau, "2026-12-01")
    by_name = strata_by_name(record)
    problems = frozenset({reported["recent"], reported["old"]})
    assert by_name["问题"]["population"] == sorted(problems)
    assert by_name["问题"]["ratio"] == "0.1" and by_name["问题"]["k"] == 1
    assert BLACKLISTED in by_name["黑名单"]["population"]  # 黑名单 before 问题
    assert KEY_COMPANY in by_name["重点"]["population"]  # 重点 before everything
    check_strata(record, expected_populations(bureau, dt.date(2026, 12, 1), problems), ERGU_2026)


def test_problem_look_back_window_is_exact(reported, bureau):
    data = load_bureau(Workspace(bureau))
    old, recent = reported["old"], reported["recent"]
    # finished 2026-01-20; problem_lookback_days: 365
    assert problem_entities(data, dt.date(2027, 1, 20)) >= {old, recent}
    assert old not in problem_entities(data, dt.date(2027, 1, 21))
    assert recent not in problem_entities(data, dt.date(2026, 11, 19))  # not finished yet on that date
    assert problem_entities(data, dt.date(2026, 11, 20)) == {old, recent, BLACKLISTED, KEY_COMPANY}


def test_problem_stratum_in_the_next_year(reported, bureau, ssj):
    record = draw_record(ssj, bureau, "2027-02-01")
    assert strata_by_name(record)["问题"]["population"] == [reported["recent"]]
    assert strata_by_name(record)["问题"]["ratio"] == "0.1"


# ---------------------------------------------------------------------------------------------------
# ssj plan status
# ---------------------------------------------------------------------------------------------------

def test_plan_status_counts_draws_against_frequency(bureau, ssj):
    first = draw_record(ssj, bureau, "2026-12-01", "--ratio", "0.1")
    assert ssj(bureau, "void", "二股-0", "--reason", "测试").code == 0
    draw_record(ssj, bureau, "2026-12-01", seed="2")  # a voided draw does not count for the spacing either
    draw_record(ssj, bureau, "2026-11-02", section="一股", seed="20261202")
    status = json.loads(ssj(bureau, "plan", "status", "--year", "2026", "--json").out)
    assert status["year"] == 2026
    rows = {r["item"]: r for r in status["items"]}
    assert set(rows) == {"2026-yigu-01", "2026-ergu-01", "2026-sangu-01", "2026-bangongshi-01", "2026-zhihui-01",
                         "2026-zhifa-01", "2026-T01-01"}
    ergu = rows["2026-ergu-01"]
    second = ledger_records(bureau, "ergu")[2]
    assert (ergu["draws"], ergu["voided"], ergu["frequency"]) == (1, 1, 4)
    assert ergu["companies"] == len(assigned(second)) != len(assigned(first))
    assert ergu["months"] == list(range(1, 13))
    assert (rows["2026-yigu-01"]["draws"], rows["2026-yigu-01"]["frequency"], rows["2026-yigu-01"]["months"]) == \
        (1, 2, [4, 5, 6, 10, 11, 12])
    assert rows["2026-T01-01"]["temporary"] == "2026-T01"
    table = ssj(bureau, "plan", "status", "--year", "2026")
    assert table.code == 0 and "1/4" in table.out and "1/2" in table.out and "0/3" in table.out
    assert json.loads(ssj(bureau, "plan", "status", "--year", "2027", "--json").out)["items"][1]["draws"] == 0
    refused(ssj(bureau, "plan", "status", "--year", "2028"), "2028 年没有年度检查计划（plans/2028.yaml）")
    refused(ssj(bureau, "plan", "status", "--year", "1999", "--json"), "1999 年没有年度检查计划")


def test_a_draft_of_next_years_plan_does_not_stop_this_years_draws(bureau, ssj):
    path = bureau / "plans" / "2027.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("frequency: 4", "frequency: 5", 1), encoding="utf-8")
    assert "2027 年度检查计划在审批后被修改，需要重新审批" in ssj(bureau, "check").out
    assert draw(ssj, bureau, "2026-12-01").code == 0
    refused(draw(ssj, bureau, "2027-01-04", seed="9"), "2027 年度检查计划在审批后被修改，需要重新审批")


def test_plan_status_warns_in_the_last_month_while_there_is_still_time(bureau, ssj):
    # a clerk learns in December, not in January, that the year's draws are not done
    items = {i["item"]: i for i in json.loads(ssj(bureau, "plan", "status", "--date", "2026-12-20", "--json").out)["items"]}
    assert "实施期本月（12 月）结束：计划 4 次，已抽取 0 次，本月内还需抽取 4 次" in items["2026-ergu-01"]["overdue"]
    november = {i["item"]: i for i in json.loads(ssj(bureau, "plan", "status", "--date", "2026-11-20", "--json").out)["items"]}
    assert not any("本月" in line for line in november["2026-ergu-01"]["overdue"])
