"""Draws inside git: what is committed, refusals before anything is written, exit status 3, and what
``ssj verify-ledger`` finds in the history (rewritten commits, unanchored records, forged populations)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import git, snapshot

from shuangsuiji.kit import verify as kit

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
