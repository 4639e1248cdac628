"""The ledger files on disk (SPEC §5): one chain per section and one for the bureau, split by year, and the
content-addressed id lists. Appending is crash-safe (one whole line, flushed and synced); only an explicit
repair removes a torn last line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from shuangsuiji.core.canonical import ZERO_HASH, canonical, record_hash
from shuangsuiji.core.chain import FORMAT, format1_files, ledger_files, read_ledger, read_record_at
from shuangsuiji.core.lists import list_digest
from shuangsuiji.errors import LedgerError, SsjError
from shuangsuiji.workspace import LEDGER_DIR, Workspace, ledger_file, list_file, locked

Record = dict[str, Any]


def year_files(ws: Workspace) -> dict[str, list[tuple[int, str]]]:
    """``{ledger: [(year, absolute path), …]}`` of every ledger on disk, years ascending.

    A format-1 ledger (:func:`~shuangsuiji.core.chain.format1_files`) is refused by name.
    """
    folder = ws.root / LEDGER_DIR
    old = format1_files(str(folder))
    if old:
        raise LedgerError(f"{LEDGER_DIR}/{old[0]} 是旧格式（格式 1）的台账：本版 ssj 只读格式 2"
                          f"（{LEDGER_DIR}/<科室>/<年份>.jsonl，见 docs/ledger-format.md）。"
                          "格式 1 没有被任何单位正式使用过，不提供转换：请用本版 ssj 重新建立台账")
    return ledger_files(str(folder))


def read_all(ws: Workspace, ledger: str) -> list[Record]:
    """Every record of one ledger, in order (for the small views; writers use the index)."""
    problems: list = []
    files = year_files(ws).get(ledger, [])
    records = [entry.record for entry in read_ledger(ledger, files, problems)]
    if problems:
        path, line, message = problems[0]
        raise LedgerError(f"{_relative(ws, path)}:{line}: {message}——台账已损坏；请运行 ssj verify-ledger 查看全部问题"
                          "（末行不完整时可用 ssj ledger repair 修复）")
    return records


def read_at(path: str, offset: int) -> Record:
    """The record whose line starts at ``offset`` of ``path``."""
    return read_record_at(path, offset)


def seal(record: Record, seq: int, prev: str | None) -> Record:
    """Give ``record`` its place in its chain: ``format``, ``seq``, ``prev`` and ``hash``."""
    body = {key: value for key, value in record.items() if key != "hash"}
    body.update(format=FORMAT, seq=seq, prev=prev or ZERO_HASH)
    body["hash"] = record_hash(body)
    return body


def write_lists(ws: Workspace, lists: list[list[str]]) -> list[str]:
    """Write the list files ``lists`` need that do not exist yet; returns their repo-relative paths (new ones)."""
    written = []
    for ids in lists:
        rel = list_file(list_digest(ids))
        path = ws.root / rel
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        data = canonical(sorted(set(ids)))
        temporary = path.with_name(f".{path.name}.tmp")
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        written.append(rel)
    return written


def append_line(ws: Workspace, ledger: str, record: Record) -> str:
    """Append a sealed record to its year file (the year of its ``at``); returns the repo-relative path."""
    rel = ledger_file(ledger, int(record["at"][:4]))
    path = ws.root / rel
    created = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as handle:
        handle.write(canonical(record) + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    if created:
        _sync_folder(path.parent)
    return rel


def _sync_folder(folder: Path) -> None:
    if os.name == "posix":  # a new file's directory entry must survive a crash too
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def torn_tail(ws: Workspace) -> str | None:
    """The repo-relative path of a ledger file whose last line is torn (no final newline), if any."""
    for files in year_files(ws).values():
        for _, path in files:
            with open(path, "rb") as handle:
                if handle.seek(0, os.SEEK_END) == 0:
                    continue
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    return _relative(ws, path)
    return None


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


def repair_ledgers(ws: Workspace) -> list[tuple[str, int, bytes]]:
    """Cut the torn last line off every ledger file that has one: ``[(file, records kept, bytes removed)]``."""
    repaired = []
    with locked(ws.state_dir):
        for files in year_files(ws).values():
            for _, path in files:
                kept, removed = repair(Path(path))
                if removed:
                    repaired.append((_relative(ws, path), kept, removed))
    if not repaired:
        raise SsjError("没有需要修复的台账：每个台账文件的最后一行都是完整的")
    return repaired


def _relative(ws: Workspace, path: str) -> str:
    return Path(path).relative_to(ws.root).as_posix()

