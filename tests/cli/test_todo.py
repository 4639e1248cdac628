"""``ssj todo``: what is due, as a table grouped by section and as JSON; information, so exit 0."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.helpers import assigned, snapshot, team_of


@pytest.fixture
def overdue(bureau, ssj) -> str:
    """二股-0 drawn on 2026-12-01; its first company ordered to put things right by 2026-12-20; 一股-0 drawn too."""
    record = json.loads(ssj(bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "7", "--json").out)
    entity = assigned(record)[0]["entity"]
    assert ssj(bureau, "report", "new", "二股-0", entity).code == 0
    rel = f"data/reports/ergu/ergu-0-{entity}.yaml"
    document = yaml.safe_load((bureau / rel).read_text(encoding="utf-8"))
    document.update(status="已办结", check_dates=["2026-12-01"], inspectors=team_of(record, entity), findings="灭火器过期",
                    result="发现问题已责令改正", handling="责令限期更换", rectification_deadline="2026-12-20",
                    follow_up=["责令限期整改"])
    (bureau / rel).write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert ssj(bureau, "draw", "--section", "一股", "--ratio", "0.1", "--seed", "42").code == 0
    return rel


def test_nothing_due_says_so(bureau, ssj):
    result = ssj(bureau, "todo")
    assert (result.code, result.out.strip(), result.err) == (0, "截至 2026-12-01，各科室没有待办事项。", "")
    assert json.loads(ssj(bureau, "todo", "--json").out) == {
        "date": "2026-12-01", "counts": {"overdue": 0, "upcoming": 0, "open": 0}, "sections": []}


def test_the_table_groups_by_section_and_ends_with_a_summary(bureau, ssj, overdue):
    before = snapshot(bureau)
    result = ssj(bureau, "todo", "--date", "2026-12-21")
    assert result.code == 0, result.err
    assert snapshot(bureau) == before
    lines = result.out.splitlines()
    titles = [line for line in lines if "：待办 " in line]
    assert [t.split("：")[0] for t in titles] == ["安全监管一股", "安全监管二股"]
    ergu = json.loads(ssj(bureau, "todo", "--date", "2026-12-21", "--section", "二股", "--json").out)["sections"][0]
    assert titles[1] == f"安全监管二股：待办 {len(ergu['items'])} 项"
    body = "\n".join(lines[lines.index(titles[1]):])
    assert "已逾期" in body and "未建检查报告" in body
    assert body.index("已逾期") < body.index("未建检查报告")  # overdue first
    total = json.loads(ssj(bureau, "todo", "--date", "2026-12-21", "--json").out)
    n = total["counts"]
    assert n["overdue"] == 1 and n["upcoming"] == 0
    assert lines[-1] == (f"截至 2026-12-21，各科室共有待办 {sum(n.values())} 项：已逾期 1 项，7 天内到期 0 项，"
                         f"其他待办 {n['open']} 项。")


def test_json_gives_every_item_by_section(bureau, ssj, overdue):
    result = ssj(bureau, "todo", "--date", "2026-12-21", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["date"] == "2026-12-21"
    assert [(s["section"], s["name"]) for s in data["sections"]] == [("yigu", "安全监管一股"), ("ergu", "安全监管二股")]
    first = data["sections"][1]["items"][0]
    assert first == {"section": "ergu", "kind": "recheck", "state": "overdue", "due": "2026-12-20", "since": None,
                     "draw": "二股-0", "entity": overdue.rsplit("-", 1)[1].removesuffix(".yaml"),
                     "name": first["name"], "report": overdue,
                     "detail": f"整改期限 2026-12-20 已过，尚未复查：复查后 ssj report recheck {overdue} --outcome 已整改",
                     "what": "整改期满待复查", "state_text": "已逾期"}
    assert first["name"]
    kinds = {i["kind"] for s in data["sections"] for i in s["items"]}
    assert kinds == {"recheck", "report_missing"}
    count = sum(len(s["items"]) for s in data["sections"])
    assert count == sum(data["counts"].values())


def test_section_filter(bureau, ssj, overdue):
    only = json.loads(ssj(bureau, "todo", "--section", "一股", "--date", "2026-12-21", "--json").out)
    assert [s["section"] for s in only["sections"]] == ["yigu"]
    assert only["counts"]["overdue"] == 0
    table = ssj(bureau, "todo", "--section", "yigu", "--date", "2026-12-21")
    assert table.code == 0 and "安全监管二股" not in table.out
    assert table.out.splitlines()[-1].startswith("截至 2026-12-21，安全监管一股共有待办 ")
    empty = ssj(bureau, "todo", "--section", "三股")
    assert (empty.code, empty.out.strip()) == (0, "截至 2026-12-01，安全监管三股没有待办事项。")


@pytest.mark.parametrize(("args", "phrase"), [
    (("--section", "四股"), "没有科室“四股”。可用的科室：安全监管一股（一股、yigu）"),
    (("--date", "2026-13-01"), "日期“2026-13-01”不存在：没有 13 月"),
])
def test_wrong_options_are_refused_in_chinese(bureau, ssj, args, phrase):
    result = ssj(bureau, "todo", *args)
    assert (result.code, result.out) == (1, "")
    assert phrase in result.err and "Traceback" not in result.err


def test_help_is_chinese(bureau, ssj):
    result = ssj(bureau, "todo", "--help")
    assert result.code == 0 and "待办事项" in result.out and "--section" in result.out
