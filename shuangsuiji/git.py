"""The git operations ssj needs, as small functions over ``git`` subprocesses (SPEC §4 Git, §5)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from filelock import FileLock

from shuangsuiji.errors import SsjError

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
    for lock in stale_locks(root):
        blockers.append(f"git 的锁文件 {lock} 还在：另一个 git 程序正在运行，或上次中断后留下了它。确认没有 git 程序在运行后，"
                        f"删除这个文件再重试（Linux：rm {lock}；Windows：del {lock.replace('/', chr(92))}）")
    return blockers


def refuse_blockers(root: Path, action: str, advice: str = "") -> None:
    """Refuse before anything is written when a commit would fail now: "无法<action>：", every reason, ``advice``."""
    blockers = commit_blockers(root)
    if blockers:
        raise SsjError(f"无法{action}：" + "；".join(blockers) + advice)


def stale_locks(root: Path) -> list[str]:
    """``.git/*.lock`` and ``.git/refs/**/*.lock`` files (repo-relative): while one exists, a commit fails."""
    result = _git(root, "rev-parse", "--git-dir", check=False)
    if result.returncode != 0:
        return []
    git_dir = (root / _text(result)).resolve()
    found = [*git_dir.glob("*.lock"), *git_dir.glob("refs/**/*.lock")]
    return sorted(_shown_path(root, p) for p in found if p.is_file() and p.name not in _HARMLESS_LOCKS)


#: locks that do not stop a commit: a background ``git gc --auto`` (started by the clerk's own commit) holds
#: ``gc.log.lock`` while it runs
_HARMLESS_LOCKS = frozenset({"gc.log.lock"})


def _shown_path(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def uncommitted(root: Path, pathspec: str) -> list[str]:
    """Files under ``pathspec`` whose working-tree state is not HEAD's (changed, new or deleted)."""
    result = _git(root, "--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--",
                  pathspec)
    entries = [e for e in result.stdout.decode("utf-8", errors="replace").split("\0") if e]
    return sorted(entry[3:] for entry in entries if len(entry) > 3)


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


def commit(root: Path, paths: list[str], message: str, no_hooks: Path) -> str:
    """Commit exactly ``paths`` (nothing else that may be staged), no hook run, and return the new commit.

    Hooks are bypassed (``core.hooksPath`` set to the empty folder ``no_hooks``): a hook must never be able to
    refuse a record after it was drawn, nor rewrite what is committed (SPEC §4 Git).
    """
    no_hooks.mkdir(parents=True, exist_ok=True)
    result = _git(root, "--literal-pathspecs", "add", "--", *paths, check=False)  # a file named a[1].jpg is itself
    if result.returncode == 0:
        result = _git(root, "--literal-pathspecs", "-c", f"core.hooksPath={no_hooks}", "commit", "--no-verify", "-q",
                      "-m", message, "--", *paths, check=False)
    if result.returncode != 0:
        raise SsjError(result.stderr.decode("utf-8", errors="replace").strip() or "git commit 失败")
    _keep_small(root)
    return head(root) or ""


#: git's own geometric repacking after each commit, deltas recomputed for what it rolls up: every section's
#: ledger is named ``<year>.jsonl``, and git's default delta search (by file name, window 10) then pairs one
#: section's file with another's and keeps those poor deltas for good (benchmarks/README.md: 13× the ledger's
#: gzip size after 300 county draws with ``gc --auto``, 3.3× like this). ``windowMemory`` bounds its memory.
_REPACK = ("-c", "pack.window=50", "-c", "pack.windowMemory=256m", "repack", "-d", "-q", "-f", "--geometric=2")
#: one repack at a time in a repository: a second waits for the first (not ``*.lock``: see :func:`stale_locks`)
_REPACK_LOCK = "ssj-repack.lck"
_REPACK_WAIT_SECONDS = 600
#: ``SSJ_GIT_REPACK=wait``: the command itself waits for the repack (the tests, the benchmark generator)
REPACK_MODE = "SSJ_GIT_REPACK"
_spawned: list[subprocess.Popen[bytes]] = []


def _keep_small(root: Path) -> None:
    """Pack what the commit added, in a detached process as git's own ``gc --auto`` does (``gc.autoDetach``):
    the command returns at once, and a repack that fails or is cut off only costs space, never a record."""
    if os.environ.get(REPACK_MODE) == "wait":
        repack(root)
        return
    options: dict[str, Any] = {"cwd": root, "stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL,
                               "stderr": subprocess.DEVNULL, "close_fds": True}
    if os.name == "nt":  # no console window, not killed with the clerk's terminal
        options["creationflags"] = (subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
                                    | subprocess.CREATE_NO_WINDOW)
    else:
        options["start_new_session"] = True
    _spawned[:] = [child for child in _spawned if child.poll() is None]  # reap the finished ones
    with contextlib.suppress(OSError):
        _spawned.append(subprocess.Popen([sys.executable, "-m", "shuangsuiji.git", str(root)], **options))


