"""The public bundle shows each result's 后续处置, 整改复查 and whether the case is closed (issue 13 part 2, SPEC
§9), in results.json, results.csv, results.xlsx and the page alike, which ``verify.py`` holds to one another; a
复查's note stays in the repository."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from shuangsuiji.core.results import HEADINGS
from tests.helpers import assigned, copy_example, git, run_ssj, team_of

NOTE = "复查说明标记RN0001"  # private (Recheck.note): must not leave the repository
RECHECK_NUMBER = "汝应急复查〔2026〕二股-001"
LATER = "2026-12-20"


def ok(root: Path, *args: str) -> str:
    code, out, err = run_ssj(root, *args)
    assert code == 0, out + err
    return out


def finish(path: Path, **values: object) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document.update(status="已办结", check_dates=["2026-12-02"], findings="现场检查情况", handling="处理意见", **values)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory, frozen_clock) -> dict:
    """二股 draws; A is ordered to 整改 and its case 移送, rechecked (with a private note) and closed; B needs
    nothing further and stays open; then the bureau publishes."""
    base = tmp_path_factory.mktemp("followup")
    root = base / "汝州"
    copy_example(root)
    (root / ".gitignore").write_text(".ssj/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "测试员")
    git(root, "config", "user.email", "tester@example.invalid")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "示例数据")
    record = json.loads(ok(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "1 2 3 4 5 6", "--json"))
    a, b = (x["entity"] for x in assigned(record)[:2])
    paths = {}
    for key, entity in (("A", a), ("B", b)):
        ok(root, "report", "new", "二股-0", entity)
        paths[key] = root / f"data/reports/ergu/ergu-0-{entity}.yaml"
    finish(paths["A"], inspectors=team_of(record, a), result="发现问题已责令改正", rectification_deadline="2026-12-15",
           follow_up=["责令限期整改", "移送"], follow_up_to="汝州市公安局")
    finish(paths["B"], inspectors=team_of(record, b), result="未发现问题", follow_up=["无需处置"])
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "检查报告")
    frozen_clock.set("2026-12-16")
    try:  # the 指令书 and the 复查意见书 are issued with ssj doc (a 复查 cites a recorded paper)
        for kind in ("责令限期整改指令书", "整改复查意见书"):
            ok(root, "doc", kind, "二股-0", a, "--out", str(base / f"{kind}.html"))
        ok(root, "report", "recheck", str(paths["A"]), "--outcome", "已整改", "--document", RECHECK_NUMBER, "--note", NOTE)
        ok(root, "report", "close", str(paths["A"]))
        git(root, "add", "-A")
        if git(root, "status", "--porcelain"):
            git(root, "commit", "-q", "-m", "复查、结案")
        frozen_clock.set(LATER)
        folder = base / "公示包"
        ok(root, "publish", "--out", str(folder))
    finally:
        frozen_clock.set("2026-12-01")
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))["results"]
    return {"folder": folder, "results": {r["entity_id"]: r for r in results}, "A": a, "B": b}


def test_results_json_carries_follow_up_rechecks_and_closure_without_the_private_note(bundle):
    a, b = bundle["results"][bundle["A"]], bundle["results"][bundle["B"]]
    assert (a["follow_up"], a["follow_up_to"], a["closed"]) == (["责令限期整改", "移送"], "汝州市公安局", "2026-12-16")
    assert a["rechecks"] == [{"date": "2026-12-16", "outcome": "已整改", "document": RECHECK_NUMBER}]
    assert (b["follow_up"], b["rechecks"], b["closed"]) == (["无需处置"], [], None)
    for path in bundle["folder"].rglob("*"):
        if path.is_file():
            assert NOTE.encode() not in path.read_bytes(), path


def test_results_csv_has_the_follow_up_columns_in_words(bundle):
    with (bundle["folder"] / "results.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == HEADINGS
    assert HEADINGS[HEADINGS.index("处罚决定") + 1:HEADINGS.index("处罚决定") + 4] == ["后续处置", "整改复查", "结案情况"]
    table = {row[HEADINGS.index("统一社会信用代码")].strip('="'): dict(zip(HEADINGS, row, strict=True)) for row in rows[1:]}
    a, b = table[bundle["A"]], table[bundle["B"]]
    assert (a["后续处置"], a["整改复查"], a["结案情况"]) == (
        "责令限期整改（期限 2026-12-15）；移送（汝州市公安局）", f"2026-12-16 已整改（{RECHECK_NUMBER}）", "已结案（2026-12-16）")
    assert (b["后续处置"], b["整改复查"], b["结案情况"]) == ("无需处置", "", "未结案")


def test_the_page_shows_follow_up_and_closure_in_the_handling_cell(bundle):
    page = (bundle["folder"] / "index.html").read_text(encoding="utf-8")
    assert ("后续处置：责令限期整改（期限 2026-12-15）；移送（汝州市公安局）<br>"
            f"整改复查：2026-12-16 已整改（{RECHECK_NUMBER}）<br>结案情况：已结案（2026-12-16）") in page
    assert "后续处置：无需处置<br>结案情况：未结案" in page
    assert "整改期限：2026-12-15" not in page  # said once, with the order
    assert "后续处置</text>" in page  # the follow-ups also have their chart


def verify(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-I", "verify.py"], cwd=folder, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)


def test_verify_py_holds_the_new_columns_to_results_json(bundle, tmp_path):
    assert verify(bundle["folder"]).returncode == 0
    import shutil

    copy = tmp_path / "公示包"
    shutil.copytree(bundle["folder"], copy)
    page = copy / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("结案情况：已结案（2026-12-16）", "结案情况：未结案"),
                    encoding="utf-8")
    tampered = verify(copy)
    assert tampered.returncode == 1
    assert "index.html" in tampered.stdout and "“处理意见”一栏与 results.json 不符" in tampered.stdout
