"""Writing one ledger record the safe way: git pre-flight, lock, append, commit (SPEC §4 Git, §8)."""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import gitops, paths
from .errors import RuleError, SsjError
from .fsutil import write_atomic
from .ledger import Record, append, locked
from .workspace import Workspace


@dataclass(frozen=True)
class Written:
    """A record on disk, and what became of its commit."""

    record: Record
    path: Path
    commit: str | None
    commit_error: str | None


@dataclass(frozen=True)
class GitState:
    """What a record notes about git: the commit its inputs came from and whether they were dirty."""

    in_git: bool
    commit: str | None
    dirty: list[str]


def git_state(ws: Workspace, require_clean: bool, allow_dirty: bool = False) -> GitState:
    """Check that a commit will be possible and (for draws) that the inputs are committed."""
    if not gitops.is_repository(ws.root):
        return GitState(False, None, [])
    blockers = gitops.commit_blockers(ws.root)
    if blockers:
        raise SsjError("无法记录：" + "；".join(blockers))
    dirty = gitops.dirty_inputs(ws.root, ignore_prefix=paths.LEDGER_DIR + "/")
    if dirty and require_clean and not allow_dirty:
        shown = "、".join(dirty[:5]) + ("等" if len(dirty) > 5 else "")
        raise RuleError(
            f"数据文件有未提交的修改：{shown}。抽取必须基于已提交的数据（可复核）：请先 git commit；"
            "确需基于未提交的数据抽取，加 --allow-dirty（记录中会注明）"
        )
    return GitState(True, gitops.head(ws.root), dirty)


def operator_name(ws: Workspace, given: str | None) -> str:
    """``--operator``, else git's user.name, else the login name (SPEC §4)."""
    if given and given.strip():
        return given.strip()
    return gitops.user_name(ws.root) or getpass.getuser()


def stamp(kind: str, at: dt.datetime, operator: str, **fields: object) -> Record:
    """The fields every record has (``seq``, ``prev`` and ``hash`` are added when it is appended)."""
    return {"type": kind, "at": at.isoformat(), "operator": operator, **fields}


def write(
    ws: Workspace, ledger_rel: str, build: Callable[[list[Record]], Record],
    message: Callable[[Record], str], state: GitState, files: dict[str, bytes] | None = None,
) -> Written:
    """Append under the lock and commit the ledger file (and ``files``, written just before the record).

    A failed commit keeps the record (exit status 3).
    """
    path = ws.root / ledger_rel
    files = files or {}

    def build_then_write_files(previous: list[Record]) -> Record:
        record = build(previous)  # every check passes before any file changes
        for rel, data in files.items():
            write_atomic(ws.root / rel, data)
        return record

    with locked(ws.state_dir):
        record = append(path, build_then_write_files)
        if not state.in_git:
            return Written(record, path, None, None)
        try:
            commit = gitops.commit(ws.root, [*files, ledger_rel], message(record))
        except SsjError as exc:
            return Written(record, path, None, exc.message)
    return Written(record, path, commit, None)
