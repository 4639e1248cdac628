"""Draws inside git: what is committed, refusals before anything is written, exit status 3, and what
``ssj verify-ledger`` finds in the history (rewritten commits, unanchored records, forged populations)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from shuangsuiji.publish.verifier import verify as kit
from shuangsuiji.registry.loading import load_bureau
from tests.helpers import git, snapshot

ERGU = "data/ledger/ergu.jsonl"
DAY = ("--date", "2026-12-01")



def draw(ssj, root, seed="20261201", *extra):
    return ssj(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", seed, *DAY, *extra)


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def records_of(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / ERGU).read_text(encoding="utf-8").splitlines()]


def verify(ssj, root: Path):
    result = ssj(root, "verify-ledger", "--json")
    report = json.loads(result.out)
    assert report["git"] is True
    return result.code, [(p["file"], p["line"], p["message"]) for p in report["problems"] if p["severity"] == "error"]


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


# ---------------------------------------------------------------------------------------------------
# What a draw commits
# ---------------------------------------------------------------------------------------------------

def test_draw_commits_only_the_ledger_file(git_bureau, ssj):
    base = head(git_bureau)
    (git_bureau / "README.txt").write_text("暂存但与抽取无关\n", encoding="utf-8")
    git(git_bureau, "add", "README.txt")
    result = draw(ssj, git_bureau, "20261201", "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert git(git_bureau, "rev-parse", "HEAD~1").strip() == base
    assert record["commit"] == base and record["dirty"] is False
    assert git(git_bureau, "show", "--name-only", "--format=", "HEAD").split() == [ERGU]
    assert git(git_bureau, "log", "-1", "--format=%s").strip() == "抽取 二股-0：2026-12-01，33 家单位，3 个检查组（人工输入）"
    assert git(git_bureau, "diff", "--cached", "--name-only").split() == ["README.txt"]  # still staged, not committed
    assert record["operator"] == "测试员"  # git's user.name
    assert f"已提交 git（{head(git_bureau)[:10]}）" in result.err
    for path, digest in record["inputs"].items():
        committed = subprocess.run(["git", "show", f"{base}:{path}"], cwd=git_bureau, capture_output=True, check=True).stdout
        assert hashlib.sha256(committed).hexdigest() == digest, path
    assert verify(ssj, git_bureau) == (0, [])


def test_operator_option_wins_over_git_user(git_bureau, ssj):
    record = json.loads(draw(ssj, git_bureau, "1", "--json", "--operator", " 李四 ").out)
    assert record["operator"] == "李四"


def test_void_and_recusal_are_committed_too(git_bureau, ssj):
    record = json.loads(draw(ssj, git_bureau, "1", "--json", "--team-size", "4").out)
    entity = record["assignments"][0]["entity"]
    inspector = record["inspectors"]["teams"][0][0]
    assert ssj(git_bureau, "recuse", "二股-0", "--inspector", inspector, "--entity", entity, "--reason", "其他").code == 0
    assert ssj(git_bureau, "void", "二股-0", "--reason", "测试").code == 0
    subjects = git(git_bureau, "log", "--format=%s", "-3").splitlines()
    assert subjects[0] == "作废 二股-0（二股-2）：测试"
    assert subjects[1].startswith(f"回避 二股-0：{inspector} → ")
    assert git(git_bureau, "status", "--porcelain", "--", "data", "plans") == ""
    assert verify(ssj, git_bureau) == (0, [])


# ---------------------------------------------------------------------------------------------------
# Refusals before anything is written
# ---------------------------------------------------------------------------------------------------

def test_uncommitted_data_file_refused(git_bureau, ssj):
    credit = git_bureau / "data/credit.yaml"
    credit.write_text(credit.read_text(encoding="utf-8") + "# 新增注释\n", encoding="utf-8")
    base, before = head(git_bureau), snapshot(git_bureau)
    result = draw(ssj, git_bureau)
    assert result.code == 1 and "Traceback" not in result.err
    assert "数据文件有未提交的修改：data/credit.yaml" in result.err and "--allow-dirty" in result.err
    assert snapshot(git_bureau) == before and head(git_bureau) == base


def test_untracked_data_file_refused(git_bureau, ssj):
    (git_bureau / "data/reports").mkdir()
    (git_bureau / "data/reports/草稿.yaml").write_text("# 空\n", encoding="utf-8")
    result = draw(ssj, git_bureau)
    assert result.code == 1 and "data/reports/草稿.yaml" in result.err


def test_allow_dirty_is_recorded(git_bureau, ssj):
    credit = git_bureau / "data/credit.yaml"
    credit.write_text(credit.read_text(encoding="utf-8") + "# 新增注释\n", encoding="utf-8")
    result = draw(ssj, git_bureau, "1", "--allow-dirty", "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert record["dirty"] is True and record["commit"] == git(git_bureau, "rev-parse", "HEAD~1").strip()
    assert git(git_bureau, "show", "--name-only", "--format=", "HEAD").split() == [ERGU]
    assert git(git_bureau, "status", "--porcelain", "--", "data", "plans").split() == ["M", "data/credit.yaml"]
    report = json.loads(ssj(git_bureau, "verify-ledger", "--json").out)
    assert report["ok"] is True
    assert [(p["line"], p["severity"]) for p in report["problems"]] == [(1, "warning")]
    assert "--allow-dirty" in report["problems"][0]["message"]


def test_a_dirty_draw_that_changed_eligibility_still_verifies_with_a_warning(git_bureau, ssj):
    people = git_bureau / "data/inspectors.yaml"
    head, tail = people.read_text(encoding="utf-8").split('id: "RZ010"', 1)
    people.write_text(head + 'id: "RZ010"' + tail.replace("active: true", "active: false", 1), encoding="utf-8")
    record = json.loads(draw(ssj, git_bureau, "1", "--allow-dirty", "--json").out)
    assert "RZ010" not in record["inspectors"]["eligible"]
    commit_all(git_bureau, "停用 RZ010")  # committed afterwards: the draw's own commit still has RZ010 active
    report = json.loads(ssj(git_bureau, "verify-ledger", "--json").out)
    assert report["ok"] is True
    assert [(p["line"], p["severity"]) for p in report["problems"]] == [(1, "warning")]


@pytest.fixture
def no_git_identity(git_bureau, tmp_path, monkeypatch):
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    git(git_bureau, "config", "--unset", "user.name")
    git(git_bureau, "config", "--unset", "user.email")
    git(git_bureau, "config", "user.useConfigOnly", "true")  # no guessing from the login and host name
    return git_bureau


def test_no_git_identity_refused_before_anything_is_written(no_git_identity, ssj):
    root = no_git_identity
    base, before = head(root), snapshot(root)
    result = draw(ssj, root)
    assert result.code == 1 and "Traceback" not in result.err
    assert "git 没有配置提交人" in result.err and "git config user.name" in result.err
    assert snapshot(root) == before and head(root) == base
    assert not (root / ERGU).exists()


def test_merge_in_progress_refused(git_bureau, ssj):
    (git_bureau / ".git/MERGE_HEAD").write_text(head(git_bureau) + "\n", encoding="utf-8")
    before = snapshot(git_bureau)
    result = draw(ssj, git_bureau)
    assert result.code == 1 and "git 正在合并（merge）中" in result.err
    assert snapshot(git_bureau) == before


def test_repository_without_commits_refused(bureau, ssj):
    git(bureau, "init", "-q", "-b", "main")
    git(bureau, "config", "user.name", "测试员")
    git(bureau, "config", "user.email", "tester@example.invalid")
    before = snapshot(bureau)
    result = draw(ssj, bureau)
    assert result.code == 1 and "仓库还没有任何提交" in result.err
    assert snapshot(bureau) == before


# ---------------------------------------------------------------------------------------------------
# The commit fails after the record is written: exit status 3, the record stays
# ---------------------------------------------------------------------------------------------------

def failing_hook(root: Path) -> None:
    hook = root / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook: 拒绝提交' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)


@pytest.mark.skipif(os.name == "nt", reason="shell hook")
def test_failed_commit_keeps_the_record_and_exits_3(git_bureau, ssj):
    failing_hook(git_bureau)
    base = head(git_bureau)
    result = draw(ssj, git_bureau)
    assert result.code == 3, result.err
    assert "Traceback" not in result.err
    assert f"记录已写入 {ERGU}，但 git 提交失败" in result.err and "hook: 拒绝提交" in result.err
    assert f"git add {ERGU} && git commit" in result.err and "记录不会删除" in result.err
    assert head(git_bureau) == base
    assert [r["seq"] for r in records_of(git_bureau)] == [0]
    # verify-ledger: the record is there but not anchored in git
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert problems == [(ERGU, 1, "整个台账文件尚未提交到 git（未锚定）：请 git add 并提交")]
    # the next draw still works once the hook is gone, and commits both records
    (git_bureau / ".git/hooks/pre-commit").unlink()
    assert draw(ssj, git_bureau, "2").code == 0
    assert verify(ssj, git_bureau) == (0, [])


@pytest.mark.skipif(os.name == "nt", reason="shell hook")
def test_uncommitted_appended_record_is_unanchored(git_bureau, ssj):
    assert draw(ssj, git_bureau, "1").code == 0
    failing_hook(git_bureau)
    assert draw(ssj, git_bureau, "2").code == 3
    assert draw(ssj, git_bureau, "3").code == 3
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert problems == [(ERGU, 2, "第 2 行起的 2 条记录尚未提交到 git（未锚定）：请提交该文件")]
    result = ssj(git_bureau, "verify-ledger")
    assert f"{ERGU}:2: 第 2 行起的 2 条记录尚未提交到 git（未锚定）" in result.out


def test_stale_index_lock_gives_exit_3_not_a_traceback(git_bureau, ssj):
    # a crashed git process left .git/index.lock: `git add` fails after the record is written
    (git_bureau / ".git/index.lock").write_bytes(b"")
    base = head(git_bureau)
    result = draw(ssj, git_bureau)
    assert result.code == 3, result.err
    assert "Traceback" not in result.err and "index.lock" in result.err
    assert f"git add {ERGU} && git commit" in result.err
    assert head(git_bureau) == base and [r["seq"] for r in records_of(git_bureau)] == [0]


# ---------------------------------------------------------------------------------------------------
# Rewritten history and forged populations
# ---------------------------------------------------------------------------------------------------

def test_amended_commit_hiding_a_draw_is_found(git_bureau, ssj):
    assert draw(ssj, git_bureau, "1").code == 0
    assert draw(ssj, git_bureau, "2").code == 0
    first_commit = head(git_bureau)
    # make it look as if draw 1 never happened: re-seal draw 2 as the first record (a valid chain)
    second = records_of(git_bureau)[1]
    body = {k: v for k, v in second.items() if k != "hash"}
    body["seq"], body["prev"] = 0, "0" * 64
    body["hash"] = kit.record_hash(body)
    (git_bureau / ERGU).write_bytes(kit.canonical(body) + b"\n")
    git(git_bureau, "add", ERGU)
    git(git_bureau, "commit", "-q", "--amend", "--no-edit")
    rewritten = head(git_bureau)
    assert rewritten != first_commit
    assert kit.check_ledger(str(git_bureau / ERGU))[1] == []  # the file alone looks fine
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert problems == [(ERGU, 1, f"提交 {rewritten[:10]} 改写了此前已提交的台账（第 1 行起不同）：历史被改写")]


def test_edited_committed_record_is_found_in_the_working_tree(git_bureau, ssj):
    assert draw(ssj, git_bureau, "1").code == 0
    assert draw(ssj, git_bureau, "2").code == 0
    data = (git_bureau / ERGU).read_bytes()
    (git_bureau / ERGU).write_bytes(data[: len(data) - len(data.splitlines(keepends=True)[-1])])  # drop the last line
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert problems == [(ERGU, 2, "与 git 中最后提交的版本不同（第 2 行起），已提交的记录被改动")]


def test_deleted_ledger_file_is_found(git_bureau, ssj):
    assert draw(ssj, git_bureau, "1").code == 0
    (git_bureau / ERGU).unlink()
    code, problems = verify(ssj, git_bureau)
    assert code == 1 and (ERGU, None, "台账文件已被删除（git 中有已提交的版本）") in problems


def test_forged_population_found_against_the_data_at_its_commit(git_bureau, ssj):
    assert draw(ssj, git_bureau, "1").code == 0
    real = records_of(git_bureau)[0]
    body = {k: v for k, v in json.loads(json.dumps(real)).items() if k != "hash"}
    body["seq"], body["prev"], body["commit"] = 1, real["hash"], head(git_bureau)
    stratum = next(s for s in body["strata"] if s["name"] == "一般")
    # a 非煤矿山 company (not 二股's) whose ticket is too large to change the selection
    cutoff = stratum["selected"][-1]["ticket"]
    extra = next(i for i in ("92410482MA4FLXCGXA", "92410482MA4A33NN29", "91410482MA4D0GX26A")
                 if kit.first_fraction(i, body["seed"]) > cutoff)
    stratum["population"] = sorted([*stratum["population"], extra])
    assert kit.sample_size(len(stratum["population"]), stratum["ratio"]) == stratum["k"]
    body["hash"] = kit.record_hash(body)
    with (git_bureau / ERGU).open("ab") as handle:
        handle.write(kit.canonical(body) + b"\n")
    git(git_bureau, "add", ERGU)
    git(git_bureau, "commit", "-q", "-m", "伪造")
    assert kit.check_ledger(str(git_bureau / ERGU))[1] == []  # the chain and the re-derivation hold
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert problems == [(ERGU, 2, "各层名单或比例与当时数据文件得出的不一致（分层、在营状态、黑名单或计划比例被改动）")]


def test_draw_whose_inputs_do_not_match_its_commit(git_bureau, ssj):
    assert draw(ssj, git_bureau, "1").code == 0
    real = records_of(git_bureau)[0]
    body = {k: v for k, v in json.loads(json.dumps(real)).items() if k != "hash"}
    body["seq"], body["prev"] = 1, real["hash"]
    body["inputs"]["data/credit.yaml"] = "0" * 64
    body["hash"] = kit.record_hash(body)
    with (git_bureau / ERGU).open("ab") as handle:
        handle.write(kit.canonical(body) + b"\n")
    commit_all(git_bureau, "伪造")
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert problems == [(ERGU, 2, "输入文件 data/credit.yaml 的 SHA-256 与所依据的提交中的文件不符")]


def test_later_data_changes_do_not_disturb_earlier_draws(git_bureau, ssj):
    assert draw(ssj, git_bureau, "1").code == 0
    inspectors = git_bureau / "data/inspectors.yaml"
    inspectors.write_text(inspectors.read_text(encoding="utf-8").replace("    active: true\n", "    active: false\n", 1),
                          encoding="utf-8")
    commit_all(git_bureau, "潘浩然调离")
    assert draw(ssj, git_bureau, "2").code == 0
    assert verify(ssj, git_bureau) == (0, [])


def forge(root: Path, template: dict, rel: str = ERGU, **changes) -> dict:
    """Append a sealed copy of ``template`` with ``changes`` as the file's next record (the chain stays valid)."""
    records = [json.loads(line) for line in (root / rel).read_text(encoding="utf-8").splitlines()]
    body = {k: v for k, v in json.loads(json.dumps(template)).items() if k != "hash"}
    body.update(changes)
    body["seq"], body["prev"] = len(records), records[-1]["hash"]
    body["hash"] = kit.record_hash(body)
    with (root / rel).open("ab") as handle:
        handle.write(kit.canonical(body) + b"\n")
    assert kit.check_ledger(str(root / rel))[1] == []  # the file alone looks fine
    return body


