"""Trimming the population shows (issue 11, SPEC §4): what changed in a draw's population against the previous
draw of the same plan item is on ``ssj show``, the printed sheet, ``results.json`` and the page."""

from __future__ import annotations

import hashlib
import json

import rfc8785

from tests.draw.test_draw_command import edit_yaml
from tests.helpers import assigned, git
from tests.publish.test_publication import fill

FIRST = ("--section", "二股", "--ratio", "0.1", "--seed", "1")
REMOVED = "914104826992660477"  # 汝州市宝嘉新材料科技有限公司: 重点, 在营 → 停业
ADDED = "91410482MA43WTQB6E"  # 汝州市天航加油站: 停业 → 在营 (风险D)


def _trim(root, drawn: set[str]) -> tuple[str, str, str]:
    """Close one company, reopen another and change the risk level of a third (one of 风险C not drawn before, so
    not resting), committed; returns (the third, its stratum before, its stratum now)."""
    moved: dict[str, str] = {}

    def change(content):
        for entity in content["entities"]:
            if entity["id"] == REMOVED:
                entity["status"] = "停业"
            elif entity["id"] == ADDED:
                entity["status"] = "在营"
            elif (not moved and entity.get("risk") == "C" and not entity.get("key") and entity["status"] == "在营"
                  and entity["id"] not in drawn):
                entity["risk"] = "A"
                moved["id"] = entity["id"]
    edit_yaml(root / "data/entities/危险化学品.yaml", change)
    git(root, "commit", "-qam", "名录更新：一家停业、一家复业、一家风险等级调整")
    return moved["id"], "风险C", "风险A"


def test_a_trimmed_registry_shows_on_show_the_sheet_results_json_and_the_page(git_bureau, ssj, clock, tmp_path):
    root = git_bureau
    first = ssj(root, "draw", *FIRST, "--json")
    assert first.code == 0, first.err
    assert "第一次抽取" in ssj(root, "show", "二股-0").out
    moved, before, now = _trim(root, {a["entity"] for a in assigned(json.loads(first.out))})
    clock.set("2026-12-09")
    second = ssj(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "2", "--json")
    assert second.code == 0, second.err

    shown = ssj(root, "show", "二股-1").out
    assert "与上一次抽取（二股-0）相比：新增 1 家" in shown and "减少 1 家" in shown
    assert f"新增 1 家（{ADDED}）" in shown and f"减少 1 家（{REMOVED}）" in shown and "风险C→休息期" in shown

    sheet = tmp_path / "记录表.html"
    assert ssj(root, "show", "二股-1", "--html", str(sheet)).code == 0
    html = sheet.read_text(encoding="utf-8")
    assert "名单变化（与同一计划事项的上一次抽取相比）" in html and REMOVED in html and ADDED in html

    # a finished check of the second draw: its draw goes into results.json with the change
    entity = assigned(json.loads(second.out))[0]["entity"]
    assert ssj(root, "report", "new", "二股-1", entity).code == 0
    fill(root / f"data/reports/ergu/ergu-1-{entity}.yaml", status="已办结", check_dates=["2026-12-10"],
         findings="现场未发现问题", result="未发现问题", handling="无需处理", follow_up=["无需处置"])
    git(root, "add", "-A")
    git(root, "commit", "-qm", "检查报告")
    clock.set("2026-12-11")
    folder = tmp_path / "公示包"
    published = ssj(root, "publish", "--out", str(folder))
    assert published.code == 0, published.err
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    draws = {d["hash"]: d for d in _draws(results)}
    change = draws[json.loads(second.out)["hash"]]["population_changes"]
    assert change["previous"] == "二股-0" and change["previous_hash"] == json.loads(first.out)["hash"]
    assert change["added"] == [ADDED] and change["removed"] == [REMOVED]
    assert {"entity": moved, "from": before, "to": now} in change["moved"]
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert f"名单变化：{change['summary'][0]}" in page


def _draws(results: dict) -> list[dict]:
    """Every draw entry of results.json, wherever the format nests them."""
    found: list[dict] = []

    def walk(node):
        if isinstance(node, dict):
            if "population_changes" in node and "hash" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(results)
    return found


def test_every_bundle_shows_the_plan_and_the_checklist_with_their_approvals(git_bureau, ssj, tmp_path):
    # 第七、八、十条: the plan and the 清单 are public with the records that approved them, even with no results yet
    from tests.helpers import CHECKLIST_APPROVAL

    folder = tmp_path / "公示包"
    published = ssj(git_bureau, "publish", "--out", str(folder), "--allow-empty")
    assert published.code == 0, published.err
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    approvals = results["approvals"]
    assert approvals["plan"] and all(a["address"].startswith("局台账-") and a["plan"] for a in approvals["plan"])
    meeting = CHECKLIST_APPROVAL[1]
    assert [a["meeting"] for a in approvals["checklist"]] == [meeting]
    latest = approvals["checklist"][-1]
    assert latest["digest"] == hashlib.sha256(rfc8785.dumps(
        json.loads((folder / "checklist.json").read_text(encoding="utf-8")))).hexdigest()
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert meeting in page and all(a["meeting"] in page for a in approvals["plan"])
    assert f"与局台账 {latest['address']} 记录的最近一次审批一致" in page
