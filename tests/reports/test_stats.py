"""``ssj stats`` (issue 13 part 6): the year at a glance, per section against the plan, results and follow-ups,
the 整改 closure rate, companies inspected more than once and inspections per inspector."""

from __future__ import annotations

import json

import pytest
import yaml

from shuangsuiji.core.inspections import Inspection
from shuangsuiji.plan.status import ItemStatus
from shuangsuiji.registry.models import Section
from shuangsuiji.reports.stats import outcomes, per_inspector, repeated, section_stats
from tests.helpers import assigned, snapshot, team_of

DAY = "2026-12-01"


def finish(path, **values) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document.update(status="已办结", check_dates=[DAY], findings="检查情况", handling="处理意见", **values)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def year(bureau, ssj):
    """二股 draws twice (the first voided), checks two companies (one ordered to 整改, rechecked and closed; one
    without problems) and checks the first company again on a complaint (a targeted check)."""
    void = json.loads(ssj(bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "9 9 9", "--json").out)
    assert ssj(bureau, "void", "二股-0", "--reason", "参数填错").code == 0
    record = json.loads(ssj(bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "1 2 3 4 5 6", "--json").out)
    first, second = (a["entity"] for a in assigned(record)[:2])
    for entity in (first, second):
        assert ssj(bureau, "report", "new", "二股-2", entity).code == 0
    ordered = bureau / f"data/reports/ergu/ergu-2-{first}.yaml"
    finish(ordered, inspectors=team_of(record, first), result="发现问题已责令改正", rectification_deadline="2026-12-20",
           follow_up=["责令限期整改"])
    finish(bureau / f"data/reports/ergu/ergu-2-{second}.yaml", inspectors=team_of(record, second), result="未发现问题",
           follow_up=["无需处置"])
    assert ssj(bureau, "report", "recheck", str(ordered), "--outcome", "已整改").code == 0
    assert ssj(bureau, "report", "close", str(ordered)).code == 0
    team = team_of(record, first)
    targeted = ssj(bureau, "targeted", "--section", "二股", "--basis", "投诉举报", "--reference", "汝应急投〔2026〕8号",
                   "--reason", "群众投诉夜间违规装卸", "--entity", first, "--inspector", team[0], "--inspector", team[1])
    assert targeted.code == 0, targeted.err
    return {"record": record, "void": void, "first": first, "second": second, "team": team}


def test_stats_of_the_year_as_json(bureau, ssj, year):
    before = snapshot(bureau)
    shown = ssj(bureau, "stats", "--year", "2026", "--json")
    assert shown.code == 0, shown.err
    assert snapshot(bureau) == before  # statistics only read
    stats = json.loads(shown.out)
    ergu = next(s for s in stats["sections"] if s["section"] == "ergu")
    selected = len(year["record"]["assignments"])
    assert ergu == {"section": "ergu", "name": "安全监管二股", "planned_draws": 4, "draws": 1, "voided": 1,
                    "companies": selected, "checked": 2, "published": 0}
    assert all(s["draws"] == 0 for s in stats["sections"] if s["section"] != "ergu")
    assert stats["reports"] == 2
    assert stats["results"] == {"未发现问题": 1, "发现问题已责令改正": 1, "发现问题待后续处理": 0,
                                "未发现开展本次抽查涉及的经营活动": 0, "已关闭停业或正在组织清算": 0, "不配合检查情节严重": 0}
    assert stats["follow_ups"] == {"责令限期整改": 1, "立案查处": 0, "移送": 0, "抄告": 0, "无需处置": 1}
    assert (stats["orders"], stats["orders_met"], stats["closure_rate"]) == (1, 1, 1.0)
    # the voided draw's companies were never inspected; the draw's and the complaint's were, across sections
    assert stats["companies_inspected"] == selected
    assert [(r["entity"], r["inspections"], r["records"]) for r in stats["repeated"]] == [(year["first"], 2, ["二股-2", "二股-3"])]
    counts = {p["id"]: p["inspections"] for p in stats["inspectors"]}
    assert sum(counts.values()) == 2 * selected + 2  # two inspectors per drawn company, two on the complaint
    assert all(counts[person] >= 2 for person in year["team"])
    assert [p["inspections"] for p in stats["inspectors"]] == sorted(counts.values(), reverse=True)


def test_stats_as_tables_in_chinese(bureau, ssj, year):
    shown = ssj(bureau, "stats", "--year", "2026")
    assert shown.code == 0, shown.err
    text = shown.out
    assert "2026 年度各科室抽查进度（对照年度计划）" in text and "1/4" in text
    assert "整改闭环率：100%（责令限期整改 1 项，复查已整改 1 项）" in text
    assert "其中被检查两次及以上 1 家" in text and "2 次（二股-2、二股-3）" in text
    assert "检查结果（已办结的报告 2 份）" in text and "执法人员检查次数" in text