def inputs_at(root: Path, record: dict, commit: str) -> dict[str, str]:
    """The ``inputs`` a draw made at ``commit`` would have recorded."""
    return {path: hashlib.sha256(subprocess.run(["git", "show", f"{commit}:{path}"], cwd=root, capture_output=True,
                                                check=True).stdout).hexdigest() for path in record["inputs"]}


def latest_approval(root: Path, year: int) -> dict:
    """The last ``plan_approval`` of ``year``'s annual plan in the bureau ledger (ssj plan approve's record)."""
    records = [json.loads(line) for line in (root / "data/ledger/bureau.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r for r in records if r["type"] == "plan_approval" and r["year"] == year and r["plan"] is None][-1]


def warnings_of(ssj, root: Path) -> list[tuple[str, int | None, str]]:
    report = json.loads(ssj(root, "verify-ledger", "--json").out)
    return [(p["file"], p["line"], p["message"]) for p in report["problems"] if p["severity"] == "warning"]


# ---------------------------------------------------------------------------------------------------
# 第七、十二、十六条 re-checked from git: an approved plan at the time, the item's window, its frequency
# ---------------------------------------------------------------------------------------------------

def test_draw_under_a_plan_whose_approval_was_only_typed_in(git_bureau, ssj):
    assert draw(ssj, git_bureau, "1").code == 0
    real = records_of(git_bureau)[0]
    approved = latest_approval(git_bureau, 2026)
    # the plan is changed and its approval block rewritten by hand, as an older or altered ssj would have drawn on it
    plan = git_bureau / "plans/2026.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("    frequency: 4\n    team_size: 2\n  - id: \"2026-sangu-01\"",
                                 "    frequency: 9\n    team_size: 2\n  - id: \"2026-sangu-01\""), encoding="utf-8")
    from shuangsuiji.plan.digest import annual_plan_digest
    from shuangsuiji.workspace import Workspace

    digest = annual_plan_digest(load_bureau(Workspace(git_bureau)).raw_plans[2026])
    assert text.count(approved["digest"]) == 1  # the approval block holds the recorded digest
    plan.write_text(plan.read_text(encoding="utf-8").replace(approved["digest"], digest), encoding="utf-8")
    commit_all(git_bureau, "手工改写审批块")
    forge(git_bureau, real, commit=head(git_bureau), inputs=inputs_at(git_bureau, real, head(git_bureau)))
    commit_all(git_bureau, "伪造")
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert problems == [(ERGU, 2, f"抽取所依据的2026 年度检查计划内容（摘要 {digest[:12]}…）在抽取前从未获审批"
                                  f"（最近一次审批为 {approved['approved_on']}，摘要 {approved['digest'][:12]}…）："
                                  "计划未经审批即被使用（第七条）")]


