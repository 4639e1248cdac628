"""The ledger files on disk (SPEC §5): one chain per section and one for the bureau, split by year, and the
content-addressed id lists. Appending is crash-safe (one whole line, flushed and synced); only an explicit
repair removes a torn last line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from shuangsuiji.core.canonical import ZERO_HASH, canonical, record_hash
from shuangsuiji.core.chain import (
    FORMAT,
    Chain,
    format1_files,
    last_line,
    ledger_files,
    parse_line,
    read_ledger,
    read_record_at,
)
from shuangsuiji.core.lists import list_digest
from shuangsuiji.core.text import is_int
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


def check_tip(ws: Workspace, ledger: str, expected: tuple[int, str] | None) -> None:
    """Refuse to chain onto a ledger's last record unless it is a sound format-2 record, and the one the index
    names (``expected``: its seq and hash). Reads only the last line of the ledger's last year file."""
    found = _last_record_line(year_files(ws).get(ledger, []))
    if found is None:
        if expected is not None:
            raise LedgerError(f"索引记有台账 {ledger} 的末条记录（seq {expected[0]}），台账文件中却没有：请运行 ssj verify-ledger 核验")
        return
    path, raw = found
    record, problems = _tip_problems(raw, (path, 0))
    if record is not None and not problems and expected != (record.get("seq"), record.get("hash")):
        problems.append("它不是链的末端（seq 或 hash 与索引中的末条记录不同）")
    if problems:
        rel = _relative(ws, path)
        raise LedgerError(
            f"{rel}:{_count_lines(path)}: 台账的最后一条记录有问题：{'；'.join(problems)}。新记录不能接在它后面（台账未作任何改动）："
            f"请从 git 恢复这个文件（git checkout -- {rel}）或从备份恢复，再运行 ssj verify-ledger 核验"
        )


def _tip_problems(raw: bytes, where: tuple[str, int]) -> tuple[Record | None, list[str]]:
    """The last line's record (None when unreadable) and what is wrong with it as a chain tip: core's own checks
    of one line and of a record's common fields (format, seq, prev, hash …)."""
    found: list = []
    record, actual_hash = parse_line(raw, where, found)
    if record is not None:
        chain = Chain()  # placed where the record says it stands: only the record itself is checked here
        chain.seq = record["seq"] if is_int(record.get("seq")) else 0
        chain.hash = record.get("prev") if isinstance(record.get("prev"), str) else None
        chain.check(record, actual_hash, where, found)
    return record, [message for *_, message in found]


def _last_record_line(files: list[tuple[int, str]]) -> tuple[str, bytes] | None:
    """(path, bytes) of the last line of the last non-empty year file (whose last line ends it), or None."""
    for _, path in reversed(files):
        raw = last_line(path)
        if raw or os.path.getsize(path):
            return path, raw
    return None


def _count_lines(path: str, block: int = 1 << 20) -> int:
    """The number of the file's last line (it ends with a newline: torn lines are refused before)."""
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(block), b""))


def _relative(ws: Workspace, path: str) -> str:
    return Path(path).relative_to(ws.root).as_posix()

