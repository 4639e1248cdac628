"""Every command that produces data also has ``--json`` (SPEC §3): its stdout is exactly one JSON document."""

from __future__ import annotations

import json

from tests.helpers import assigned

COMPANY = "92410482MA447U6W84"  # 汝州市茂灿油漆经销部, in the example registry


def test_credit_add_and_remove_print_json(bureau, ssj):
    added = ssj(bureau, "credit", "add", COMPANY, "--reason", "拒不整改", "--source", "汝应急罚〔2026〕60号",
                "--date", "2026-11-20", "--json")
    assert added.code == 0, added.err
    assert json.loads(added.out) == {"entity": COMPANY, "kind": "黑名单", "reason": "拒不整改", "listed_on": "2026-11-20",
                                     "until": None, "source": "汝应急罚〔2026〕60号", "removed_on": None, "removal_reason": None}
    removed = ssj(bureau, "credit", "remove", COMPANY, "--reason", "信用修复", "--date", "2026-11-30", "--json")
    assert removed.code == 0, removed.err
    assert json.loads(removed.out) == {"entity": COMPANY, "removed": 1}


def test_plan_approve_prints_the_ledger_record(bureau, ssj):
    plan = bureau / "plans" / "2027.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("frequency: 4", "frequency: 3", 1), encoding="utf-8")
    result = ssj(bureau, "plan", "approve", "--year", "2027", "--meeting", "2026年第13次局党委班子会议", "--approver", "韩立新",
                 "--date", "2026-11-30", "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    last = (bureau / "data/ledger/bureau/2026.jsonl").read_text(encoding="utf-8").splitlines()[-1]
    assert record == json.loads(last)
    assert (record["type"], record["year"], record["plan"], record["approved_on"]) == ("plan_approval", 2027, None, "2026-11-30")


def test_report_new_review_and_evidence_print_json(bureau, ssj, tmp_path):
    draw = json.loads(ssj(bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "7", "--json").out)
    entity = assigned(draw)[0]["entity"]
    created = ssj(bureau, "report", "new", "二股-0", entity, "--json")
    assert created.code == 0, created.err
    rel = json.loads(created.out)["file"]
    assert rel == f"data/reports/ergu/ergu-0-{entity}.yaml" and (bureau / rel).is_file()
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"photo")
    evidence = json.loads(ssj(bureau, "report", "evidence", str(bureau / rel), str(photo), "--json").out)
    assert evidence["path"].endswith("/现场.jpg") and len(evidence["sha256"]) == 64
    path = bureau / rel
    path.write_text(path.read_text(encoding="utf-8").replace("major_violation: false", "major_violation: true"),
                    encoding="utf-8")
    reviewed = ssj(bureau, "report", "review", str(path), "--decision", "同意", "--number", "汝应急罚〔2026〕58号", "--cosign", "二股", "--signed-by", "韩立新",
                   "--date", "2026-12-01", "--json")
    assert reviewed.code == 0, reviewed.err
    assert json.loads(reviewed.out) == {"file": rel, "date": "2026-12-01", "decision": "同意", "number": "汝应急罚〔2026〕58号",
                                       "penalty": None}


def test_ledger_repair_prints_json(bureau, ssj):
    assert ssj(bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "7").code == 0
    ledger = bureau / "data/ledger/ergu/2026.jsonl"
    ledger.write_bytes(ledger.read_bytes() + b'{"torn')
    result = ssj(bureau, "ledger", "repair", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == [{"file": "data/ledger/ergu/2026.jsonl", "kept": 1, "removed_bytes": 6}]
    again = ssj(bureau, "ledger", "repair", "--json")
    assert (again.code, again.out) == (1, "") and "没有需要修复的台账" in again.err


def test_init_prints_json(tmp_path, ssj):
    target = tmp_path / "新县"
    result = ssj(tmp_path, "init", str(target), "--name", "某某县应急管理局", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["directory"] == str(target) and isinstance(report["notes"], list)
    assert (target / "data/bureau.yaml").is_file()
