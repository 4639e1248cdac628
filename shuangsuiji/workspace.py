"""A bureau's repository on disk (SPEC §2): where each file lives, where ssj keeps its own state, the lock that
serialises every command that writes, and how a file is written so that a crash leaves either the old bytes or
the new ones, never a mix.

Paths are repo-relative POSIX strings.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from shuangsuiji.errors import SsjError

BUREAU = "data/bureau.yaml"
SECTIONS = "data/sections.yaml"
DUTIES = "data/duties.yaml"
CHECKLIST = "data/checklist.yaml"
ENTITIES_DIR = "data/entities"
INSPECTORS = "data/inspectors.yaml"
CREDIT = "data/credit.yaml"
REPORTS_DIR = "data/reports"
EVIDENCE_DIR = "data/evidence"
LEDGER_DIR = "data/ledger"
LISTS_DIR = "data/ledger/lists"
#: the ledger of the bureau's own records (plan and checklist approvals, publications, document numbers)
BUREAU_LEDGER = "bureau"
PLANS_DIR = "plans"
STATE_DIR = ".ssj"
LOCK_TIMEOUT_SECONDS = 120


def plan_path(year: int) -> str:
    """``plans/<year>.yaml``."""
    return f"{PLANS_DIR}/{year}.yaml"


def ledger_file(ledger: str, year: int) -> str:
    """``data/ledger/<section id or bureau>/<year>.jsonl``: one year of one chain (SPEC §5)."""
    return f"{LEDGER_DIR}/{ledger}/{year}.jsonl"


def list_file(digest: str) -> str:
    """``data/ledger/lists/<sha256>.json``: a content-addressed id list."""
    return f"{LISTS_DIR}/{digest}.json"


@dataclass(frozen=True)
class Workspace:
    """The bureau repository rooted at ``root``."""

    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Workspace:
        """The repository containing ``start`` (default: the current folder)."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / BUREAU).is_file():
                return cls(folder)
        raise SsjError(
            f"{here} 不是 ssj 的数据仓库：找不到 {BUREAU}。"
            "请进入仓库目录再运行，或用 --repo 指定；新单位可用“ssj init 目录”创建"
        )

    @property
    def state_dir(self) -> Path:
        """``.ssj/``: caches and the lock file (git-ignored)."""
        return self.root / STATE_DIR


@contextmanager
def locked(state_dir: Path) -> Iterator[None]:
    """Serialise every command that writes, across processes, on Windows and Linux alike."""
    state_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(state_dir / "ledger.lock"), timeout=LOCK_TIMEOUT_SECONDS)
    try:
        with lock:
            yield
    except Timeout:
        raise SsjError(f"另一个 ssj 命令正在写台账（已等待 {LOCK_TIMEOUT_SECONDS} 秒），请稍后再试") from None


def write_temporary(target: Path, content: bytes) -> Path:
    """``content`` synced to disk in a new hidden file beside ``target``, with ``target``'s permissions."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
        os.chmod(name, mode)  # mkstemp makes 0600 files; keep what the bureau's file had
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` beside ``path``, sync it, then rename it over ``path``."""
    write_all_atomic({path: data})


def write_all_atomic(contents: Mapping[Path, bytes]) -> None:
    """Several files at once: every temporary file is written before any is renamed into place."""
    temporary: list[tuple[Path, Path]] = []
    try:
        for target, content in contents.items():
            temporary.append((write_temporary(target, content), target))
        for name, target in temporary:
            os.replace(name, target)
    finally:
        for name, _ in temporary:
            name.unlink(missing_ok=True)