def test_draw_before_its_plan_was_approved(git_bureau, ssj):
    assert draw(ssj, git_bureau, "1").code == 0
    real = records_of(git_bureau)[0]
    approved = latest_approval(git_bureau, 2026)  # what the draw was made under: the plan's current content
    # the example's approvals were recorded at 09:34 and, after the revision of the plans, at 10:07
    forge(git_bureau, real, at="2026-11-30T09:00:00+08:00")
    commit_all(git_bureau, "伪造")
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert problems == [(ERGU, 2, f"抽取所依据的2026 年度检查计划（摘要 {approved['digest'][:12]}…）在抽取时（2026-11-30T09:00:00+08:00）"
                                  "没有审批记录：data/ledger/bureau.jsonl 中没有此前的 plan_approval（第七条）")]


def test_draw_outside_its_items_window(git_bureau, ssj):
    yigu = "data/ledger/yigu.jsonl"
    assert ssj(git_bureau, "draw", "--section", "一股", "--seed", "1", *DAY).code == 0
    real = json.loads((git_bureau / yigu).read_text(encoding="utf-8").splitlines()[0])
    # 一股's item runs in quarters 2 and 4; the plan is properly re-approved to run in quarter 2 only
    plan = git_bureau / "plans/2026.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("    quarters: [2, 4]\n", "    quarters: [2]\n", 1), encoding="utf-8")
    commit_all(git_bureau, "一股改为第二季度")
    approve = ssj(git_bureau, "plan", "approve", "--year", "2026", "--meeting", "第12次班子会议", "--approver", "韩立新",
                  "--date", "2026-12-01")
    assert approve.code == 0, approve.err
    forge(git_bureau, real, rel=yigu, commit=head(git_bureau), inputs=inputs_at(git_bureau, real, head(git_bureau)))
    commit_all(git_bureau, "伪造")
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert problems == [(yigu, 2, "抽取日期 2026-12-01 不在计划事项 2026-yigu-01 的实施时间（4月、5月、6月）内（第十二条）")]


