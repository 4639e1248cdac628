"""集中审理 for real (第二十条): 会签 sections, the decision's 文号, a 局领导 in office as signer — refused otherwise
by ``ssj report review``, and an error of ``ssj check`` when a report file says otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.helpers import assigned, snapshot

NUMBER = "汝应急罚〔2026〕58号"


@pytest.fixture
def report(bureau, ssj) -> Path:
    """A finished 二股 report with a major violation, waiting for its review."""
    drawn = ssj(bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "1 2 3 4 5 6", "--json")
    record = json.loads(drawn.out)
    entity = assigned(record)[0]["entity"]
    assert ssj(bureau, "report", "new", "二股-0", entity).code == 0
    path = bureau / f"data/reports/ergu/ergu-0-{entity}.yaml"
    text = path.read_text(encoding="utf-8").replace("major_violation: false", "major_violation: true")
    path.write_text(text, encoding="utf-8")
    return path


def review(ssj, bureau, path, *extra, signer="韩立新", cosign=("二股",), number=NUMBER, date="2026-12-01"):
    args = ["report", "review", str(path), "--decision", "依法处罚", "--number", number, "--signed-by", signer,
            "--date", date]
    for section in cosign:
        args += ["--cosign", section]
    return ssj(bureau, *args, *extra)


def test_a_review_records_its_cosigning_sections_number_and_signer(bureau, ssj, report):
    result = review(ssj, bureau, report, cosign=("二股", "执法大队"))
    assert result.code == 0, result.err
    written = yaml.safe_load(report.read_text(encoding="utf-8"))["review"]
    assert written["cosigned_by"] == ["ergu", "zhifa"] and written["number"] == NUMBER
    assert written["signed_by"] == "韩立新"


@pytest.mark.parametrize(("options", "message"), [
    ({"signer": "王五"}, "签发人“王五”不是局领导（data/bureau.yaml 的 leaders：韩立新（局长）、宋志强（副局长））"),
    ({"signer": "宋志强", "date": "2024-07-14"}, "签发人宋志强在审理日期 2024-07-14 不在局领导任上（任职：2024-07-15—至今）"),
    ({"cosign": ("执法大队",)}, "会签科室中没有检查科室安全监管二股（ergu）"),
    ({"number": "58号"}, "决定文号“58号”格式不对"),
])
def test_a_review_that_breaks_article_20_is_refused_and_writes_nothing(bureau, ssj, report, options, message):
    before = snapshot(bureau)
    result = review(ssj, bureau, report, **options)
    assert result.code == 1 and message in result.err and "Traceback" not in result.err
    assert snapshot(bureau) == before


def test_an_unknown_cosigning_section_is_refused_with_the_valid_names(bureau, ssj, report):
    result = review(ssj, bureau, report, cosign=("二股", "二十股"))
    assert result.code == 1 and "没有科室“二十股”。可用的科室：" in result.err


def test_a_second_review_needs_amend(bureau, ssj, report):
    assert review(ssj, bureau, report).code == 0
    before = snapshot(bureau)
    again = review(ssj, bureau, report, signer="宋志强")
    assert again.code == 1 and "已有集中审理记录（2026-12-01）：确需更正时加 --amend" in again.err
    assert snapshot(bureau) == before
    assert review(ssj, bureau, report, "--amend", signer="宋志强").code == 0
    assert yaml.safe_load(report.read_text(encoding="utf-8"))["review"]["signed_by"] == "宋志强"


def test_a_hand_written_review_without_a_leader_fails_check(bureau, ssj, report):
    text = report.read_text(encoding="utf-8")
    start = text.index("review:")
    report.write_text(text[:start] + "review:\n  date: 2026-12-01\n  decision: 同意\n  signed_by: 科员甲\n",
                      encoding="utf-8")
    checked = ssj(bureau, "check")
    assert checked.code == 1
    rel = report.relative_to(bureau).as_posix()
    for message in ("集中审理须写明决定文号（number）", "集中审理须写明会签科室（cosigned_by），至少包括检查科室安全监管二股（ergu）",
                    "签发人“科员甲”不是局领导"):
        assert f"{rel}:" in checked.out and message in checked.out


def test_a_bureau_without_leaders_cannot_review(bureau, ssj, report):
    path = bureau / "data/bureau.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("leaders:")], encoding="utf-8")
    result = review(ssj, bureau, report)
    assert result.code == 1 and "data/bureau.yaml 没有列出局领导（leaders：name、title、since）" in result.err
