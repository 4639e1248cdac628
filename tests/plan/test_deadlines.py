"""Disclosure deadlines (第二十二条): working days after China's official holidays and 调休, or calendar days;
``ssj plan status`` and ``ssj publish`` list finished checks not yet published and those past the deadline."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from shuangsuiji.plan.deadlines import due_date, is_working_day
from shuangsuiji.plan.status import plan_status
from shuangsuiji.registry.loading import load_bureau
from shuangsuiji.registry.models import DisclosureDeadline
from shuangsuiji.workspace import Workspace
from tests.helpers import assigned

D = dt.date.fromisoformat


def working(days: int) -> DisclosureDeadline:
    return DisclosureDeadline(days=days, unit="工作日")


def calendar(days: int) -> DisclosureDeadline:
    return DisclosureDeadline(days=days, unit="自然日")


# -- the calendar --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "works"), [
    ("2026-09-18", True),  # an ordinary Friday
    ("2026-09-19", False),  # an ordinary Saturday
    ("2026-09-20", True),  # Sunday, 调休: worked for the National Day holiday
    ("2026-09-25", False),  # 中秋节 (Friday)
    ("2026-10-01", False), ("2026-10-05", False), ("2026-10-06", False), ("2026-10-07", False),  # 国庆节
    ("2026-10-08", True),
    ("2026-10-10", True),  # Saturday, 调休
    ("2026-10-11", False),
    ("2026-02-14", True),  # Saturday, 调休 for the Spring Festival
    ("2026-02-16", False), ("2026-02-20", False), ("2026-02-23", False),  # 春节 (Monday 23 included)
    ("2026-02-28", True),  # Saturday, 调休
    ("2026-01-01", False), ("2026-01-02", False),  # 元旦
    ("2026-01-04", True),  # Sunday, 调休
])
def test_working_days_follow_the_official_calendar(day, works):
    assert is_working_day(D(day)) is works


@pytest.mark.parametrize(("finished", "days", "due"), [
    ("2026-09-28", 5, "2026-10-10"),  # across National Day: 9-29, 9-30, 10-8, 10-9, 10-10 (调休 Saturday)
    ("2026-09-30", 1, "2026-10-08"),
    ("2026-10-09", 1, "2026-10-10"),
    ("2026-10-10", 1, "2026-10-12"),
    ("2026-09-18", 1, "2026-09-20"),  # the 调休 Sunday counts
    ("2026-09-24", 1, "2026-09-28"),  # 中秋节 Friday and the weekend do not
    ("2026-02-13", 2, "2026-02-24"),  # Spring Festival: 2-14 (调休), then nothing until Tuesday 2-24
    ("2026-09-28", 20, "2026-10-30"),  # the example bureau's rule: 20 working days (5 + 3 weeks)
    ("2026-10-03", 1, "2026-10-08"),  # finished on a holiday
])
def test_working_day_deadlines(finished, days, due):
    assert due_date(D(finished), working(days)) == D(due)


@pytest.mark.parametrize(("finished", "days", "due"), [
    ("2026-09-28", 5, "2026-10-03"),  # holidays do not matter in calendar days
    ("2026-12-29", 5, "2027-01-03"),
    ("2026-02-27", 2, "2026-03-01"),
])
def test_calendar_day_deadlines(finished, days, due):
    assert due_date(D(finished), calendar(days)) == D(due)


# -- plan status and publish list what is pending and what is overdue ----------------------------------------

def set_disclosure(root: Path, days: int, unit: str) -> None:
    path = root / "data/bureau.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  days: 20\n", f"  days: {days}\n").replace("  unit: 工作日 ", f"  unit: {unit} ")
    path.write_text(text, encoding="utf-8")
    assert yaml.safe_load(text)["disclosure"] == {"days": days, "unit": unit}


def finished_report(ssj, root: Path, draw: str, section: str, day: str) -> tuple[str, str]:
    """A finished report on the first company of ``draw``, checked on ``day``; returns (file, company)."""
    record = [json.loads(line) for line in (root / f"data/ledger/{section}/2026.jsonl").read_text(encoding="utf-8").splitlines()][-1]
    entity = assigned(record)[0]["entity"]
    assert ssj(root, "report", "new", draw, entity).code == 0
    rel = f"data/reports/{section}/{section}-{record['seq']}-{entity}.yaml"
    path = root / rel
    text = path.read_text(encoding="utf-8")
    for old, new in (("status: 草稿", "status: 已办结"), ("check_dates: []", f"check_dates: [{day}]"),
                     ('findings: ""', 'findings: "未发现问题"'), ('result: ""', 'result: "未发现问题"'),
                     ('handling: ""', 'handling: "无"')):
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return rel, entity


@pytest.fixture
def finished(bureau, ssj) -> tuple[Path, str, str]:
    """二股 drawn on 2026-09-25, its first company checked 2026-09-28; the bureau publishes within 5 working days."""
    set_disclosure(bureau, 5, "工作日")
    result = ssj(bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "42", "--date", "2026-09-25")
    assert result.code == 0, result.err
    rel, entity = finished_report(ssj, bureau, "二股-0", "ergu", "2026-09-28")
    assert ssj(bureau, "check").code == 0
    return bureau, rel, entity


def pending(root: Path, today: str) -> list[tuple[str, str, str, str, bool]]:
    ws = Workspace(root)
    _, waiting = plan_status(ws, load_bureau(ws), 2026, D(today))
    return [(p.report, p.entity, p.finished_on, p.due, p.overdue) for p in waiting]


def test_plan_status_lists_an_unpublished_check_as_overdue_after_the_deadline(finished):
    root, rel, entity = finished
    assert pending(root, "2026-09-28") == [(rel, entity, "2026-09-28", "2026-10-10", False)]
    assert pending(root, "2026-10-10") == [(rel, entity, "2026-09-28", "2026-10-10", False)]  # the last day
    assert pending(root, "2026-10-11") == [(rel, entity, "2026-09-28", "2026-10-10", True)]


def test_plan_status_in_calendar_days(finished):
    root, rel, entity = finished
    set_disclosure(root, 5, "自然日")
    assert pending(root, "2026-10-03") == [(rel, entity, "2026-09-28", "2026-10-03", False)]
    assert pending(root, "2026-10-04") == [(rel, entity, "2026-09-28", "2026-10-03", True)]


def test_plan_status_counts_and_falls_behind(finished):
    root, _, _ = finished
    ws = Workspace(root)
    rows, _ = plan_status(ws, load_bureau(ws), 2026, D("2026-10-11"))
    ergu = next(r for r in rows if r.section == "ergu")
    assert (ergu.draws, ergu.voided, ergu.reports, ergu.finished, ergu.published) == (1, 0, 1, 1, 0)
    assert ergu.companies == len(json.loads((root / "data/ledger/ergu/2026.jsonl").read_text(encoding="utf-8"))["assignments"])
    assert ergu.overdue == ["进度滞后：按实施月份应已抽取 3 次，实际 1 次"]  # 4 a year, 9 of 12 months gone
    rows, _ = plan_status(ws, load_bureau(ws), 2026, D("2027-01-05"))
    assert next(r for r in rows if r.section == "ergu").overdue == ["频次未完成：计划 4 次，实际 1 次，实施期已过"]


def test_drafts_are_not_pending(finished, ssj):
    root, rel, _ = finished
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8").replace("status: 已办结", "status: 草稿"), encoding="utf-8")
    assert pending(root, "2026-10-11") == []


def test_plan_status_command_shows_the_overdue_check(finished, ssj):
    root, rel, _ = finished
    result = ssj(root, "plan", "status", "--year", "2026")  # today is after 2026-10-10 whenever this runs
    assert result.code == 0, result.err
    assert "已办结但未公开的检查结果 1 项，其中已超过公示期限 1 项：" in result.out
    assert f"  {rel}：办结 2026-09-28，应于 2026-10-10 前公开（已逾期）" in result.out
    status = json.loads(ssj(root, "plan", "status", "--year", "2026", "--json").out)
    assert [(p["report"], p["due"], p["overdue"]) for p in status["unpublished"]] == [(rel, "2026-10-10", True)]


def test_publish_lists_what_remains_unpublished_and_published_results_leave_the_list(finished, ssj, tmp_path):
    root, rel, entity = finished
    result = ssj(root, "draw", "--section", "一股", "--ratio", "0.1", "--seed", "42", "--date", "2026-10-12")
    assert result.code == 0, result.err
    yigu_rel, yigu_entity = finished_report(ssj, root, "一股-0", "yigu", "2026-10-13")
    assert pending(root, "2026-10-14") == [(rel, entity, "2026-09-28", "2026-10-10", True),
                                           (yigu_rel, yigu_entity, "2026-10-13", "2026-10-20", False)]
    published = ssj(root, "publish", "--section", "一股", "--out", str(tmp_path / "一股公示"))
    assert published.code == 0, published.err
    assert f"尚未公开：{rel}（办结 2026-09-28，已超过公示期限）" in published.out
    assert yigu_rel not in published.out.split("公开 1 项检查结果")[1]
    assert [p[0] for p in pending(root, "2026-10-14")] == [rel]
    ws = Workspace(root)
    rows, _ = plan_status(ws, load_bureau(ws), 2026, D("2026-10-14"))
    assert next(r for r in rows if r.section == "yigu").published == 1
    # publishing the rest empties the list
    assert ssj(root, "publish", "--section", "二股", "--out", str(tmp_path / "二股公示")).code == 0
    assert pending(root, "2026-10-14") == []
    assert "已办结但未公开" not in ssj(root, "plan", "status", "--year", "2026").out


def test_a_year_without_an_official_holiday_schedule_is_known_to_be_estimated():
    from shuangsuiji.plan.deadlines import calendar_known

    assert calendar_known(2026) is True  # the State Council's 2026 schedule, 调休 Saturdays included
    assert calendar_known(2099) is False


@pytest.mark.parametrize(("text", "words"), [("2026-13-01", "不存在：没有 13 月"), ("2026-02-30", "2026 年 2 月只有 28 天"),
                                             ("2026/12/01", "请写成 2026-12-01 这样的格式")])
def test_a_date_that_does_not_exist_says_why(text, words):
    from shuangsuiji.clock import parse_date
    from shuangsuiji.errors import SsjError

    with pytest.raises(SsjError) as refused:
        parse_date(text)
    assert words in refused.value.message
