"""What is due (issue 13 part 4, SPEC §9): companies without a finished report, 整改 deadlines without a 复查,
书面检查 materials not received, reviews pending, results past their disclosure deadline, cases ready to close."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from shuangsuiji.registry.loading import load_bureau
from shuangsuiji.reports.due import DueItem, due_items
from shuangsuiji.workspace import Workspace
from tests.helpers import assigned, team_of

D = dt.date.fromisoformat


def todo(root: Path, today: str, section: str | None = None) -> list[DueItem]:
    ws = Workspace(root)
    data = load_bureau(ws)
    return due_items(ws, data, D(today), data.section(section) if section else None)


def case_items(root: Path, today: str, rel: str) -> list[tuple[str, str, str | None]]:
    """(kind, state, due) of the items about one report."""
    return [(i.kind, i.state, i.due) for i in todo(root, today) if i.report == rel]


def edit(path: Path, **fields) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document.update(fields)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def drawn(bureau, ssj) -> tuple[dict, list[str]]:
    """二股-0 drawn on 2026-12-01: the record and its companies."""
    result = ssj(bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "1 2 3 4 5 6", "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    return record, [a["entity"] for a in assigned(record)]


@pytest.fixture
def case(bureau, ssj, drawn) -> tuple[Path, str]:
    """The first company of 二股-0 checked on 2026-12-01 and ordered to put it right by 2026-12-20."""
    record, entities = drawn
    assert ssj(bureau, "report", "new", "二股-0", entities[0]).code == 0
    rel = f"data/reports/ergu/ergu-0-{entities[0]}.yaml"
    edit(bureau / rel, status="已办结", check_dates=["2026-12-01"], inspectors=team_of(record, entities[0]),
         findings="灭火器过期", result="发现问题已责令改正", handling="责令限期更换",
         rectification_deadline="2026-12-20", follow_up=["责令限期整改"])
    return bureau / rel, rel


def test_every_drawn_company_needs_a_report_until_it_is_finished(bureau, ssj, drawn):
    record, entities = drawn
    items = todo(bureau, "2026-12-01")
    assert [(i.kind, i.state, i.draw, i.entity, i.since, i.due) for i in items] == [
        ("report_missing", "open", "二股-0", e, "2026-12-01", None) for e in sorted(entities)]
    assert items[0].detail == f"尚未新建检查报告：ssj report new 二股-0 {items[0].entity}"
    assert items[0].name is not None and items[0].what == "未建检查报告"
    assert ssj(bureau, "report", "new", "二股-0", entities[0]).code == 0
    rel = f"data/reports/ergu/ergu-0-{entities[0]}.yaml"
    draft = [i for i in todo(bureau, "2026-12-01") if i.entity == entities[0]]
    assert [(i.kind, i.report) for i in draft] == [("report_draft", rel)]


def test_a_voided_draw_asks_for_nothing(bureau, ssj, drawn):
    assert ssj(bureau, "void", "二股-0", "--reason", "抽取参数填错").code == 0
    assert todo(bureau, "2026-12-01") == []


def test_a_rectification_order_is_upcoming_then_overdue_until_its_recheck(bureau, ssj, case):
    path, rel = case
    assert case_items(bureau, "2026-12-01", rel) == []  # the deadline is 19 days away; the case cannot close yet
    assert case_items(bureau, "2026-12-13", rel) == [("recheck", "upcoming", "2026-12-20")]
    assert case_items(bureau, "2026-12-20", rel) == [("recheck", "upcoming", "2026-12-20")]  # the last day
    assert case_items(bureau, "2026-12-21", rel)[0] == ("recheck", "overdue", "2026-12-20")
    overdue = todo(bureau, "2026-12-21")[0]  # overdue items come first
    assert (overdue.kind, overdue.detail) == ("recheck", f"整改期限 2026-12-20 已过，尚未复查：复查后 ssj report recheck {rel} "
                                                         "--outcome 已整改")
    assert ssj(bureau, "report", "recheck", str(path), "--outcome", "已整改").code == 0
    assert case_items(bureau, "2026-12-21", rel)[0] == ("closing", "open", None)
    assert ssj(bureau, "report", "close", str(path)).code == 0
    assert case_items(bureau, "2026-12-21", rel) == []  # closed; its publication is due 2026-12-29, not yet within the week


def test_a_recheck_that_finds_the_order_unmet_asks_for_another_until_the_case_is_escalated(bureau, ssj, case):
    path, rel = case
    assert ssj(bureau, "report", "recheck", str(path), "--outcome", "部分整改").code == 0
    items = [i for i in todo(bureau, "2026-12-21") if i.report == rel and i.kind != "disclosure"]
    assert [(i.kind, i.state, i.since) for i in items] == [("recheck_again", "open", "2026-12-01")]
    assert "复查结论为“部分整改”" in items[0].detail and f"ssj report recheck {rel}" in items[0].detail
    edit(path, follow_up=["责令限期整改", "立案查处"])
    assert [k for k, _, _ in case_items(bureau, "2026-12-02", rel)] == ["closing"]


def test_written_check_materials_not_received(bureau, case):
    path, rel = case
    edit(path, method="书面", follow_up=["无需处置"], rectification_deadline=None, result="未发现问题",
         materials=[{"name": "安全生产责任制文件", "due": "2026-12-05", "received": None},
                    {"name": "应急预案", "due": "2026-12-30", "received": None}])
    assert case_items(bureau, "2026-12-01", rel) == [("materials", "upcoming", "2026-12-05")]
    assert case_items(bureau, "2026-12-06", rel) == [("materials", "overdue", "2026-12-05")]
    detail = next(i.detail for i in todo(bureau, "2026-12-06") if i.report == rel)
    assert detail.startswith("“安全生产责任制文件”提交期限 2026-12-05 已过，尚未收到")
    edit(path, materials=[{"name": "安全生产责任制文件", "due": "2026-12-05", "received": "2026-12-01"},
                          {"name": "应急预案", "due": "2026-12-30", "received": "2026-12-01"}])
    assert case_items(bureau, "2026-12-01", rel) == [("closing", "open", None)]


def test_a_major_violation_waits_for_its_review(bureau, ssj, case):
    path, rel = case
    edit(path, major_violation=True, follow_up=["立案查处"], rectification_deadline=None)
    assert case_items(bureau, "2026-12-01", rel) == [("review", "open", None)]
    assert "ssj report review" in next(i.detail for i in todo(bureau, "2026-12-01") if i.report == rel)
    late = [i for i in todo(bureau, "2026-12-30") if i.report == rel]
    assert [(i.kind, i.state) for i in late] == [("disclosure", "overdue"), ("review", "open")]
    assert late[0].detail.endswith("须先经集中审理")
    reviewed = ssj(bureau, "report", "review", str(path), "--decision", "同意立案", "--number", "汝应急罚〔2026〕58号",
                   "--cosign", "二股", "--signed-by", "韩立新", "--date", "2026-12-01")
    assert reviewed.code == 0, reviewed.err
    assert case_items(bureau, "2026-12-01", rel) == [("closing", "open", None)]


def test_a_result_is_due_for_publication_within_twenty_working_days(bureau, ssj, case, tmp_path):
    path, rel = case
    edit(path, follow_up=["无需处置"], rectification_deadline=None, result="未发现问题")
    assert case_items(bureau, "2026-12-21", rel) == [("closing", "open", None)]  # due 2026-12-29: 8 days away
    assert case_items(bureau, "2026-12-22", rel)[0] == ("disclosure", "upcoming", "2026-12-29")
    assert case_items(bureau, "2026-12-30", rel)[0] == ("disclosure", "overdue", "2026-12-29")
    item = todo(bureau, "2026-12-30")[0]
    assert (item.since, item.detail) == ("2026-12-01", "办结 2026-12-01，应于 2026-12-29 前公开（第二十二条）：ssj publish")
    assert ssj(bureau, "publish", "--section", "二股", "--out", str(tmp_path / "公示")).code == 0
    assert case_items(bureau, "2026-12-30", rel) == [("closing", "open", None)]


def test_only_the_section_asked_for_and_overdue_first(bureau, ssj, case):
    _, rel = case
    result = ssj(bureau, "draw", "--section", "一股", "--ratio", "0.1", "--seed", "42")
    assert result.code == 0, result.err
    everything = todo(bureau, "2026-12-21")
    assert {i.section for i in everything} == {"ergu", "yigu"}
    assert [i.section for i in everything] == sorted((i.section for i in everything), key=["yigu", "ergu"].index)
    ergu = todo(bureau, "2026-12-21", "ergu")
    assert {i.section for i in ergu} == {"ergu"} and ergu == [i for i in everything if i.section == "ergu"]
    assert [i.state for i in ergu][:2] == ["overdue", "open"] and ergu[0].report == rel
