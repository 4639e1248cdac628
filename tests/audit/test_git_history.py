"""Ledgers inside git (SPEC §4 Git, §5 format 2; issues 10 and 11): what a draw commits, what is refused before
anything is computed, what happens when a commit still fails, and what ``ssj verify-ledger`` finds in the history
in its one pass over ``git log -p`` — edited or deleted lines, rewritten year files, deleted or changed list files,
commits lost to reset, amend and rebase, rewritten pushed ledgers — and against the data at each record's commit."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from shuangsuiji.publish.verifier import verify as kit
from tests.helpers import git, snapshot, team_of

ERGU = "data/ledger/ergu/2026.jsonl"
YIGU = "data/ledger/yigu/2026.jsonl"
LISTS = "data/ledger/lists"
DAY = ("--date", "2026-12-01")
#: a second draw of the same plan item within 7 days needs a reason (第十六条); harmless when not needed
AGAIN = ("--again", "--reason", "测试：同一天再次抽取")
UNCOMMITTED = "与 git 中最后提交的版本不同（有尚未提交或被改动的台账内容）：请提交 ssj 写入的记录；若不是 ssj 写入的，这就是被改动的台账"
HOW_TO_COMMIT = 'git add data/ledger && git commit -m "补交台账记录"'
PENDING = "台账中有尚未提交到 git 的内容："
ANNOUNCE = ("announce", "--section", "二股", "--source", "双色球:2026140", "--not-before", "2026-12-08T21:30")


def draw(ssj, root, seed="1", *extra):
    return ssj(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", seed, *DAY, *extra)


def drawn(ssj, root, seed="1", *extra) -> dict:
    """A draw that must succeed; its record as ``--json`` printed it."""
    result = draw(ssj, root, seed, *extra, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def subject(root: Path, rev: str = "HEAD") -> str:
    return git(root, "log", "-1", "--format=%s", rev).strip()


def lines(root: Path, rel: str = ERGU) -> list[bytes]:
    return (root / rel).read_bytes().splitlines(keepends=True)


def records_of(root: Path, rel: str = ERGU) -> list[dict]:
    return [json.loads(line) for line in lines(root, rel)]


def report_of(ssj, root: Path) -> tuple[int, dict]:
    result = ssj(root, "verify-ledger", "--json")
    report = json.loads(result.out)
    assert report["git"] is True
    assert result.code == (0 if report["ok"] else 1)
    return result.code, report


def verify(ssj, root: Path) -> tuple[int, list[tuple[str, int | None, str]]]:
    code, report = report_of(ssj, root)
    return code, [(p["file"], p["line"], p["message"]) for p in report["problems"] if p["severity"] == "error"]


def warnings_of(ssj, root: Path) -> list[tuple[str, int | None, str]]:
    _, report = report_of(ssj, root)
    return [(p["file"], p["line"], p["message"]) for p in report["problems"] if p["severity"] == "warning"]


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def list_files_of(record: dict) -> set[str]:
    """The list files a record names: its strata's populations (rested and recent cite records, not lists)."""
    digests = {s["population"] for s in record["strata"]}
    return {f"{LISTS}/{d}.json" for d in digests}


def subject_of_draw(record: dict, label: str) -> str:
    count = sum(s["k"] for s in record["strata"])
    return f"抽取 {label}：{record['date']}，{count} 家单位，{len(record['inspectors']['teams'])} 个检查组（人工输入）"


def tips(root: Path) -> dict[str, dict]:
    """``{ledger: {"seq", "hash"}}`` of every ledger on disk (what a record written now must pin as ``heads``)."""
    found = {}
    for folder in sorted((root / "data/ledger").iterdir()):
        files = sorted(folder.glob("*.jsonl"))
        if folder.name != "lists" and files:
            last = json.loads(files[-1].read_bytes().splitlines()[-1])
            found[folder.name] = {"seq": last["seq"], "hash": last["hash"]}
    return found


def forge(root: Path, template: dict, rel: str = ERGU, **changes) -> dict:
    """Append a sealed copy of ``template`` with ``changes`` as the next record of ``rel``: seq, prev and heads
    are right, so the chain holds and only what ``changes`` alter can be wrong."""
    records = records_of(root, rel)
    body = {k: v for k, v in json.loads(json.dumps(template)).items() if k != "hash"}
    ledger = rel.split("/")[2]
    body["heads"] = {name: tip for name, tip in tips(root).items() if name != ledger}
    body.update(changes)
    body["seq"], body["prev"] = len(records), records[-1]["hash"]
    body["hash"] = kit.record_hash(body)
    with (root / rel).open("ab") as handle:
        handle.write(kit.canonical(body) + b"\n")
    return body


def lost_message(commit: str, title: str, record: str) -> str:
    return (f"已不在当前历史中的台账提交 {commit[:10]}“{title}”：它的记录 {record} 不在当前台账里"
            "（可能被 reset、amend 或 rebase 后重新抽取；git reflog 可查）")


def rewritten(commit: str, line: int) -> str:
    return f"提交 {commit[:10]} 改写了此前已提交的台账（第 {line} 行起不同）：历史被改写"


# ---------------------------------------------------------------------------------------------------
# What a draw commits
# ---------------------------------------------------------------------------------------------------

