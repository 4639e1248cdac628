"""The hash-chained ledger files (SPEC §5): read, append under a lock, address, repair."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shuangsuiji.core.canonical import ZERO_HASH, canonical, record_hash
from shuangsuiji.core.chain import read_ledger
from shuangsuiji.errors import LedgerError, SsjError
from shuangsuiji.registry.loading import load_bureau
from shuangsuiji.registry.lookup import resolve_section
from shuangsuiji.workspace import BUREAU_LEDGER, Workspace, ledger_path, locked

Record = dict[str, Any]


def read(path: Path) -> list[Record]:
    """Every record of one ledger file; refuses a broken chain or a torn last line."""
    if not path.exists():
        return []
    records, problems = read_ledger(str(path))
    if problems:
        first = problems[0]
        raise LedgerError(
            f"{_label(path)}:{first[0]}: {first[1]}——台账已损坏，不能再追加记录；"
            "请运行 ssj verify-ledger 查看全部问题（末行不完整时可用 ssj ledger repair 修复）"
        )
    return records


def seal(record: Record, previous: list[Record]) -> Record:
    """Give ``record`` its place in the chain: ``seq``, ``prev`` and ``hash``."""
    body = dict(record)
    body.pop("hash", None)
    body["seq"] = len(previous)
    body["prev"] = previous[-1]["hash"] if previous else ZERO_HASH
    body["hash"] = record_hash(body)
    return body


def append(path: Path, build: Callable[[list[Record]], Record]) -> Record:
    """Build a record from the ledger as it stands and append it as one whole line, flushed and synced.

    Call inside :func:`locked`, so that what ``build`` checks against the ledger still holds when the
    line is written.
    """
    previous = read(path)
    record = seal(build(previous), previous)
    line = canonical(record) + b"\n"
    created = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())
    if created:
        _sync_folder(path.parent)
    return record


def _sync_folder(folder: Path) -> None:
    if os.name == "posix":  # a new file's directory entry must survive a crash too
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def repair(path: Path) -> tuple[int, bytes]:
    """Cut a torn last line off; returns (whole records kept, bytes removed). Nothing else changes."""
    data = path.read_bytes()
    keep = data.rfind(b"\n") + 1
    torn = data[keep:]
    if not torn:
        return data.count(b"\n"), b""
    with path.open("r+b") as handle:
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
    return data[:keep].count(b"\n"), torn


def _label(path: Path) -> str:
    parts = path.parts
    return "/".join(parts[-3:]) if len(parts) >= 3 else str(path)


def repair_ledger(ws: Workspace, section_text: str) -> tuple[int, bytes]:
    """Cut a torn last line off one ledger (``bureau`` for the bureau-wide ledger)."""
    if section_text.strip() in ("bureau", "局"):
        rel = BUREAU_LEDGER
    else:
        rel = ledger_path(resolve_section(load_bureau(ws).sections, section_text).id)
    path = ws.root / rel
    if not path.exists():
        raise SsjError(f"{rel} 不存在")
    with locked(ws.state_dir):
        return repair(path)