def test_draws_beyond_the_items_frequency(git_bureau, ssj):
    for seed in "1234":  # 二股's item: 4 a year
        assert draw(ssj, git_bureau, seed).code == 0
    assert ssj(git_bureau, "void", "二股-0", "--reason", "测试").code == 0
    assert draw(ssj, git_bureau, "5").code == 0  # a void gives one back
    assert verify(ssj, git_bureau) == (0, [])
    forge(git_bureau, records_of(git_bureau)[-1])  # a sixth, made by hand
    commit_all(git_bureau, "伪造")
    assert ssj(git_bureau, "void", "二股-1", "--reason", "事后作废，不能让超出的那次变得合规").code == 0
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert problems == [(ERGU, 7, "计划事项 2026-ergu-01 的 2026 年频次为 4 次，这已是当年第 5 次有效抽取（第十六条）："
                                  "超出频次须报批临时检查计划")]


# ---------------------------------------------------------------------------------------------------
# Records that cannot be checked against git
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["draw", "announce"])
def test_a_record_without_its_commit_is_an_error_inside_git(git_bureau, ssj, kind):
    if kind == "draw":
        assert draw(ssj, git_bureau, "1").code == 0
    else:
        assert ssj(git_bureau, "announce", "--section", "二股", *DAY, "--seed-source", "福彩双色球第2026140期").code == 0
    forge(git_bureau, records_of(git_bureau)[0], commit=None)
    commit_all(git_bureau, "伪造")
    code, problems = verify(ssj, git_bureau)
    word = "抽取" if kind == "draw" else "公告"
    assert code == 1
    assert problems == [(ERGU, 2, f"这条{word}记录没有所依据的 git 提交（commit 为 null）：在 git 仓库中{word}必须记录提交，"
                                  "否则无法按当时的数据复核")]