def test_a_draw_commits_its_year_file_and_new_list_files_and_nothing_else(git_bureau, ssj):
    base = head(git_bureau)
    (git_bureau / "说明.txt").write_text("暂存但与抽取无关\n", encoding="utf-8")
    git(git_bureau, "add", "说明.txt")
    result = draw(ssj, git_bureau, "20261201", "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert result.out == (git_bureau / ERGU).read_text(encoding="utf-8")  # exactly the line the ledger holds
    assert git(git_bureau, "rev-parse", "HEAD~1").strip() == base
    assert record["commit"] == base and record["dirty"] is False and record["format"] == 2
    committed = git(git_bureau, "show", "--name-only", "--format=", "HEAD").split()
    assert committed == sorted({ERGU, *list_files_of(record)})
    assert all((git_bureau / rel).is_file() for rel in committed)
    assert subject(git_bureau) == subject_of_draw(record, "二股-0")
    staged = git(git_bureau, "-c", "core.quotepath=off", "diff", "--cached", "--name-only").split()
    assert staged == ["说明.txt"]  # still staged, not committed
    assert record["operator"] == "测试员"  # git's user.name
    assert f"已写入记录 二股-0（{ERGU} 末行）；已提交 git（{head(git_bureau)[:10]}）；操作人 测试员" in result.err
    for path, digest in record["inputs"].items():
        blob = subprocess.run(["git", "show", f"{base}:{path}"], cwd=git_bureau, capture_output=True, check=True).stdout
        assert hashlib.sha256(blob).hexdigest() == digest, path
    code, report = report_of(ssj, git_bureau)
    assert code == 0 and report["problems"] == []
    # the bureau: 3 plan approvals and the 清单's approval
    assert [(s["file"], s["records"]) for s in report["ledgers"]] == [("data/ledger/bureau", 4), ("data/ledger/ergu", 1)]


def test_equal_lists_are_one_file_committed_with_the_first_record_that_uses_them(git_bureau, ssj):
    first = drawn(ssj, git_bureau, "1")
    assert ssj(git_bureau, "void", "二股-0", "--reason", "测试").code == 0
    assert git(git_bureau, "show", "--name-only", "--format=", "HEAD").split() == [ERGU]
    second = drawn(ssj, git_bureau, "2")  # the void ended the rest period: the same populations again
    assert [s["population"] for s in second["strata"]] == [s["population"] for s in first["strata"]]
    assert git(git_bureau, "show", "--name-only", "--format=", "HEAD").split() == [ERGU]
    assert sorted(p.name for p in (git_bureau / LISTS).iterdir()) == sorted(Path(p).name for p in list_files_of(first))
    assert verify(ssj, git_bureau) == (0, [])


def test_operator_option_wins_over_git_user(git_bureau, ssj):
    assert drawn(ssj, git_bureau, "1", "--operator", " 李四 ")["operator"] == "李四"


def test_void_and_recusal_are_committed_too(git_bureau, ssj):
    record = drawn(ssj, git_bureau, "1", "--team-size", "3")
    entity = record["strata"][0]["selected"][0]
    inspector = team_of(record, entity)[0]
    recused = ssj(git_bureau, "recuse", "二股-0", "--inspector", inspector, "--entity", entity, "--reason", "其他")
    assert recused.code == 0, recused.err
    assert ssj(git_bureau, "void", "二股-0", "--reason", "测试").code == 0
    subjects = git(git_bureau, "log", "--format=%s", "-3").splitlines()
    assert subjects[0] == "作废 二股-0（二股-2）：测试"
    assert subjects[1].startswith(f"回避 二股-0：{inspector} → ")
    assert git(git_bureau, "show", "--name-only", "--format=", "HEAD").split() == [ERGU]
    assert git(git_bureau, "status", "--porcelain", "--", "data", "plans") == ""
    assert verify(ssj, git_bureau) == (0, [])


# ---------------------------------------------------------------------------------------------------
# Refused before anything is computed: the commit must be able to succeed (SPEC §4 Git, issue 11)
# ---------------------------------------------------------------------------------------------------

def lock_message(lock: str) -> str:
    return (f"无法记录：git 的锁文件 {lock} 还在：另一个 git 程序正在运行，或上次中断后留下了它。确认没有 git 程序在运行后，"
            f"删除这个文件再重试（Linux：rm {lock}；")


@pytest.mark.parametrize("lock", [".git/index.lock", ".git/HEAD.lock", ".git/refs/heads/main.lock"])
def test_a_stale_git_lock_is_named_and_refused_before_any_result(git_bureau, ssj, lock):
    (git_bureau / lock).write_bytes(b"")
    base, before = head(git_bureau), snapshot(git_bureau)
    for extra in ((), ("--json",)):
        result = draw(ssj, git_bureau, "1", *extra)
        assert (result.code, result.out) == (1, "")  # no selection, no record
        assert lock_message(lock) in result.err and "Traceback" not in result.err
    assert snapshot(git_bureau) == before and head(git_bureau) == base
    assert not (git_bureau / "data/ledger/ergu").exists()
    (git_bureau / lock).unlink()
    assert drawn(ssj, git_bureau, "1")["seq"] == 0  # nothing was left behind by the refusals
    assert verify(ssj, git_bureau) == (0, [])


def test_a_background_gc_does_not_stop_a_draw(git_bureau, ssj):
    # the clerk's own git commit may start a detached git gc --auto, which holds .git/gc.log.lock: a commit
    # still works, so ssj must not refuse (benchmarks/README.md: it stopped a long history being made)
    (git_bureau / ".git/gc.log.lock").write_bytes(b"")
    assert drawn(ssj, git_bureau, "1")["seq"] == 0
    assert verify(ssj, git_bureau) == (0, [])


def test_every_writer_refuses_a_stale_index_lock_and_leaves_the_ledger_as_it_was(git_bureau, ssj):
    record = drawn(ssj, git_bureau, "1")
    entity = record["strata"][0]["selected"][0]
    inspector = team_of(record, entity)[0]
    (git_bureau / ".git/index.lock").write_bytes(b"")
    before = snapshot(git_bureau)
    for command in (("void", "二股-0", "--reason", "测试"),
                    ("recuse", "二股-0", "--inspector", inspector, "--entity", entity, "--reason", "其他"),
                    ANNOUNCE,
                    ("targeted", "--section", "二股", "--basis", "投诉举报", "--reference", "汝应急投〔2026〕1号",
                     "--reason", "群众举报", "--entity", entity, "--inspector", "RZ005", "--inspector", "RZ006"),
                    ("draw", "--section", "二股", "--ratio", "0.1", *DAY, *AGAIN)):  # a system seed: never made
        result = ssj(git_bureau, *command)
        assert (result.code, result.out) == (1, ""), (command, result)
        assert lock_message(".git/index.lock") in result.err, command
    assert snapshot(git_bureau) == before


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
    assert (result.code, result.out) == (1, "") and "Traceback" not in result.err
    assert "git 没有配置提交人：请运行 git config user.name \"姓名\" 和 git config user.email \"邮箱\"" in result.err
    assert snapshot(root) == before and head(root) == base


def test_merge_in_progress_refused(git_bureau, ssj):
    (git_bureau / ".git/MERGE_HEAD").write_text(head(git_bureau) + "\n", encoding="utf-8")
    before = snapshot(git_bureau)
    result = draw(ssj, git_bureau)
    assert (result.code, result.out) == (1, "") and "git 正在合并（merge）中：请先完成或放弃合并" in result.err
    assert snapshot(git_bureau) == before


def test_repository_without_commits_refused(bureau, ssj):
    git(bureau, "init", "-q", "-b", "main")
    git(bureau, "config", "user.name", "测试员")
    git(bureau, "config", "user.email", "tester@example.invalid")
    before = snapshot(bureau)
    result = draw(ssj, bureau)
    assert result.code == 1 and "仓库还没有任何提交：请先提交数据文件（git add data plans && git commit）" in result.err
    assert snapshot(bureau) == before


def test_uncommitted_data_file_refused(git_bureau, ssj):
    credit = git_bureau / "data/credit.yaml"
    credit.write_text(credit.read_text(encoding="utf-8") + "# 新增注释\n", encoding="utf-8")
    base, before = head(git_bureau), snapshot(git_bureau)
    result = draw(ssj, git_bureau)
    assert result.code == 1 and "Traceback" not in result.err
    assert "数据文件有未提交的修改：data/credit.yaml" in result.err and "--allow-dirty" in result.err
    assert snapshot(git_bureau) == before and head(git_bureau) == base


def test_allow_dirty_is_recorded_and_verified_against_the_later_commit_of_its_data(git_bureau, ssj):
    people = git_bureau / "data/inspectors.yaml"
    before, after = people.read_text(encoding="utf-8").split('id: "RZ010"', 1)
    people.write_text(before + 'id: "RZ010"' + after.replace("active: true", "active: false", 1), encoding="utf-8")
    record = drawn(ssj, git_bureau, "1", "--allow-dirty")
    assert record["dirty"] is True and record["commit"] == git(git_bureau, "rev-parse", "HEAD~1").strip()
    assert "RZ010" not in record["inspectors"]["eligible"]
    assert git(git_bureau, "show", "--name-only", "--format=", "HEAD").split() == sorted({ERGU, *list_files_of(record)})
    assert git(git_bureau, "status", "--porcelain", "--", "data", "plans").split() == ["M", "data/inspectors.yaml"]
    never = ("这次抽取基于未提交的数据文件（--allow-dirty），它读取的那一版数据从未提交到 git：名单是否与当时的数据一致，无法复核")
    assert verify(ssj, git_bureau) == (0, []) and warnings_of(ssj, git_bureau) == [(ERGU, 1, never)]
    commit_all(git_bureau, "停用 RZ010")
    later = head(git_bureau)
    assert verify(ssj, git_bureau) == (0, [])
    assert warnings_of(ssj, git_bureau) == [(ERGU, 1, f"这次抽取基于未提交的数据文件（--allow-dirty）；它读取的文件与提交 "
                                                      f"{later[:10]} 中的完全一致，已按该提交的数据复核")]


def test_a_dirty_draw_whose_data_were_never_committed_is_not_claimed_as_checked(git_bureau, ssj):
    from shuangsuiji.audit.verify import SCOPE_IN_GIT
    from shuangsuiji.audit.verify import verify as core_verify
    from shuangsuiji.workspace import Workspace

    credit = git_bureau / "data/credit.yaml"
    credit.write_text(credit.read_text(encoding="utf-8") + "# 草稿\n", encoding="utf-8")
    drawn(ssj, git_bureau, "1", "--allow-dirty")
    git(git_bureau, "checkout", "--", "data/credit.yaml")  # that version of the file is gone for good
    result = core_verify(Workspace(git_bureau))
    assert result.ok and result.unverified == 1 and result.scope != SCOPE_IN_GIT
    assert "有 1 次抽取所读取的数据从未提交到 git" in result.scope
    out = ssj(git_bureau, "verify-ledger").out
    assert f"{ERGU}:1: 警告：这次抽取基于未提交的数据文件（--allow-dirty），它读取的那一版数据从未提交到 git" in out


# ---------------------------------------------------------------------------------------------------
# Hooks cannot refuse or rewrite ssj's commits
# ---------------------------------------------------------------------------------------------------

HOOK = "#!/bin/sh\ntouch \"$(git rev-parse --git-dir)/hook-ran-$(basename \"$0\")\"\necho 'hook: 拒绝提交' >&2\nexit 1\n"
MESSAGE_HOOK = "#!/bin/sh\necho '被钩子改写的提交说明' > \"$1\"\n"


@pytest.mark.skipif(os.name == "nt", reason="shell hooks")
@pytest.mark.parametrize("where", [".git/hooks", ".githooks"])
def test_failing_hooks_do_not_block_or_rewrite_ssj_commits(git_bureau, ssj, where):
    folder = git_bureau / where
    folder.mkdir(exist_ok=True)
    if where != ".git/hooks":
        git(git_bureau, "config", "core.hooksPath", where)
    for name, text in (("pre-commit", HOOK), ("commit-msg", HOOK), ("post-commit", HOOK),
                       ("prepare-commit-msg", MESSAGE_HOOK)):
        (folder / name).write_text(text, encoding="utf-8")
        (folder / name).chmod(0o755)
    base = head(git_bureau)
    record = drawn(ssj, git_bureau, "1")
    assert git(git_bureau, "rev-parse", "HEAD~1").strip() == base
    assert subject(git_bureau) == subject_of_draw(record, "二股-0")
    assert list((git_bureau / ".git").glob("hook-ran-*")) == []  # no hook ran at all
    assert git(git_bureau, "status", "--porcelain", "--", "data", "plans") == ""
    assert ssj(git_bureau, "void", "二股-0", "--reason", "测试").code == 0
    assert subject(git_bureau) == "作废 二股-0（二股-1）：测试"
    assert verify(ssj, git_bureau) == (0, [])


# ---------------------------------------------------------------------------------------------------
# A commit that still fails: exit 3, the record stays, nothing is shown, every writer refuses until it is committed
# ---------------------------------------------------------------------------------------------------

@pytest.mark.skipif(os.name == "nt", reason="uses /bin/false as the signing program")
def test_a_commit_that_still_fails_keeps_the_record_and_blocks_every_writer(git_bureau, ssj):
    git(git_bureau, "config", "commit.gpgSign", "true")  # signing fails after every pre-flight check passed
    git(git_bureau, "config", "gpg.program", "false")
    base = head(git_bureau)
    result = draw(ssj, git_bureau, "1", "--json")
    assert (result.code, result.out) == (3, "")  # nothing of the selection is shown, not even as JSON
    assert "Traceback" not in result.err and "gpg failed to sign the data" in result.err
    assert f"记录已写入 {ERGU}，但 git 提交失败：" in result.err
    assert f"记录不会删除；请处理后运行：{HOW_TO_COMMIT}" in result.err
    assert head(git_bureau) == base
    record = records_of(git_bureau)[0]
    assert (record["seq"], record["seed"]) == (0, "1")  # the record stays
    kept = snapshot(git_bureau)
    for command in (("draw", "--section", "二股", "--ratio", "0.1", "--seed", "2", *DAY, *AGAIN),
                    ("void", "二股-0", "--reason", "重新抽取"), ANNOUNCE):
        refused = ssj(git_bureau, *command)
        assert (refused.code, refused.out) == (1, ""), command
        assert f"{PENDING}{ERGU}、{LISTS}/" in refused.err, refused.err
        assert f"在它提交之前不能再写入新记录（记录不会被丢弃）：请先运行 {HOW_TO_COMMIT}" in refused.err
    assert snapshot(git_bureau) == kept
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert problems == [(rel, None, UNCOMMITTED) for rel in sorted({ERGU, *list_files_of(record)})]
    # doing what the message says anchors the record, and writing goes on from it
    git(git_bureau, "config", "commit.gpgSign", "false")
    git(git_bureau, "add", "data/ledger")
    git(git_bureau, "commit", "-q", "-m", "补交台账记录")
    assert verify(ssj, git_bureau) == (0, [])
    assert drawn(ssj, git_bureau, "2", *AGAIN)["prev"] == record["hash"]


# ---------------------------------------------------------------------------------------------------
# Ledger content in the working tree that is not HEAD's
# ---------------------------------------------------------------------------------------------------

def edit_operator(root: Path, line: int, to: str = "测试者") -> None:
    rows = lines(root)
    rows[line - 1] = rows[line - 1].replace('"operator":"测试员"'.encode(), f'"operator":"{to}"'.encode(), 1)
    (root / ERGU).write_bytes(b"".join(rows))


def test_an_edited_committed_line_in_the_working_tree_is_found_and_blocks_writers(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    drawn(ssj, git_bureau, "2", *AGAIN)
    edit_operator(git_bureau, 1)
    assert verify(ssj, git_bureau) == (1, [(ERGU, 1, "hash 不符（记录被改动过）"), (ERGU, None, UNCOMMITTED)])
    before = snapshot(git_bureau)
    refused = draw(ssj, git_bureau, "3", *AGAIN)
    assert refused.code == 1 and f"{PENDING}{ERGU}。" in refused.err and "ssj verify-ledger" in refused.err
    assert snapshot(git_bureau) == before


def test_a_deleted_last_line_in_the_working_tree_is_found(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    drawn(ssj, git_bureau, "2", *AGAIN)
    (git_bureau / ERGU).write_bytes(lines(git_bureau)[0])  # the chain alone still looks fine
    assert verify(ssj, git_bureau) == (1, [(ERGU, None, UNCOMMITTED)])
    assert f"{ERGU}: {UNCOMMITTED}" in ssj(git_bureau, "verify-ledger").out


def test_a_torn_line_left_by_a_crash_is_repaired_without_touching_history(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    whole = (git_bureau / ERGU).read_bytes()
    torn = b'{"again":null,"announcement":null,"assignments":[0,1'
    (git_bureau / ERGU).write_bytes(whole + torn)
    assert verify(ssj, git_bureau) == (1, [(ERGU, 2, "最后一行不完整（没有换行符，写入可能被中断）；可用 ssj ledger repair 去掉这一残行"),
                                           (ERGU, None, UNCOMMITTED)])
    before = snapshot(git_bureau)
    assert draw(ssj, git_bureau, "2", *AGAIN).code == 1
    assert snapshot(git_bureau) == before
    repaired = ssj(git_bureau, "ledger", "repair")
    assert repaired.code == 0 and f"{ERGU}：已去掉不完整的末行（{len(torn)} 字节），保留 1 条完整记录。" in repaired.out
    assert (git_bureau / ERGU).read_bytes() == whole
    assert verify(ssj, git_bureau) == (0, [])
    assert drawn(ssj, git_bureau, "2", *AGAIN)["seq"] == 1


def test_inside_git_a_torn_line_is_refused_by_name_and_never_to_be_committed(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    (git_bureau / ERGU).write_bytes((git_bureau / ERGU).read_bytes() + b'{"again":null,"announcement"')
    refused = draw(ssj, git_bureau, "2", *AGAIN)
    assert refused.code == 1
    assert f"{ERGU} 的最后一行不完整（写入被中断）：请先运行 ssj ledger repair" in refused.err
    assert "git commit" not in refused.err


# ---------------------------------------------------------------------------------------------------
# Committed history that is not append-only (one pass over git log -p)
# ---------------------------------------------------------------------------------------------------

def test_append_only_history_verifies(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    drawn(ssj, git_bureau, "2", *AGAIN)
    assert ssj(git_bureau, "draw", "--section", "一股", "--seed", "1", *DAY).code == 0
    assert ssj(git_bureau, "void", "二股-1", "--reason", "测试").code == 0
    result = ssj(git_bureau, "verify-ledger")
    assert result.code == 0
    assert "核验通过：哈希链、重算抽取与回避、git 历史只增不改、抽取与当时数据一致且在已审批的计划内。" in result.out


def test_verify_ledger_runs_a_handful_of_git_processes_whatever_the_number_of_records(git_bureau, ssj, monkeypatch):
    started: list[list[str]] = []

    class Counted(subprocess.Popen):
        def __init__(self, args, *rest, **options):
            started.append(list(args))
            super().__init__(args, *rest, **options)

    def count() -> int:
        started.clear()
        monkeypatch.setattr(subprocess, "Popen", Counted)
        try:
            assert verify(ssj, git_bureau) == (0, [])
        finally:
            monkeypatch.setattr(subprocess, "Popen", Counted.__bases__[0])
        assert all(args[0] == "git" for args in started)
        return len(started)

    drawn(ssj, git_bureau, "1")
    few = count()
    for seed in "234":
        drawn(ssj, git_bureau, seed, *AGAIN)
        assert ssj(git_bureau, "void", f"二股-{len(records_of(git_bureau)) - 1}", "--reason", "测试").code == 0
    assert len(records_of(git_bureau)) == 7
    assert count() == few <= 16  # the same handful however many records (one of them: merges keep every parent)


def test_a_committed_edit_of_a_line_is_a_rewrite_even_once_undone(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    drawn(ssj, git_bureau, "2", *AGAIN)
    original = (git_bureau / ERGU).read_bytes()
    edit_operator(git_bureau, 1)
    commit_all(git_bureau, "改操作人")
    editing = head(git_bureau)
    assert verify(ssj, git_bureau) == (1, [(ERGU, 1, "hash 不符（记录被改动过）"), (ERGU, 1, rewritten(editing, 1))])
    (git_bureau / ERGU).write_bytes(original)  # the bytes put back: the chain holds, the history does not
    commit_all(git_bureau, "改回")
    assert verify(ssj, git_bureau) == (1, [(ERGU, 1, rewritten(editing, 1)), (ERGU, 1, rewritten(head(git_bureau), 1))])


def test_appends_after_a_rewrite_are_not_blamed_for_it(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    drawn(ssj, git_bureau, "2", *AGAIN)
    edit_operator(git_bureau, 1)
    commit_all(git_bureau, "改操作人")
    editing = head(git_bureau)
    drawn(ssj, git_bureau, "3", *AGAIN)  # a writer checks only the tip (line 2, untouched), so it appends
    assert verify(ssj, git_bureau) == (1, [(ERGU, 1, "hash 不符（记录被改动过）"), (ERGU, 1, rewritten(editing, 1))])


def test_a_committed_deletion_of_the_last_line_is_a_rewrite(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    drawn(ssj, git_bureau, "2", *AGAIN)
    (git_bureau / ERGU).write_bytes(lines(git_bureau)[0])  # what is left is a valid chain
    commit_all(git_bureau, "删去第二次抽取")
    code, problems = verify(ssj, git_bureau)
    assert (code, problems) == (1, [(ERGU, 2, rewritten(head(git_bureau), 2))])
    assert f"{ERGU}:2: {rewritten(head(git_bureau), 2)}" in ssj(git_bureau, "verify-ledger").out


def test_a_commit_that_rewrites_a_year_file_as_a_valid_chain_is_found(git_bureau, ssj):
    record = drawn(ssj, git_bureau, "1")
    body = {k: v for k, v in record.items() if k != "hash"}
    body["operator"] = "李四"
    body["hash"] = kit.record_hash(body)
    (git_bureau / ERGU).write_bytes(kit.canonical(body) + b"\n")
    commit_all(git_bureau, "重写台账")
    assert verify(ssj, git_bureau) == (1, [(ERGU, 1, rewritten(head(git_bureau), 1))])


def test_a_year_file_deleted_in_a_commit_is_found(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    git(git_bureau, "rm", "-q", ERGU)
    git(git_bureau, "commit", "-q", "-m", "删除二股台账")
    deleting = head(git_bureau)
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert (ERGU, None, f"提交 {deleting[:10]} 删除了这个台账文件：历史被改写") in problems
    assert ("data/ledger/ergu", None, "整本台账已被删除（git 中有已提交的版本）") in problems
    assert {file for file, _, _ in problems} == {ERGU, "data/ledger/ergu"}


def general(record: dict) -> tuple[str, str]:
    """(``第 N 层（一般）``, the list file of its population) of a draw."""
    number, stratum = next((n, s) for n, s in enumerate(record["strata"], 1) if s["name"] == "一般")
    return f"第 {number} 层（一般）", f"{LISTS}/{stratum['population']}.json"


@pytest.mark.parametrize("change", ["deleted", "changed"])
def test_a_list_file_deleted_or_changed_in_a_commit_is_found(git_bureau, ssj, change):
    record = drawn(ssj, git_bureau, "1")
    layer, rel = general(record)
    original = (git_bureau / rel).read_bytes()
    if change == "deleted":
        (git_bureau / rel).unlink()
        found = f"{layer}：缺少名单文件 lists/{Path(rel).name}"
    else:
        (git_bureau / rel).write_bytes(original.replace(b'"]', b'","91410482MA00000000"]', 1))
        found = f"{layer}：名单文件 {Path(rel).name} 的 SHA-256 与文件名不符（文件被改动过）"
    code, problems = verify(ssj, git_bureau)  # not yet committed
    assert code == 1 and (rel, None, UNCOMMITTED) in problems and (ERGU, 1, found) in problems
    commit_all(git_bureau, "整理名单")
    changing = head(git_bureau)
    what = "删除" if change == "deleted" else "改动"
    history = (rel, None, f"提交 {changing[:10]} {what}了这个名单文件：名单文件一经提交永不改动")
    code, problems = verify(ssj, git_bureau)
    assert code == 1 and history in problems and (ERGU, 1, found) in problems
    assert {file for file, _, _ in problems} == {rel, ERGU}
    # putting the bytes back mends the ledger, never the history (and putting back a changed file is one more change)
    (git_bureau / rel).write_bytes(original)
    commit_all(git_bureau, "恢复名单")
    again = [] if change == "deleted" else [(rel, None, f"提交 {head(git_bureau)[:10]} 改动了这个名单文件：名单文件一经提交永不改动")]
    assert verify(ssj, git_bureau) == (1, [*again, history])


# ---------------------------------------------------------------------------------------------------
# Ledger commits the current history lost: reset, amend, rebase (an error, naming the commit)
# ---------------------------------------------------------------------------------------------------

def test_a_draw_reset_away_and_redrawn_is_an_error(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    drawn(ssj, git_bureau, "2", *AGAIN)
    lost, title = head(git_bureau), subject(git_bureau)
    git(git_bureau, "reset", "-q", "--hard", "HEAD~1")  # the second draw did not please
    expected = [(ERGU, None, lost_message(lost, title, "ergu-1"))]
    assert verify(ssj, git_bureau) == (1, expected)
    drawn(ssj, git_bureau, "3", *AGAIN)  # … and is drawn again
    assert verify(ssj, git_bureau) == (1, expected)
    result = ssj(git_bureau, "verify-ledger")
    assert result.code == 1 and f"{ERGU}: {lost_message(lost, title, 'ergu-1')}" in result.out


def test_an_amend_that_drops_a_record_is_an_error(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    drawn(ssj, git_bureau, "2", *AGAIN)
    lost, title = head(git_bureau), subject(git_bureau)
    (git_bureau / ERGU).write_bytes(lines(git_bureau)[0])
    git(git_bureau, "commit", "-q", "--amend", "-a", "-m", "整理名单文件")
    assert verify(ssj, git_bureau) == (1, [(ERGU, None, lost_message(lost, title, "ergu-1"))])


def test_an_amended_message_that_keeps_every_record_is_not_reported(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    git(git_bureau, "commit", "-q", "--amend", "-m", "抽取 二股-0（补充说明）")
    assert verify(ssj, git_bureau) == (0, []) and warnings_of(ssj, git_bureau) == []


def expire_and_prune(root: Path) -> None:
    git(root, "reflog", "expire", "--expire=now", "--all")
    git(root, "gc", "-q", "--prune=now")


def test_a_draw_reset_away_with_reflog_expired_and_gc_is_still_an_error(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    drawn(ssj, git_bureau, "2", *AGAIN)
    git(git_bureau, "reset", "-q", "--hard", "HEAD~1")
    expire_and_prune(git_bureau)
    drawn(ssj, git_bureau, "3", *AGAIN)
    code, problems = verify(ssj, git_bureau)
    assert code == 1 and any("ergu-1" in message or "二股-1" in message for _, _, message in problems), problems


def test_a_record_dropped_by_rebase_shows_in_another_ledgers_heads_even_after_gc(git_bureau, ssj):
    first = drawn(ssj, git_bureau, "1")
    second = drawn(ssj, git_bureau, "2", *AGAIN)
    dropped = head(git_bureau)
    result = ssj(git_bureau, "draw", "--section", "一股", "--seed", "1", *DAY, "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["heads"]["ergu"] == {"seq": 1, "hash": second["hash"]}  # 一股-0 witnesses 二股-1
    git(git_bureau, "rebase", "-q", "--onto", "HEAD~2", "HEAD~1")  # drop 二股-1, keep 一股-0
    expire_and_prune(git_bureau)
    assert [r["seq"] for r in records_of(git_bureau)] == [0]
    assert verify(ssj, git_bureau) == (1, [
        (YIGU, 1, f"heads 中 ergu 为 ergu-1（{second['hash'][:12]}…），与 ergu 台账不符（写入时它的最后一条是 ergu-0，"
                  f"{first['hash'][:12]}…）：台账中有记录被删除、插入或改动过"),
        (YIGU, 1, f"rested 引用的记录 “{second['hash'][:18]}… 不在此前的台账中"),  # 二股-1 inspected on that day
        (YIGU, 1, f"记录所依据的提交 {dropped[:10]} 不在当前分支的 git 历史中"),
    ])


def pushed(root: Path, tmp_path: Path) -> Path:
    remote = tmp_path / "远程.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    git(root, "push", "-q", "-u", "origin", "main")
    return remote


def test_rewriting_a_pushed_ledger_is_an_error(git_bureau, ssj, tmp_path):
    drawn(ssj, git_bureau, "1")
    pushed(git_bureau, tmp_path)
    git(git_bureau, "reset", "-q", "--hard", "HEAD~1")
    expire_and_prune(git_bureau)  # the upstream still holds it
    drawn(ssj, git_bureau, "2")
    assert verify(ssj, git_bureau) == (1, [(ERGU, None, "与已推送到上游 origin/main 的版本不同：已推送的台账记录在本地被改写或删除"
                                                        "（可能被 reset 后重新抽取）")])


def clone_as_colleague(remote: Path, tmp_path: Path) -> Path:
    """A colleague's clone of the pushed repository, with their own git identity."""
    colleague = tmp_path / "同事"
    git(tmp_path, "clone", "-q", str(remote), str(colleague))
    git(colleague, "config", "user.name", "同事")
    git(colleague, "config", "user.email", "colleague@example.invalid")
    return colleague


def test_a_ledger_behind_its_upstream_after_a_fetch_is_only_a_warning(git_bureau, ssj, tmp_path):
    drawn(ssj, git_bureau, "1")
    remote = pushed(git_bureau, tmp_path)
    colleague = clone_as_colleague(remote, tmp_path)
    shutil.copytree(git_bureau / ".ssj", colleague / ".ssj")
    drawn(ssj, colleague, "2", *AGAIN)
    git(colleague, "push", "-q")
    git(git_bureau, "fetch", "-q")
    assert warnings_of(ssj, git_bureau) == [(ERGU, None, "上游 origin/main 中的这个台账比本地多 1 条记录：请先 git pull 再核验")]
    assert verify(ssj, git_bureau) == (0, [])


def test_a_colleagues_pushed_draw_pulled_in_verifies(git_bureau, ssj, tmp_path):
    drawn(ssj, git_bureau, "1")
    remote = pushed(git_bureau, tmp_path)
    colleague = clone_as_colleague(remote, tmp_path)
    theirs = drawn(ssj, colleague, "2", *AGAIN)
    git(colleague, "push", "-q")
    git(git_bureau, "pull", "-q", "--ff-only")
    assert records_of(git_bureau)[-1] == theirs
    assert verify(ssj, git_bureau) == (0, [])
    assert drawn(ssj, git_bureau, "3", *AGAIN)["prev"] == theirs["hash"]  # the index took the pulled line in


# ---------------------------------------------------------------------------------------------------
# Each record against the data at its commit (a forged copy appended after a void, so that only what it
# changes can be wrong: the rest period and rotation end with the void)
# ---------------------------------------------------------------------------------------------------

@pytest.fixture
def voided(git_bureau, ssj) -> dict:
    """二股-0 drawn and voided (二股-1): a template whose exact copy as 二股-2 verifies."""
    record = drawn(ssj, git_bureau, "1")
    assert ssj(git_bureau, "void", "二股-0", "--reason", "测试").code == 0
    return record


def test_an_exact_copy_after_a_void_verifies(git_bureau, ssj, voided):
    forge(git_bureau, voided)
    commit_all(git_bureau, "复制")
    assert verify(ssj, git_bureau) == (0, [])


def test_forged_population_found_against_the_data_at_its_commit(git_bureau, ssj, voided):
    body = json.loads(json.dumps(voided))
    seed = body["seed"]
    outsiders = ("92410482MA4FLXCGXA", "92410482MA4A33NN29", "91410482MA4D0GX26A")  # 非煤矿山: not 二股's
    for stratum in body["strata"]:
        ids = json.loads((git_bureau / LISTS / f"{stratum['population']}.json").read_bytes())
        cutoff = kit.first_fraction(stratum["selected"][-1], seed) if stratum["selected"] else "0."
        extra = next((i for i in outsiders if kit.first_fraction(i, seed) > cutoff), None)
        if extra is not None and kit.sample_size(len(ids) + 1, stratum["ratio"]) == stratum["k"]:
            break  # one more company that changes neither k nor the selection
    else:
        pytest.fail("no stratum to pad")
    forged = sorted([*ids, extra])
    (git_bureau / LISTS / f"{kit.id_list_digest(forged)}.json").write_bytes(kit.list_bytes(forged))
    stratum["population"], stratum["count"] = kit.id_list_digest(forged), len(forged)
    forge(git_bureau, body)
    commit_all(git_bureau, "伪造")
    assert verify(ssj, git_bureau) == (1, [(ERGU, 3, f"第 {stratum['name']} 层的名单或比例与当时数据文件得出的不一致"
                                                     "（分层、在营状态、黑名单或计划比例被改动）")])


def test_a_draw_whose_inputs_do_not_match_its_commit(git_bureau, ssj, voided):
    forge(git_bureau, voided, inputs={**voided["inputs"], "data/credit.yaml": "0" * 64})
    commit_all(git_bureau, "伪造")
    assert verify(ssj, git_bureau) == (1, [(ERGU, 3, "输入文件 data/credit.yaml 的 SHA-256 与所依据的提交中的文件不符")])


@pytest.mark.parametrize("commit, message", [
    (None, "这条抽取记录没有所依据的 git 提交（commit 为 null）：在 git 仓库中必须记录提交，否则无法按当时的数据复核"),
    ("f" * 40, "记录所依据的提交 ffffffffff 不在当前分支的 git 历史中"),
])
def test_a_draw_without_a_commit_of_this_history(git_bureau, ssj, voided, commit, message):
    forge(git_bureau, voided, commit=commit)
    commit_all(git_bureau, "伪造")
    assert verify(ssj, git_bureau) == (1, [(ERGU, 3, message)])


def test_an_announcement_without_its_commit(git_bureau, ssj):
    result = ssj(git_bureau, *ANNOUNCE, "--json")
    assert result.code == 0, result.err
    assert ssj(git_bureau, "void", "二股-0", "--reason", "测试").code == 0
    forge(git_bureau, json.loads(result.out), commit=None)
    commit_all(git_bureau, "伪造")
    assert verify(ssj, git_bureau) == (1, [(ERGU, 3, "这条公告记录没有所依据的 git 提交（commit 为 null）：在 git 仓库中必须记录提交，"
                                                     "否则无法按当时的数据复核")])


def test_later_data_changes_do_not_disturb_earlier_draws(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    inspectors = git_bureau / "data/inspectors.yaml"
    text = inspectors.read_text(encoding="utf-8")
    inspectors.write_text(text.replace("    active: true\n", "    active: false\n", 1), encoding="utf-8")
    commit_all(git_bureau, "一名执法人员调离")
    drawn(ssj, git_bureau, "2", *AGAIN)
    assert verify(ssj, git_bureau) == (0, [])


def test_a_draw_beyond_its_items_frequency_is_found(git_bureau, ssj, monkeypatch):
    for seed in "1234":  # 二股's item: 4 a year
        drawn(ssj, git_bureau, seed, *AGAIN)
    assert "频次已用完（4 次/年，已抽取 4 次，第十六条）" in draw(ssj, git_bureau, "5", *AGAIN).err
    monkeypatch.setattr("shuangsuiji.draw.random_draw.check_frequency", lambda *args, **kwargs: None)  # an altered ssj
    drawn(ssj, git_bureau, "5", *AGAIN)
    assert verify(ssj, git_bureau) == (1, [(ERGU, 5, "计划事项 2026-ergu-01 的 2026 年频次为 4 次，这已是当年第 5 次有效抽取"
                                                     "（第十六条）：超出频次须报批临时检查计划")])


def test_a_failed_draw_is_committed_and_uses_no_frequency(git_bureau, ssj):
    import yaml

    path = git_bureau / "data/inspectors.yaml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    for person in content["inspectors"]:
        if person["section"] == "ergu":  # every 二股 inspector conflicts with a 重点 company (drawn at 100 %)
            person.setdefault("conflicts", []).append({"entity": "914104826992660477", "reason": "测试"})
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    commit_all(git_bureau, "申报回避")
    result = draw(ssj, git_bureau, "1")
    assert result.code == 1 and "这次尝试已作为“抽取未成”记入台账（二股-0）" in result.err
    assert f"已写入记录 二股-0（{ERGU} 末行）；已提交 git（{head(git_bureau)[:10]}）" in result.out
    record = records_of(git_bureau)[0]
    assert record["type"] == "failed" and record["seed"] == "1"
    assert subject(git_bureau) == f"抽取未成 二股-0：2026-12-01（人工输入）：{record['reason']}"
    assert git(git_bureau, "status", "--porcelain", "--", "data") == ""
    assert verify(ssj, git_bureau) == (0, [])
    git(git_bureau, "revert", "--no-edit", "HEAD~1")  # the conflicts withdrawn again
    for seed in "2345":  # the failed attempt took none of the 4
        drawn(ssj, git_bureau, seed, *AGAIN)
    assert verify(ssj, git_bureau) == (0, [])


def test_ssj_keeps_git_packed_without_anyone_running_gc(git_bureau, ssj):
    # issue 10: after its commits ssj runs git's own geometric repack, so no loose objects pile up and the packs
    # stay few (a geometric progression), without the clerk ever running git gc
    for seed in ("1", "2", "3"):
        assert drawn(ssj, git_bureau, seed, "--again", "--reason", "测试：同一天再抽")["type"] == "draw"
    counts = dict(line.split(": ") for line in git(git_bureau, "count-objects", "-v").splitlines())
    assert counts["count"] == "0"  # every object the draws added is packed
    assert int(counts["packs"]) <= 3
    assert verify(ssj, git_bureau) == (0, [])


def test_the_repack_runs_detached_and_packs_what_the_commit_added(git_bureau, ssj, monkeypatch):
    # outside the tests ssj does not wait for the repack, as git's own gc --auto does not: a detached process
    # packs the draw's objects after the command has returned
    import shuangsuiji.git as gitops

    monkeypatch.delenv(gitops.REPACK_MODE)
    drawn(ssj, git_bureau, "1")
    assert gitops._spawned  # started, not waited for
    gitops.wait_for_repacks()
    counts = dict(line.split(": ") for line in git(git_bureau, "count-objects", "-v").splitlines())
    assert counts["count"] == "0" and int(counts["packs"]) >= 1
    assert git(git_bureau, "status", "--porcelain") == ""  # its lock file is not shown to the clerk
    assert gitops.stale_locks(git_bureau) == []
    assert verify(ssj, git_bureau) == (0, [])


def test_a_rewritten_ledger_merged_over_the_true_history_is_caught(git_bureau, ssj):
    # the operator hides a void: the ledger without it is committed on a new root, and the true history merged in
    # with -s ours, so every old commit stays reachable (nothing "lost") and the first-parent line only adds lines
    drawn(ssj, git_bureau, "1")
    assert ssj(git_bureau, "void", "二股-0", "--reason", "种子输错").code == 0
    ledger = git_bureau / "data/ledger/ergu/2026.jsonl"
    git(git_bureau, "checkout", "-q", "--orphan", "fake")
    ledger.write_bytes(ledger.read_bytes().splitlines(keepends=True)[0])
    git(git_bureau, "add", "-A")
    git(git_bureau, "commit", "-q", "-m", "导入")
    git(git_bureau, "merge", "-q", "-s", "ours", "--allow-unrelated-histories", "main", "-m", "合并")
    code, problems = verify(ssj, git_bureau)
    assert code == 1
    assert any(f == "data/ledger/ergu/2026.jsonl" and "没有保留所合并的提交" in m and "git merge -s ours" in m
               for f, _, m in problems), problems


def test_a_record_dated_after_now_is_a_warning(git_bureau, ssj, clock):
    drawn(ssj, git_bureau, "1")
    clock.set("2026-12-05T10:00")
    assert ssj(git_bureau, "void", "二股-0", "--reason", "测试").code == 0
    clock.set("2026-12-03T10:00")  # this computer's clock is now behind the ledger
    code, errors = verify(ssj, git_bureau)
    warned = [m for f, _, m in warnings_of(ssj, git_bureau) if f == ERGU]
    assert code == 0 and errors == []
    assert any("晚于现在" in m and "这本台账不能再写入" in m for m in warned), warned
