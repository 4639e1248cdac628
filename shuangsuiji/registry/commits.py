"""The one commit habit of the commands that edit the bureau's files (reports, evidence, registries, 诚信档案):
refuse before anything is written when git could not commit, write, then commit exactly the files written —
nothing else the clerk staged or changed — as the ledger writers commit their records (SPEC §4 Git, §8).

These commits bypass hooks like the ledger's, for the same reason: once a file is written, a hook must not be able
to leave it half-recorded, nor rewrite what is committed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from shuangsuiji import git as gitops
from shuangsuiji.errors import SsjError
from shuangsuiji.workspace import Workspace, locked, write_all_atomic

#: why a write has no commit: asked not to (``--no-commit``), not a git repository, nothing differs from HEAD
ASKED, OUTSIDE_GIT, UNCHANGED = "asked", "outside-git", "unchanged"


@dataclass(frozen=True)
class Committing:
    """How one command commits what it writes, decided (and checked) before it writes anything."""

    #: the command as a clerk types it, named in the commit message: ``ssj report new``
    command: str
    #: None when it will commit; else why not (:data:`ASKED`, :data:`OUTSIDE_GIT`)
    skipped: str | None


@dataclass(frozen=True)
class Saved:
    """Files a command wrote (or deleted) under data/, and what became of their commit."""

    paths: tuple[str, ...]
    message: str
    commit: str | None = None
    #: git's own words when the commit failed after the files were written (exit status 3)
    error: str | None = None
    #: why there is no commit, when that was no failure (:data:`ASKED`, :data:`OUTSIDE_GIT`, :data:`UNCHANGED`)
    skipped: str | None = None


def prepare(ws: Workspace, command: str, commit: bool = True) -> Committing:
    """Before writing (under the write lock): whether the files will be committed; refuses when git could not."""
    if not gitops.is_repository(ws.root):
        return Committing(command, OUTSIDE_GIT)
    if not commit:
        return Committing(command, ASKED)
    gitops.refuse_blockers(ws.root, f"提交（{command}）", "。没有写入任何文件；也可以加 --no-commit 只写入、稍后手工提交")
    return Committing(command, None)


def conclude(ws: Workspace, committing: Committing, paths: list[str], subject: str) -> Saved:
    """After writing: commit exactly ``paths`` as ``<subject>（<command>）``; a failure is kept in :class:`Saved`."""
    message = f"{subject}（{committing.command}）"
    ordered = tuple(dict.fromkeys(paths))
    if committing.skipped is not None:
        return Saved(ordered, message, skipped=committing.skipped)
    try:
        made = gitops.commit_files(ws.root, list(ordered), message, ws.state_dir / "no-hooks")
    except SsjError as exc:
        return Saved(ordered, message, error=exc.message)
    return Saved(ordered, message, commit=made, skipped=None if made else UNCHANGED)


def save(ws: Workspace, command: str, files: Mapping[str, bytes | None], subject: str, *, commit: bool = True,
         before_write: Callable[[], list[str]] | None = None) -> Saved:
    """Under the write lock: check git, write ``files`` together (None deletes one), commit them.

    ``before_write`` (copying evidence, say) runs once git was checked and returns the further paths it wrote.
    """
    with locked(ws.state_dir):
        committing = prepare(ws, command, commit)
        written = before_write() if before_write is not None else []
        write_files(ws.root, files)
        return conclude(ws, committing, [*files, *written], subject)


def write_files(root: Path, files: Mapping[str, bytes | None]) -> None:
    """Every file (repo-relative) written to a temporary file first, then all moved into place; then those whose
    content is None deleted."""
    write_all_atomic({root / rel: data for rel, data in files.items() if data is not None})
    for rel, data in files.items():
        if data is None:
            (root / rel).unlink(missing_ok=True)
