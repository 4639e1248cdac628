"""The 清单 under approval (第八、十条): ``ssj checklist approve``, ``ssj check`` and draws against the latest
approval, the digest each draw pins, and what a bundle lets anyone recompute."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import rfc8785

from shuangsuiji.registry.loading import load_bureau
from shuangsuiji.workspace import Workspace
from tests.helpers import CHECKLIST_APPROVAL, git, ledger_records, snapshot

DAY = ("--date", "2026-12-01")
CHANGED_RATIO = ('    ratio: "0.05"\n    frequency: 4\n', '    ratio: "0.2"\n    frequency: 4\n')


def draw(ssj, root, *extra):
    return ssj(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "1 2 3 4 5 6", *DAY, *extra)


def change_checklist(root: Path) -> None:
    """Raise one item's ratio (C03, 二股's item), as a clerk would in the file, and nothing else."""
    path = root / "data" / "checklist.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index('  - id: "C03"')
    old, new = CHANGED_RATIO
    at = text.index(old, start)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")


def approvals(root: Path) -> list[dict]:
    return [r for r in ledger_records(root, "bureau") if r["type"] == "checklist_approval"]


def published_digest(checklist_json: bytes) -> str:
    """What anyone holding a bundle computes: SHA-256 of the RFC 8785 form of checklist.json."""
    return hashlib.sha256(rfc8785.dumps(json.loads(checklist_json))).hexdigest()


def test_a_draw_pins_the_digest_of_the_approved_checklist(bureau, ssj):
    result = draw(ssj, bureau, "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    [approval] = approvals(bureau)
    assert record["checklist"] == approval["digest"]


def test_the_digest_is_that_of_the_checklist_a_bundle_publishes(bureau):
    from shuangsuiji.plan.checklist import published_checklist
    from shuangsuiji.publish.bundle import _json

    data = load_bureau(Workspace(bureau))
    [approval] = approvals(bureau)
    assert published_digest(_json(published_checklist(data.checklist))) == approval["digest"]


def test_the_approval_record_names_the_meeting_the_approver_and_the_date(bureau):
    [approval] = approvals(bureau)
    meeting, approver, date = CHECKLIST_APPROVAL[1], CHECKLIST_APPROVAL[3], CHECKLIST_APPROVAL[5]
    assert (approval["meeting"], approval["approver"], approval["date"]) == (meeting, approver, date)
    assert len(approval["digest"]) == 64


def test_a_checklist_changed_after_its_approval_fails_check_and_refuses_draws(bureau, ssj):
    change_checklist(bureau)
    checked = ssj(bureau, "check")
    assert checked.code == 1
    assert "data/checklist.yaml:8: 随机抽查事项清单在审批后被修改" in checked.out
    assert "ssj checklist approve" in checked.out
    before = snapshot(bureau)
    drawn = draw(ssj, bureau)
    assert drawn.code == 1 and "随机抽查事项清单在审批后被修改" in drawn.err and "Traceback" not in drawn.err
    assert snapshot(bureau) == before


def test_approving_the_changed_checklist_lets_draws_go_ahead_with_the_new_digest(bureau, ssj):
    change_checklist(bureau)
    approved = ssj(bureau, "checklist", "approve", "--meeting", "2026年第14次局长办公会", "--approver", "局长",
                   "--date", "2026-12-01")
    assert approved.code == 0, approved.err
    old, new = approvals(bureau)
    assert old["digest"] != new["digest"] and new["meeting"] == "2026年第14次局长办公会"
    assert ssj(bureau, "check").code == 0
    record = json.loads(draw(ssj, bureau, "--json").out)
    assert record["checklist"] == new["digest"]


def test_a_checklist_changed_back_to_its_approved_content_needs_no_new_approval(bureau, ssj):
    original = (bureau / "data" / "checklist.yaml").read_bytes()
    change_checklist(bureau)
    (bureau / "data" / "checklist.yaml").write_bytes(original.replace(b"# ", b"#  ", 1))  # a comment changed
    assert ssj(bureau, "check").code == 0


def test_approving_an_unchanged_checklist_is_refused_and_writes_nothing(bureau, ssj):
    before = snapshot(bureau)
    result = ssj(bureau, "checklist", "approve", "--meeting", "会", "--approver", "局长")
    assert result.code == 1 and "内容没有变化，无需重新审批" in result.err
    assert snapshot(bureau) == before


@pytest.mark.parametrize(("options", "message"), [
    (("--meeting", " ", "--approver", "局长"), "请写明审定会议或文号（--meeting）和批准人（--approver）"),
    (("--meeting", "会", "--approver", "局长", "--date", "2026-12-02"), "批准日期 2026-12-02 晚于今天（2026-12-01）"),
])
def test_an_approval_without_a_meeting_or_in_the_future_is_refused(bureau, ssj, options, message):
    change_checklist(bureau)
    before = snapshot(bureau)
    result = ssj(bureau, "checklist", "approve", *options)
    assert result.code == 1 and message in result.err
    assert snapshot(bureau) == before


def test_a_checklist_with_errors_cannot_be_approved(bureau, ssj):
    path = bureau / "data" / "checklist.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('subject: ergu', 'subject: nobody', 1), encoding="utf-8")
    before = snapshot(bureau)
    result = ssj(bureau, "checklist", "approve", "--meeting", "会", "--approver", "局长")
    assert result.code == 1 and "data/checklist.yaml 有 1 处错误，改正后才能审批" in result.err
    assert "检查主体“nobody”不是已登记的科室" in result.err
    assert snapshot(bureau) == before


def test_a_new_bureau_is_warned_and_its_draws_refused_until_the_checklist_is_approved(bureau, ssj):
    ledger = bureau / "data" / "ledger" / "bureau" / "2026.jsonl"
    lines = ledger.read_bytes().splitlines(keepends=True)
    ledger.write_bytes(b"".join(line for line in lines if b'"checklist_approval"' not in line))
    checked = ssj(bureau, "check")
    assert checked.code == 0 and "data/checklist.yaml:8: 警告：随机抽查事项清单尚未审批（第八、十条）" in checked.out
    drawn = draw(ssj, bureau)
    assert drawn.code == 1 and "随机抽查事项清单尚未审批（第八、十条），不能抽取" in drawn.err


def test_an_approval_is_committed_with_its_record(git_bureau, ssj):
    change_checklist(git_bureau)
    git(git_bureau, "commit", "-qam", "修改清单")
    result = ssj(git_bureau, "checklist", "approve", "--meeting", "2026年第14次局长办公会", "--approver", "局长")
    assert result.code == 0, result.err
    assert git(git_bureau, "log", "-1", "--format=%s").strip() == "审批随机抽查事项清单：2026年第14次局长办公会（2026-12-01）"
    assert git(git_bureau, "status", "--porcelain").strip() == ""


def test_publish_refuses_a_checklist_never_approved(bureau, ssj, tmp_path):
    # the bundle's verify.py refuses a 清单 that is not the one last approved: publish never writes such a bundle
    ledger = bureau / "data" / "ledger" / "bureau" / "2026.jsonl"
    lines = ledger.read_bytes().splitlines(keepends=True)
    ledger.write_bytes(b"".join(line for line in lines if b'"checklist_approval"' not in line))
    git(bureau, "init", "-q", "-b", "main")
    git(bureau, "config", "user.name", "测试员")
    git(bureau, "config", "user.email", "tester@example.invalid")
    git(bureau, "add", "-A")
    git(bureau, "commit", "-qm", "清单尚未审批")
    before = snapshot(bureau)
    folder = tmp_path / "公示包"
    result = ssj(bureau, "publish", "--out", str(folder), "--allow-empty")
    assert result.code == 1 and "随机抽查事项清单尚未审批（第八、十条），公开材料只能公开经审批的清单" in result.err
    assert "ssj checklist approve" in result.err
    assert snapshot(bureau) == before and not folder.exists()


def test_an_approval_dated_before_the_previous_one_is_refused(bureau, ssj):
    change_checklist(bureau)
    before = snapshot(bureau)
    result = ssj(bureau, "checklist", "approve", "--meeting", "会", "--approver", "局长", "--date", "2025-06-01")
    assert result.code == 1 and "批准日期 2025-06-01 早于上一次审批（2026-01-10" in result.err
    assert snapshot(bureau) == before