def make_dirty_draw(root: Path, ssj) -> dict:
    people = root / "data/inspectors.yaml"
    before, after = people.read_text(encoding="utf-8").split('id: "RZ010"', 1)
    people.write_text(before + 'id: "RZ010"' + after.replace("active: true", "active: false", 1), encoding="utf-8")
    result = draw(ssj, root, "1", "--allow-dirty", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_dirty_draw_is_checked_against_the_later_commit_of_its_data(git_bureau, ssj):
    from shuangsuiji.audit.verify import SCOPE_IN_GIT
    from shuangsuiji.audit.verify import verify as core_verify
    from shuangsuiji.workspace import Workspace

    record = make_dirty_draw(git_bureau, ssj)
    commit_all(git_bureau, "停用 RZ010")
    later = head(git_bureau)
    assert warnings_of(ssj, git_bureau) == [(ERGU, 1, f"这次抽取基于未提交的数据文件（--allow-dirty）；它读取的文件与之后的提交 "
                                                      f"{later[:10]} 中的完全一致，已按该提交的数据复核")]
    result = core_verify(Workspace(git_bureau))
    assert result.ok and result.unverified == 0 and result.scope == SCOPE_IN_GIT
    # and it really is checked: a dirty record with a forged population is caught against that commit
    stratum = next(s for s in record["strata"] if s["name"] == "一般")
    cutoff = stratum["selected"][-1]["ticket"]
    extra = next(i for i in ("92410482MA4FLXCGXA", "92410482MA4A33NN29", "91410482MA4D0GX26A")
                 if kit.first_fraction(i, record["seed"]) > cutoff)
    stratum["population"] = sorted([*stratum["population"], extra])
    forge(git_bureau, record)
    commit_all(git_bureau, "伪造")
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert problems == [(ERGU, 2, "各层名单或比例与当时数据文件得出的不一致（分层、在营状态、黑名单或计划比例被改动）")]


def test_dirty_draw_whose_data_were_never_committed(git_bureau, ssj):
    from shuangsuiji.audit.verify import SCOPE_IN_GIT
    from shuangsuiji.audit.verify import verify as core_verify
    from shuangsuiji.workspace import Workspace

    make_dirty_draw(git_bureau, ssj)
    git(git_bureau, "checkout", "--", "data/inspectors.yaml")  # that version of the file is gone for good
    message = ("这次抽取基于未提交的数据文件（--allow-dirty），它读取的那一版数据从未提交到 git："
               "抽取名单是否与当时的数据一致，无法复核")
    assert warnings_of(ssj, git_bureau) == [(ERGU, 1, message)]
    result = core_verify(Workspace(git_bureau))
    assert result.ok and result.unverified == 1
    assert "抽取与当时数据一致" not in result.scope and "1 次抽取所读取的数据从未提交到 git" in result.scope
    assert result.scope != SCOPE_IN_GIT
    out = ssj(git_bureau, "verify-ledger").out
    assert f"{ERGU}:1: 警告：{message}" in out and "警告：注意" not in out


# ---------------------------------------------------------------------------------------------------
# Redraws hidden by git reset, and ledgers already pushed
# ---------------------------------------------------------------------------------------------------

def test_a_draw_reset_away_and_redrawn_is_reported(git_bureau, ssj):
    assert draw(ssj, git_bureau, "1").code == 0
    assert draw(ssj, git_bureau, "2").code == 0
    lost = head(git_bureau)
    subject = git(git_bureau, "log", "-1", "--format=%s").strip()
    git(git_bureau, "reset", "-q", "--hard", "HEAD~1")  # the second draw did not please: drop it and draw again
    assert draw(ssj, git_bureau, "3").code == 0
    code, problems = verify(ssj, git_bureau)
    assert (code, problems) == (0, [])  # the history itself is append-only
    assert warnings_of(ssj, git_bureau) == [
        (ERGU, 2, f"已不在当前历史中的台账提交：可能被 reset 后重新抽取（提交 {lost[:10]}“{subject}”中第 2 行起的记录"
                  "不在当前台账里；git reflog 可查）")]


def test_a_reworded_commit_that_keeps_every_record_is_not_reported(git_bureau, ssj):
    assert draw(ssj, git_bureau, "1").code == 0
    git(git_bureau, "commit", "-q", "--amend", "-m", "抽取 二股-0（补充说明）")
    assert warnings_of(ssj, git_bureau) == []


def pushed(root: Path, tmp_path: Path) -> Path:
    remote = tmp_path / "远程.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    git(root, "push", "-q", "-u", "origin", "main")
    return remote


def test_rewriting_a_pushed_ledger_is_an_error(git_bureau, ssj, tmp_path):
    assert draw(ssj, git_bureau, "1").code == 0
    pushed(git_bureau, tmp_path)
    git(git_bureau, "reset", "-q", "--hard", "HEAD~1")
    assert draw(ssj, git_bureau, "2").code == 0
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert problems == [(ERGU, 1, "与已推送到上游 origin/main 的版本不同（第 1 行起）：已推送的台账记录在本地被改写或删除"
                                  "（可能被 reset 后重新抽取）")]


def test_a_ledger_behind_its_upstream_is_a_warning(git_bureau, ssj, tmp_path):
    assert draw(ssj, git_bureau, "1").code == 0
    pushed(git_bureau, tmp_path)
    assert verify(ssj, git_bureau) == (0, [])
    git(git_bureau, "reset", "-q", "--hard", "HEAD~1")  # as if a colleague's pushed draw were not pulled yet
    code, problems = verify(ssj, git_bureau)
    assert (code, problems) == (0, [])
    assert (ERGU, 1, "上游 origin/main 中的这个台账比本地多 1 条记录：请先 git pull 再核验") in warnings_of(ssj, git_bureau)


# ---------------------------------------------------------------------------------------------------
# A whole ledger file deleted in a commit
# ---------------------------------------------------------------------------------------------------

def test_a_section_ledger_deleted_in_a_commit_is_found(git_bureau, ssj):
    yigu = "data/ledger/yigu.jsonl"
    assert draw(ssj, git_bureau, "1").code == 0
    assert ssj(git_bureau, "draw", "--section", "一股", "--seed", "1", *DAY).code == 0
    git(git_bureau, "rm", "-q", yigu)
    git(git_bureau, "commit", "-q", "-m", "删除一股台账")
    deleting = head(git_bureau)
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert problems == [(yigu, None, "台账文件已被删除（git 中有已提交的版本）"),
                        (yigu, 1, f"提交 {deleting[:10]} 改写了此前已提交的台账（第 1 行起不同）：历史被改写")]


def test_announcement_whose_conflicts_digest_does_not_match_its_data(git_bureau, ssj):
    assert ssj(git_bureau, "announce", "--section", "二股", *DAY, "--seed-source", "福彩双色球第2026140期").code == 0
    note = records_of(git_bureau)[0]
    assert "conflicts_digest" in note
    forge(git_bureau, note, conflicts_digest="0" * 64)
    commit_all(git_bureau, "伪造")
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert problems == [(ERGU, 2, "公告的利害关系申报摘要与当时 data/inspectors.yaml 中的申报不一致")]
