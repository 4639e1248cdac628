"""One commit habit (issue 12 part 8): ``ssj report new / evidence / review / recheck / close`` commit exactly the
files they wrote, as ``draw`` commits its record — nothing else the clerk staged or changed; ``--no-commit`` leaves
them for the clerk; a commit that fails after the write is exit status 3 with the file kept; and a refusal names the
command that refused (``ssj publish`` needs 公开材料 from committed data, not a 抽取)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tests.helpers import assigned, git, snapshot, team_of

SEED = ("--section", "二股", "--ratio", "0.1", "--seed", "1 2 3 4 5 6", "--date", "2026-12-01", "--json")


def subject(root: Path, rev: str = "HEAD") -> str:
    return git(root, "log", "-1", "--format=%s", rev).strip()


def changed_in(root: Path, rev: str = "HEAD") -> list[str]:
    """The paths commit ``rev`` changed."""
    return sorted(line for line in git(root, "-c", "core.quotepath=off", "show", "--format=", "--name-only", rev).splitlines()
                  if line)


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def status(root: Path) -> list[str]:
    """``git status --porcelain`` lines (XY path), untracked files one by one."""
    text = git(root, "-c", "core.quotepath=off", "status", "--porcelain", "--untracked-files=all")
    return sorted(line for line in text.splitlines() if line)


def drawn_company(ssj, root: Path) -> tuple[str, list[str]]:
    """二股-0 drawn (committed by ssj): its first company and that company's team."""
    result = ssj(root, "draw", *SEED)
    assert result.code == 0, result.err
    record = json.loads(result.out)
    entity = assigned(record)[0]["entity"]
    return entity, team_of(record, entity)


def report_rel(entity: str) -> str:
    return f"data/reports/ergu/ergu-0-{entity}.yaml"


def finish_by_hand(root: Path, rel: str, team: list[str], **fields: object) -> None:
    """What the clerk types into the prefilled report: finished, with a 整改 order."""
    path = root / rel
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document.update(status="已办结", check_dates=["2026-12-01"], inspectors=team, findings="灭火器过期",
                    result="发现问题已责令改正", handling="责令限期更换", rectification_deadline="2026-12-20",
                    follow_up=["责令限期整改"], **fields)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def drawn(git_bureau: Path, ssj) -> tuple[Path, str, list[str]]:
    entity, team = drawn_company(ssj, git_bureau)
    return git_bureau, entity, team


# -- each command commits exactly what it wrote ------------------------------------------------------------------

def test_report_new_commits_only_its_file_and_leaves_the_clerks_changes_as_they_were(drawn, ssj):
    root, entity, _ = drawn
    credit, bureau = root / "data/credit.yaml", root / "data/bureau.yaml"
    credit.write_text(credit.read_text(encoding="utf-8") + "# 已暂存的备注\n", encoding="utf-8")
    git(root, "add", "data/credit.yaml")
    bureau.write_text(bureau.read_text(encoding="utf-8") + "# 未暂存的备注\n", encoding="utf-8")
    base = head(root)

    result = ssj(root, "report", "new", "二股-0", entity)

    assert result.code == 0, result.err
    assert git(root, "rev-parse", "HEAD~1").strip() == base
    assert subject(root) == f"检查报告：二股-0 {entity}（ssj report new）"
    assert changed_in(root) == [report_rel(entity)]
    assert status(root) == [" M data/bureau.yaml", "M  data/credit.yaml"]  # still unstaged, still staged
    assert f"已提交 git（{head(root)[:10]}）：检查报告：二股-0 {entity}（ssj report new）" in result.out


