"""``ssj show`` of every kind of record in words: 抽查文书 and the bureau ledger's approvals and publications,
addressed as the page and results.json address them (局台账-3)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import REPO


@pytest.fixture
def shipped(tmp_path) -> Path:
    """A copy of the shipped example with its history (ledgers, reports), outside git."""
    root = tmp_path / "汝州"
    for folder in ("data", "plans"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def test_a_document_record_in_words(shipped, ssj):
    shown = ssj(shipped, "show", "三股-4")
    assert shown.code == 0, shown.err
    assert shown.out.startswith("抽查文书 三股-4")
    assert "文书：责令限期整改指令书 汝应急责改〔2026〕三股-001" in shown.out
    assert "所属抽取：三股-0（随机抽取" in shown.out and "被检查单位：汝州市嘉昌汝瓷有限公司（91410482793909467F）" in shown.out
    assert "{" not in shown.out  # no raw dict


@pytest.mark.parametrize(("address", "phrases"), [
    ("局台账-0", ["计划审批 局台账-0", "审批：2026 年度检查计划", "审批人：韩立新"]),
    ("局台账-1", ["审批：2026 年临时计划 2026-T01"]),
    ("局台账-4", ["结果公开 局台账-4", "公开：3 项检查结果，科室 安全监管一股、安全监管三股"]),
    ("局台账-5", ["清单审批 局台账-5", "会议：2026年第1次局长办公会（汝应急〔2026〕3号）（2026-01-10）"]),
    ("bureau-5", ["清单审批 局台账-5"]),
])
def test_bureau_records_by_the_address_the_page_uses(shipped, ssj, address, phrases):
    shown = ssj(shipped, "show", address)
    assert shown.code == 0, shown.err
    assert all(p in shown.out for p in phrases), shown.out
    assert "{" not in shown.out
    raw = json.loads(ssj(shipped, "show", address, "--json").out)
    assert raw["hash"] in shown.out


def test_a_bureau_record_that_does_not_exist(shipped, ssj):
    missing = ssj(shipped, "show", "局台账-99")
    assert missing.code == 1 and "没有记录 局台账-99（局台账最后一条是 局台账-5）" in missing.err


def test_log_lists_the_bureau_ledger_and_says_what_each_document_is(shipped, ssj):
    rows = {r["address"]: r for r in json.loads(ssj(shipped, "log", "--limit", "0", "--json").out)}
    assert rows["局台账-5"]["detail"] == "审批随机抽查事项清单：2026年第1次局长办公会（汝应急〔2026〕3号）（2026-01-10，局长）"
    assert rows["局台账-4"]["detail"] == "公开 3 项检查结果（安全监管一股、安全监管三股）"
    assert rows["三股-4"]["detail"] == "责令限期整改指令书 汝应急责改〔2026〕三股-001（三股-0，91410482793909467F）"
    assert "从执法大队抽调" in rows["三股-3"]["detail"]  # the section's name, not its id
    only = json.loads(ssj(shipped, "log", "--section", "局台账", "--limit", "0", "--json").out)
    assert [r["address"] for r in only] == [f"局台账-{n}" for n in range(5, -1, -1)]


def test_a_draw_names_the_records_its_rest_rule_rests_on(shipped, ssj):
    # 大队-1 (2026-12-03) was written in the listed form: show names the records its groups cite, by address
    shown = ssj(shipped, "show", "大队-1").out
    assert "休息期（90 天内已被检查）未进入风险层、一般层的单位：25 家" in shown
    assert "休息期依据的记录（按当时的写法，只列出被排除单位或轮换关系所依据的记录）：三股-0、一股-0、大队-0、指挥中心-2" in shown