def test_a_rectification_order_not_yet_met_lowers_the_closure_rate(bureau, ssj):
    record = json.loads(ssj(bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "1 2 3 4 5 6", "--json").out)
    entity = assigned(record)[0]["entity"]
    assert ssj(bureau, "report", "new", "二股-0", entity).code == 0
    path = bureau / f"data/reports/ergu/ergu-0-{entity}.yaml"
    finish(path, inspectors=team_of(record, entity), result="发现问题已责令改正", rectification_deadline="2026-12-20",
           follow_up=["责令限期整改"])
    assert ssj(bureau, "report", "recheck", str(path), "--outcome", "未整改").code == 0
    stats = json.loads(ssj(bureau, "stats", "--year", "2026", "--json").out)
    assert (stats["orders"], stats["orders_met"], stats["closure_rate"]) == (1, 0, 0.0)
    assert "整改闭环率：0%" in ssj(bureau, "stats", "--year", "2026").out


def test_a_year_without_a_plan_is_refused_in_chinese(bureau, ssj):
    refused = ssj(bureau, "stats", "--year", "2031")
    assert refused.code == 1
    assert "2031 年没有年度检查计划（plans/2031.yaml）" in refused.err and "Traceback" not in refused.err


def test_an_empty_year_has_no_closure_rate(bureau, ssj):
    stats = json.loads(ssj(bureau, "stats", "--json").out)
    assert stats["year"] == 2026 and stats["reports"] == 0 and stats["closure_rate"] is None
    assert "整改闭环率：本年度没有责令限期整改" in ssj(bureau, "stats").out


# -- the pure parts ------------------------------------------------------------------------------------------

def test_section_stats_sum_the_plan_items_of_each_section():
    sections = [Section(id="yigu", name="安全监管一股", specialties=["非煤矿山"]),
                Section(id="ergu", name="安全监管二股", specialties=["烟花爆竹"])]
    items = [ItemStatus("a", "ergu", None, 4, [12], draws=2, voided=1, companies=7, finished=3, published=1),
             ItemStatus("b", "ergu", "T1", 1, [12], draws=1, companies=2, finished=2, published=2)]
    rows = section_stats(sections, items)
    assert [(r.section, r.planned_draws, r.draws, r.voided, r.companies, r.checked, r.published) for r in rows] == [
        ("yigu", 0, 0, 0, 0, 0, 0), ("ergu", 5, 3, 1, 9, 5, 3)]


def test_outcomes_keep_the_bureau_order_and_a_result_outside_it():
    results = [{"result": "甲", "follow_up": ["移送", "抄告"]}, {"result": "乙", "follow_up": []}, {"result": "丙"}]
    by_result, by_kind = outcomes(results, ["乙", "甲", "丁"])
    assert list(by_result.items()) == [("乙", 1), ("甲", 1), ("丁", 0), ("丙", 1)]
    assert by_kind == {"责令限期整改": 0, "立案查处": 0, "移送": 1, "抄告": 1, "无需处置": 0}


def test_repeated_companies_and_inspections_per_inspector():
    from shuangsuiji.registry.models import Inspector

    found = {"A": [Inspection(1, "h1", ("RZ1", "RZ2")), Inspection(5, "h2", ("RZ1", "RZ9"))],
             "B": [Inspection(1, "h1", ("RZ2", "RZ3"))]}
    rows = repeated(found, {"A": "甲公司"}, {"h1": "二股-1", "h2": "一股-4"})
    assert [(r.entity, r.name, r.inspections, r.records) for r in rows] == [("A", "甲公司", 2, ["二股-1", "一股-4"])]
    people = [Inspector(id=i, name=n, section="ergu", cert_no="41048220230001", cert_expires="2030-01-01", active=a)
              for i, n, a in (("RZ1", "甲", True), ("RZ2", "乙", True), ("RZ3", "丙", False), ("RZ4", "丁", True),
                              ("RZ5", "戊", False))]
    counted = per_inspector(found, people)
    assert [(p.id, p.name, p.inspections) for p in counted] == [
        ("RZ1", "甲", 2), ("RZ2", "乙", 2), ("RZ3", "丙", 1), ("RZ9", "", 1), ("RZ4", "丁", 0)]


def test_stats_is_a_command_with_chinese_help(ssj, tmp_path):
    assert " stats " in ssj(tmp_path, "--help").out
    shown = ssj(tmp_path, "stats", "--help")
    assert shown.code == 0 and "年度统计" in shown.out and "--year" in shown.out and "--json" in shown.out


def test_a_long_list_of_repeated_companies_is_cut_short_on_screen(bureau, ssj, year, monkeypatch):
    monkeypatch.setattr("shuangsuiji.cli.stats.SHOWN", 0)
    text = ssj(bureau, "stats", "--year", "2026").out
    assert "……另有 1 家（全部见 ssj stats --json）" in text and year["first"] not in text
