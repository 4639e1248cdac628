"""The bundle's ``verify.py`` and the 清单 (第八、十条; issue 12 part 6): ``checklist.json`` is the checklist of the
latest approval in the bundle's bureau ledger, and every draw pins the checklist last approved before it.

One bundle, made by ssj on a git copy of the example bureau, then tampered with copy by copy as in
``test_verifier.py`` (a consistent forger: hashes, ``prev``, ``heads``, heads.json and manifest redone)::

    bureau    the example's plan approvals and its 清单 approval (A)
    ergu-0    二股 draws under A
    bureau    the 清单 changed (C03's ratio) and approved again (B)
    yigu-0    一股 draws under B
    publish   --allow-empty
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import copy_example, git, run_ssj
from tests.plan.test_checklist import change_checklist
from tests.publish.test_verifier import forge, line_of, problems, read_ledger, reseal_manifest, verify

DAY = ("--date", "2026-12-01")


def _ok(root: Path, *args: str) -> str:
    code, out, err = run_ssj(root, *args)
    assert code == 0, (args, out, err)
    return out


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, frozen_clock) -> dict:
    base = tmp_path_factory.mktemp("checklist")
    root = base / "汝州"
    copy_example(root)
    (root / ".gitignore").write_text(".ssj/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "测试员")
    git(root, "config", "user.email", "tester@example.invalid")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "示例数据")
    try:
        frozen_clock.set("2026-12-01T09:00")
        _ok(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "1", *DAY)  # ergu-0, under A
        change_checklist(root)
        git(root, "commit", "-q", "-am", "修改清单")
        frozen_clock.set("2026-12-01T10:00")
        _ok(root, "checklist", "approve", "--meeting", "2026年第14次局长办公会", "--approver", "局长")
        frozen_clock.set("2026-12-01T11:00")
        _ok(root, "draw", "--section", "一股", "--ratio", "0.1", "--seed", "3", *DAY)  # yigu-0, under B
        folder = base / "公示包"
        _ok(root, "publish", "--out", str(folder), "--allow-empty")
    finally:
        frozen_clock.set("2026-12-01")
    bureau = read_ledger(folder, "bureau")
    approvals = [(f"bureau-{r['seq']}", r["digest"]) for r in bureau if r["type"] == "checklist_approval"]
    return {"folder": folder, "approvals": approvals}


@pytest.fixture
def bundle(scenario: dict, tmp_path: Path) -> Path:
    folder = tmp_path / "公示包"
    shutil.copytree(scenario["folder"], folder, symlinks=True)
    return folder


def not_latest(published: str, latest: tuple[str, str]) -> str:
    return (f"checklist.json: 公开的清单（摘要 {published[:12]}…）与局台账中最近一次审批（{latest[0]}，摘要 {latest[1][:12]}…）"
            "不符：清单在审批后被修改过，或公开的不是已审批的清单（第十条）")


def stale_draw(ledger: str, pinned: tuple[str, str], latest: tuple[str, str]) -> str:
    return (f"{line_of(ledger, 0)}: 抽取所用的抽查事项清单（checklist {pinned[1][:12]}…）是{pinned[0]} 审批的旧清单，"
            f"不是抽取前最近一次审批的清单（{latest[0]}，摘要 {latest[1][:12]}…）：清单变更并重新审批后，只能按新清单抽取（第八、十条）")


def set_ratio(folder: Path, item: str, ratio: str) -> str:
    """One item's ratio changed in checklist.json (manifest redone); returns the digest of what it now holds."""
    from shuangsuiji.publish.verifier import verify as kit

    path = folder / "checklist.json"
    items = json.loads(path.read_text(encoding="utf-8"))
    next(i for i in items if i["id"] == item)["ratio"] = ratio
    path.write_text(json.dumps(items, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    reseal_manifest(folder)
    return kit.digest(items)


def test_the_bundle_of_draws_on_either_side_of_a_re_approval_passes(scenario):
    (_, old), (_, new) = scenario["approvals"]
    folder = scenario["folder"]
    assert read_ledger(folder, "ergu")[0]["checklist"] == old and read_ledger(folder, "yigu")[0]["checklist"] == new
    result = verify(folder)
    assert result.code == 0, result.out + result.err


def test_a_checklist_json_edited_after_publishing_fails(bundle, scenario):
    published = set_ratio(bundle, "C03", "0.3")
    assert problems(bundle) == [not_latest(published, scenario["approvals"][-1])]


def test_a_checklist_json_of_the_earlier_approval_fails(bundle, scenario):
    published = set_ratio(bundle, "C03", "0.05")  # the 清单 as first approved
    assert published == scenario["approvals"][0][1]
    assert problems(bundle) == [not_latest(published, scenario["approvals"][-1])]


def test_a_bundle_without_checklist_json_fails(bundle):
    (bundle / "checklist.json").unlink()
    reseal_manifest(bundle)
    assert problems(bundle) == ["checklist.json: 缺少此文件：公示包必须公开随机抽查事项清单（第十条）"]


def test_a_draw_pinning_the_stale_checklist_fails_naming_the_record(bundle, scenario):
    first, latest = scenario["approvals"]

    def change(ledgers):
        ledgers["yigu"][0]["checklist"] = first[1]

    forge(bundle, change)
    assert problems(bundle) == [stale_draw("yigu", first, latest)]


def test_a_draw_pinning_no_checklist_after_an_approval_fails(bundle, scenario):
    first, _ = scenario["approvals"]

    def change(ledgers):
        ledgers["ergu"][0]["checklist"] = None

    forge(bundle, change)
    assert problems(bundle) == [f"{line_of('ergu', 0)}: 抽取时清单已经审批（{first[0]}，摘要 {first[1][:12]}…），checklist 却为 null："
                                "审批之后的每次抽取都必须记下所用清单的摘要（第八、十条）"]


def test_a_bundle_whose_checklist_was_never_approved_fails(bundle, scenario):
    """Both approvals cut from the bureau ledger (its last two records): the published 清单 has no approval."""
    (_, old), (_, new) = scenario["approvals"]

    def change(ledgers):
        ledgers["bureau"][-2:] = [None, None]

    forge(bundle, change)
    found = problems(bundle)
    assert (f"checklist.json: 公开的清单（摘要 {new[:12]}…）在局台账中没有审批记录：清单须经审批后才能公开和使用（第八、十条）"
            in found)
    assert f"{line_of('ergu', 0)}: 抽取所用的抽查事项清单（checklist）在此之前没有审批记录（第八、十条）" in found
