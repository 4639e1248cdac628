"""From a check to a closed case (issue 13 part 2): 后续处置, 整改复查 after a 整改 order, 书面检查 materials and
``ssj report close`` — refused until every 整改 order has its 复查."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.helpers import assigned, snapshot, team_of


@pytest.fixture
def report(bureau, ssj):
    record = json.loads(ssj(bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "1 2 3 4 5 6", "--json").out)
    entity = assigned(record)[0]["entity"]
    team = team_of(record, entity)
    assert ssj(bureau, "report", "new", "二股-0", entity).code == 0
    path = bureau / f"data/reports/ergu/ergu-0-{entity}.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document.update(status="已办结", check_dates=["2026-12-01"], inspectors=team, findings="灭火器过期",
                    result="发现问题已责令改正", handling="责令限期更换", rectification_deadline="2026-12-20",
                    follow_up=["责令限期整改"])
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_case_with_a_rectification_order_closes_only_after_its_recheck(bureau, ssj, report, clock):
    before = snapshot(bureau)
    refused = ssj(bureau, "report", "close", str(report))
    assert refused.code == 1 and "责令限期整改的案件须经整改复查后才能结案" in refused.err
    assert snapshot(bureau) == before
    # a 复查意见书 never issued, or the 指令书's own number, is refused; the one ssj doc issued is accepted
    entity = yaml.safe_load(report.read_text(encoding="utf-8"))["entity"]
    unissued = ssj(bureau, "report", "recheck", str(report), "--outcome", "已整改", "--document", "汝应急复查〔2026〕二股-001")
    assert unissued.code == 1 and "复查意见书编号 汝应急复查〔2026〕二股-001 不是台账中为本单位这次抽取开具的文书" in unissued.err
    clock.set("2026-12-05")  # the 指令书 is issued some days after the check
    order = json.loads(ssj(bureau, "doc", "责令限期整改指令书", "二股-0", entity, "--out", str(bureau.parent / "令.html"),
                           "--json").out)
    wrong = ssj(bureau, "report", "recheck", str(report), "--outcome", "已整改", "--document", order["number"])
    assert wrong.code == 1 and f"复查意见书编号 {order['number']} 是一份责令限期整改指令书" in wrong.err
    paper = json.loads(ssj(bureau, "doc", "整改复查意见书", "二股-0", entity, "--out", str(bureau.parent / "复.html"),
                           "--json").out)
    assert paper["number"] == "汝应急复查〔2026〕二股-001"
    before = snapshot(bureau)
    early = ssj(bureau, "report", "recheck", str(report), "--outcome", "已整改", "--document", paper["number"],
                "--date", "2026-12-03")
    assert early.code == 1 and "复查日期 2026-12-03 早于责令限期整改指令书" in early.err
    assert snapshot(bureau) == before
    assert ssj(bureau, "report", "recheck", str(report), "--outcome", "已整改", "--document", "汝应急复查〔2026〕二股-001").code == 0
    closed = ssj(bureau, "report", "close", str(report))
    assert closed.code == 0, closed.err
    written = yaml.safe_load(report.read_text(encoding="utf-8"))
    assert [(str(r["date"]), r["outcome"], r["document"]) for r in written["rechecks"]] == [
        ("2026-12-05", "已整改", "汝应急复查〔2026〕二股-001")]
    assert str(written["closed"]) == "2026-12-05"
    assert ssj(bureau, "check").code == 0


def test_a_recheck_that_finds_the_order_unmet_keeps_the_case_open(bureau, ssj, report):
    assert ssj(bureau, "report", "recheck", str(report), "--outcome", "未整改").code == 0
    refused = ssj(bureau, "report", "close", str(report))
    assert refused.code == 1 and "最近一次复查结论为“未整改”" in refused.err


def test_a_recheck_without_an_order_or_with_a_bad_outcome_is_refused(bureau, ssj, report):
    document = yaml.safe_load(report.read_text(encoding="utf-8"))
    document.update(follow_up=["抄告"], follow_up_to="汝州市市场监督管理局")
    report.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = snapshot(bureau)
    refused = ssj(bureau, "report", "recheck", str(report), "--outcome", "已整改")
    assert refused.code == 1 and "没有“责令限期整改”的后续处置，不需要整改复查" in refused.err
    bad = ssj(bureau, "report", "recheck", str(report), "--outcome", "好了")
    assert bad.code == 1 and "复查结论“好了”无效" in bad.err
    assert snapshot(bureau) == before


def test_check_names_an_order_without_deadline_and_a_transfer_without_its_organ(bureau, ssj, report):
    document = yaml.safe_load(report.read_text(encoding="utf-8"))
    document.update(rectification_deadline=None, follow_up=["责令限期整改", "移送"])
    report.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    checked = ssj(bureau, "check")
    assert checked.code == 1
    assert "须写明整改期限（rectification_deadline）" in checked.out
    assert "须写明接收的机关（follow_up_to）" in checked.out


def test_a_written_check_lists_its_materials_and_closes_when_all_arrived(bureau, ssj, report):
    document = yaml.safe_load(report.read_text(encoding="utf-8"))
    document.update(method="书面", follow_up=["无需处置"], rectification_deadline=None, result="未发现问题",
                    materials=[{"name": "安全生产责任制文件", "due": "2026-12-10", "received": None}])
    report.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    refused = ssj(bureau, "report", "close", str(report))
    assert refused.code == 1 and "书面检查要求的材料尚未全部收到，不能结案" in refused.err


@pytest.mark.parametrize(("field", "title"), [("follow_up_to", "移送或抄告机关"), ("decision", "集中审理意见"),
                                              ("penalty", "处罚决定")])
def test_published_follow_up_and_review_text_is_scanned_for_private_numbers(bureau, ssj, report, field, title):
    # SPEC §6: the organ a case went to and the review's decision are published: a phone number there is an error
    document = yaml.safe_load(report.read_text(encoding="utf-8"))
    text = "汝州市公安局（联系人电话 13912345678）"
    if field == "follow_up_to":
        document.update(follow_up=["责令限期整改", "移送"], follow_up_to=text)
    else:
        document.update(major_violation=True, review={
            "date": "2026-12-02", "decision": "经集中审理，认定构成重大违法行为", "penalty": "罚款人民币三万元",
            "cosigned_by": ["ergu"], "number": "汝应急罚〔2026〕58号", "signed_by": "韩立新", field: text})
    report.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    checked = ssj(bureau, "check")
    assert checked.code == 1
    assert f"{title}中有个人信息（手机号码 13912345678）：这一栏会公开，请删去" in checked.out + checked.err


def test_a_closed_case_takes_no_more_evidence_review_or_recheck(bureau, ssj, report, tmp_path):
    document = yaml.safe_load(report.read_text(encoding="utf-8"))
    document.update(follow_up=["无需处置"], rectification_deadline=None, result="未发现问题")
    report.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert ssj(bureau, "report", "close", str(report)).code == 0
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"jpeg")
    before = snapshot(bureau)
    for args in (("evidence", str(report), str(photo)), ("recheck", str(report), "--outcome", "已整改")):
        result = ssj(bureau, "report", *args)
        assert result.code == 1 and "已于 2026-12-01 结案：结案后的报告不再补充审理、证据或复查" in result.err, args
    assert snapshot(bureau) == before