def test_evidence_recheck_and_close_each_commit_the_report_and_what_came_with_it(drawn, ssj, tmp_path):
    root, entity, team = drawn
    rel = report_rel(entity)
    assert ssj(root, "report", "new", "二股-0", entity).code == 0
    finish_by_hand(root, rel, team)  # the clerk's typing goes into the next commit of this file, with the command's
    photo = tmp_path / "现场 照片.jpg"
    photo.write_bytes(b"photo")

    assert ssj(root, "report", "evidence", rel, str(photo)).code == 0
    stored = f"data/evidence/ergu/ergu-0-{entity}/现场 照片.jpg"
    assert subject(root) == f"证据材料：二股-0 {entity} 现场 照片.jpg（ssj report evidence）"
    assert changed_in(root) == sorted([stored, rel])
    assert git(root, "-c", "core.quotepath=off", "ls-files", "--", stored).strip() == stored

    assert ssj(root, "report", "recheck", rel, "--outcome", "已整改").code == 0
    assert subject(root) == f"整改复查：二股-0 {entity} 2026-12-01 已整改（ssj report recheck）"
    assert ssj(root, "report", "close", rel).code == 0
    assert subject(root) == f"结案：二股-0 {entity} 2026-12-01（ssj report close）"
    assert changed_in(root) == [rel]
    assert status(root) == []  # everything the commands wrote is committed
    assert yaml.safe_load((root / rel).read_text(encoding="utf-8"))["closed"].isoformat() == "2026-12-01"


def test_review_commits_the_report_and_its_amendment_says_so(drawn, ssj):
    root, entity, team = drawn
    rel = report_rel(entity)
    assert ssj(root, "report", "new", "二股-0", entity).code == 0
    finish_by_hand(root, rel, team, major_violation=True)
    review = ("report", "review", rel, "--number", "汝应急罚〔2026〕58号", "--cosign", "二股", "--signed-by", "韩立新",
              "--date", "2026-12-01")
    result = ssj(root, *review, "--decision", "同意", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["file"] == rel  # stdout stays one JSON document; the commit is told on stderr
    assert f"已提交 git（{head(root)[:10]}）" in result.err
    assert subject(root) == f"集中审理：二股-0 {entity}（ssj report review）"
    reviewed = head(root)
    same = ssj(root, *review, "--decision", "同意", "--amend")  # the same review again: nothing to commit
    assert same.code == 0 and head(root) == reviewed and "文件与 git 中已提交的内容相同，无需提交" in same.out
    assert ssj(root, *review, "--decision", "同意，罚款三万元", "--amend").code == 0
    assert subject(root) == f"更正集中审理：二股-0 {entity}（ssj report review）"
    assert changed_in(root) == [rel] and git(root, "rev-parse", "HEAD~1").strip() == reviewed


# -- --no-commit, and outside git ------------------------------------------------------------------------------

def test_no_commit_writes_the_file_and_says_how_to_commit_it(drawn, ssj):
    root, entity, _ = drawn
    base = head(root)
    rel = report_rel(entity)

    result = ssj(root, "report", "new", "二股-0", entity, "--no-commit")

    assert result.code == 0, result.err
    assert head(root) == base and status(root) == [f"?? {rel}"]
    message = f"检查报告：二股-0 {entity}（ssj report new）"
    how = f'git add -- {rel} && git commit -m "{message}" -- {rel}'
    assert f"未提交 git（--no-commit）。确认无误后提交：{how}" in result.out.replace("\n", "")
    git(root, "add", "--", rel)  # doing what it says gives the commit ssj would have made
    git(root, "commit", "-q", "-m", message, "--", rel)
    assert (subject(root), changed_in(root), status(root)) == (message, [rel], [])


def test_outside_git_the_report_is_written_with_one_warning(bureau, ssj):
    record = json.loads(ssj(bureau, "draw", *SEED).out)
    entity = assigned(record)[0]["entity"]
    result = ssj(bureau, "report", "new", "二股-0", entity)
    assert result.code == 0, result.err
    assert (bureau / report_rel(entity)).is_file()
    assert result.out.count("警告：这里不是 git 仓库，写入的文件没有提交") == 1


# -- when git cannot commit --------------------------------------------------------------------------------------

def test_a_stale_git_lock_refuses_before_anything_is_written_naming_the_command(drawn, ssj):
    root, entity, _ = drawn
    (root / ".git/index.lock").write_bytes(b"")
    before = snapshot(root)
    result = ssj(root, "report", "new", "二股-0", entity)
    assert (result.code, result.out) == (1, "")
    assert "无法提交（ssj report new）：git 的锁文件 .git/index.lock 还在" in result.err
    assert "没有写入任何文件；也可以加 --no-commit 只写入、稍后手工提交" in result.err
    assert snapshot(root) == before


@pytest.mark.skipif(os.name == "nt", reason="uses /bin/false as the signing program")
def test_a_commit_that_fails_after_the_write_is_exit_3_and_keeps_the_file(drawn, ssj):
    root, entity, _ = drawn
    git(root, "config", "commit.gpgSign", "true")  # signing fails after every pre-flight check passed
    git(root, "config", "gpg.program", "false")
    base = head(root)
    rel = report_rel(entity)

    result = ssj(root, "report", "new", "二股-0", entity, "--json")

    assert (result.code, result.out) == (3, "")  # nothing shown as if it had worked, not even as JSON
    assert "Traceback" not in result.err and "gpg failed to sign the data" in result.err
    err = result.err.replace("\n", "")
    assert f"已写入 {rel}，但 git 提交失败：" in err
    message = f"检查报告：二股-0 {entity}（ssj report new）"
    assert f'文件不会删除；请处理后运行：git add -- {rel} && git commit -m "{message}" -- {rel}' in err
    assert head(root) == base and (root / rel).is_file()


@pytest.mark.skipif(os.name == "nt", reason="shell hooks")
def test_a_failing_pre_commit_hook_cannot_refuse_the_commit_as_for_ledger_records(drawn, ssj):
    root, entity, _ = drawn
    hook = root / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\ntouch \"$(git rev-parse --git-dir)/hook-ran\"\necho '钩子拒绝' >&2\nexit 1\n",
                    encoding="utf-8")
    hook.chmod(0o755)
    assert ssj(root, "report", "new", "二股-0", entity).code == 0
    assert subject(root) == f"检查报告：二股-0 {entity}（ssj report new）"
    assert not (root / ".git/hook-ran").exists()  # SPEC §4 Git: ssj's commits bypass hooks


