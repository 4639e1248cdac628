"""The git operations ssj needs, as small functions over ``git`` subprocesses (SPEC §4 Git, §5)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .errors import SsjError

#: Paths whose uncommitted changes make a draw refuse (the ledger itself is ssj's to write).
INPUT_PATHSPECS = ("data", "plans")


def _git(root: Path, *args: str, check: bool = True, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-c", "core.quotepath=off", *args], cwd=root, capture_output=True, check=check, input=stdin
        )
    except FileNotFoundError:
        raise SsjError("找不到 git 程序：请安装 Git（https://git-scm.com）后重试") from None


def _text(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stdout.decode("utf-8", errors="replace").strip()


def is_repository(root: Path) -> bool:
    """True when ``root`` is the top of a git work tree (a subfolder of another repo does not count)."""
    result = _git(root, "rev-parse", "--show-toplevel", check=False)
    return result.returncode == 0 and Path(_text(result)).resolve() == root.resolve()


def head(root: Path) -> str | None:
    """The commit HEAD points at, or None in a repository without commits."""
    result = _git(root, "rev-parse", "--verify", "-q", "HEAD^{commit}", check=False)
    return _text(result) or None


def user_name(root: Path) -> str | None:
    """git's ``user.name``, if configured."""
    result = _git(root, "config", "user.name", check=False)
    return _text(result) or None


def commit_blockers(root: Path) -> list[str]:
    """Why a commit would fail now (empty when it would succeed)."""
    blockers = []
    if _git(root, "var", "GIT_COMMITTER_IDENT", check=False).returncode != 0:
        blockers.append("git 没有配置提交人：请运行 git config user.name \"姓名\" 和 git config user.email \"邮箱\"")
    if _git(root, "rev-parse", "-q", "--verify", "MERGE_HEAD", check=False).returncode == 0:
        blockers.append("git 正在合并（merge）中：请先完成或放弃合并")
    if head(root) is None:
        blockers.append("仓库还没有任何提交：请先提交数据文件（git add data plans && git commit）")
    return blockers


def dirty_inputs(root: Path, ignore_prefix: str) -> list[str]:
    """Uncommitted or untracked files under data/ and plans/, except those under ``ignore_prefix``."""
    # --no-optional-locks: a status refresh must never hold .git/index.lock while another ssj process commits
    result = _git(root, "--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--",
                  *INPUT_PATHSPECS)
    entries = [e for e in result.stdout.decode("utf-8", errors="replace").split("\0") if e]
    paths = []
    skip_next = False
    for entry in entries:
        if skip_next:  # the source path of a rename
            skip_next = False
            continue
        status, path = entry[:2], entry[3:]
        skip_next = "R" in status or "C" in status
        if not path.startswith(ignore_prefix):
            paths.append(path)
    return sorted(paths)


def commit(root: Path, paths: list[str], message: str) -> str:
    """Commit exactly ``paths`` (nothing else that may be staged) and return the new commit."""
    result = _git(root, "add", "--", *paths, check=False)
    if result.returncode == 0:
        result = _git(root, "commit", "-q", "-m", message, "--", *paths, check=False)
    if result.returncode != 0:
        raise SsjError(result.stderr.decode("utf-8", errors="replace").strip() or "git commit 失败")
    return head(root) or ""


def history(root: Path, path: str) -> list[str]:
    """Commits that changed ``path``, oldest first (first-parent history of HEAD)."""
    if head(root) is None:
        return []
    result = _git(root, "rev-list", "--reverse", "--first-parent", "HEAD", "--", path)
    return _text(result).split()


def commit_exists(root: Path, commit_id: str) -> bool:
    """True when ``commit_id`` names a commit in this repository."""
    return _git(root, "cat-file", "-e", f"{commit_id}^{{commit}}", check=False).returncode == 0


def is_ancestor(root: Path, ancestor: str, descendant: str = "HEAD") -> bool:
    """True when ``ancestor`` is in the history of ``descendant``."""
    return _git(root, "merge-base", "--is-ancestor", ancestor, descendant, check=False).returncode == 0


def show(root: Path, commit_id: str, path: str) -> bytes | None:
    """The bytes of ``path`` at ``commit_id``, or None when it does not exist there."""
    result = _git(root, "cat-file", "blob", f"{commit_id}:{path}", check=False)
    return result.stdout if result.returncode == 0 else None