def repack(root: Path) -> None:
    """git's geometric repack (``gc --auto`` on a git older than 2.32, which has no ``--geometric``), one at a
    time per repository."""
    result = _git(root, "rev-parse", "--git-common-dir", check=False)
    if result.returncode != 0:
        return
    with FileLock(str((root / _text(result)).resolve() / _REPACK_LOCK), timeout=_REPACK_WAIT_SECONDS):
        if _git(root, *_REPACK, check=False).returncode != 0:
            _git(root, "-c", "gc.auto=64", "-c", "gc.autoDetach=false", "gc", "--auto", "--quiet", check=False)



def wait_for_repacks() -> None:
    """Wait until the repacks this process started have finished (a benchmark that times the next command)."""
    while _spawned:
        _spawned.pop().wait()


def commit_files(root: Path, paths: list[str], message: str, no_hooks: Path) -> str | None:
    """Commit the changes of exactly ``paths`` (written, new or deleted) as :func:`commit` does; None when none of
    them differs from HEAD. A deleted path git never knew is left out (there is nothing to record)."""
    changed = _status_paths(root, paths) if paths else []
    return commit(root, changed, message, no_hooks) if changed else None


def _status_paths(root: Path, pathspecs: list[str]) -> list[str]:
    """Paths under ``pathspecs`` whose state differs from HEAD's (``git status``; a rename's source left out)."""
    result = _git(root, "--no-optional-locks", "--literal-pathspecs", "status", "--porcelain=v1", "-z",
                  "--untracked-files=all", "--", *pathspecs)
    found, entries = [], iter(e for e in result.stdout.decode("utf-8", errors="replace").split("\0") if e)
    for entry in entries:
        found.append(entry[3:])
        if "R" in entry[:2] or "C" in entry[:2]:
            next(entries, None)  # the source path of a rename or copy
    return sorted(found)


def history(root: Path, path: str) -> list[str]:
    """Commits that changed ``path``, oldest first (first-parent history of HEAD)."""
    if head(root) is None:
        return []
    result = _git(root, "rev-list", "--reverse", "--first-parent", "HEAD", "--", path)
    return _text(result).split()


def ancestors(root: Path) -> list[str]:
    """Every commit in HEAD's history (one ``git rev-list``)."""
    if head(root) is None:
        return []
    return _text(_git(root, "rev-list", "HEAD")).split()


def ancestry(root: Path) -> tuple[set[str], set[str]]:
    """Every commit in HEAD's history, and those on its first-parent line (one ``git rev-list --parents``)."""
    if head(root) is None:
        return set(), set()
    parents: dict[str, str | None] = {}
    for line in _text(_git(root, "rev-list", "--parents", "HEAD")).splitlines():
        commit_id, *rest = line.split()
        parents[commit_id] = rest[0] if rest else None
    line_of: set[str] = set()
    step = next(iter(parents), None)  # rev-list starts with HEAD itself
    while step is not None and step not in line_of:
        line_of.add(step)
        step = parents.get(step)
    return set(parents), line_of


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


def paths_in_history(root: Path, folder: str, since: str | None = None) -> set[str]:
    """Every path under ``folder`` that any commit in HEAD's history (after ``since``) added, changed or deleted."""
    if head(root) is None:
        return set()
    span = f"{since}..HEAD" if since else "HEAD"
    result = _git(root, "log", "--format=", "--name-only", "--no-renames", span, "--", folder)
    return {line for line in _text(result).splitlines() if line}


def lost_commits(root: Path, folder: str) -> list[tuple[str, str, list[str]]]:
    """Commits in the reflog that touch ``folder`` but are not in HEAD's history (reset, amended, rebased away).

    Commits a remote-tracking branch still holds are not lost: fetched but not yet merged, a ledger is merely
    behind its upstream (:func:`upstream` tells), and a pushed record dropped locally is what that check reports.
    Returns ``(commit, subject, paths under folder it changed)``, newest first.
    """
    if head(root) is None:
        return []
    result = _git(root, "log", "--reflog", "--no-renames", "--format=%x00%H%x01%s", "--name-only",
                  "--not", "HEAD", "--remotes", "--", folder, check=False)
    found = []
    for chunk in result.stdout.decode("utf-8", errors="replace").split("\0"):
        if "\x01" not in chunk:
            continue
        first, _, rest = chunk.partition("\n")
        commit_id, subject = first.split("\x01", 1)
        found.append((commit_id, subject, [line for line in rest.splitlines() if line]))
    return found


def upstream(root: Path) -> tuple[str, str] | None:
    """``(name, commit)`` of the branch HEAD tracks (``origin/main``), or None when it tracks none."""
    commit_id = _git(root, "rev-parse", "--verify", "-q", "@{u}^{commit}", check=False)
    if commit_id.returncode != 0 or not _text(commit_id):
        return None
    name = _git(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False)
    return (_text(name) or "上游分支"), _text(commit_id)


def first_parent_after(root: Path, commit_id: str, *paths: str) -> list[str]:
    """Commits after ``commit_id`` on HEAD's first-parent line that change ``paths``, oldest first."""
    result = _git(root, "rev-list", "--reverse", "--first-parent", f"{commit_id}..HEAD", "--", *paths, check=False)
    return _text(result).split() if result.returncode == 0 else []


if __name__ == "__main__":  # the detached repack of _keep_small: python -m shuangsuiji.git ROOT
    with contextlib.suppress(Exception):
        repack(Path(sys.argv[1]))