# -- a refusal names the command that refused ------------------------------------------------------------------

def test_publish_with_an_uncommitted_report_says_what_publishing_needs(drawn, ssj, tmp_path):
    root, entity, team = drawn
    rel = report_rel(entity)
    assert ssj(root, "report", "new", "二股-0", entity).code == 0
    finish_by_hand(root, rel, team)  # typed in, not committed
    before = snapshot(root)
    result = ssj(root, "publish", "--out", str(tmp_path / "公示"))
    assert result.code == 1
    assert f"数据文件有未提交的修改：{rel}。公开材料必须基于已提交的数据（可复核）" in result.err.replace("\n", "")
    assert "抽取" not in result.err
    assert snapshot(root) == before and not (tmp_path / "公示").exists()


def test_report_new_all_makes_one_report_per_drawn_company_in_one_commit(git_bureau, ssj):
    record = json.loads(ssj(git_bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "1", "--json").out)
    chosen = [a["entity"] for a in assigned(record)]
    assert ssj(git_bureau, "report", "new", "二股-0", chosen[0]).code == 0
    head = git(git_bureau, "rev-parse", "HEAD").strip()
    made = ssj(git_bureau, "report", "new", "二股-0", "--all", "--json")
    assert made.code == 0, made.err
    files = json.loads(made.out)["files"]
    assert sorted(files) == sorted(f"data/reports/ergu/ergu-0-{e}.yaml" for e in chosen[1:])  # the first one kept
    assert git(git_bureau, "rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert sorted(git(git_bureau, "show", "--name-only", "--format=", "HEAD").split()) == sorted(files)
    again = ssj(git_bureau, "report", "new", "二股-0", "--all")
    assert again.code == 1 and "抽中的单位都已有检查报告" in again.err
    neither = ssj(git_bureau, "report", "new", "二股-0")
    assert neither.code == 1 and "或用 --all" in neither.err
