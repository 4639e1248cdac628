"""What this computer has seen of the ledgers: ``.ssj/checkpoint.json`` (SPEC §5; issues 10 and 11).

- ``seen``: every ledger's head (``seq``, ``hash``) as the last writer or clean ``ssj verify-ledger`` run saw it.
  A ledger only grows, so a head once seen stays in its chain for ever: one that is gone is lost history, even
  after ``git reset`` + ``git reflog expire`` + ``git gc`` erased every trace of it in git.
- ``lost``: heads a writer found gone from the chain when it wrote the next record (kept while they are gone).
- ``verified``: what the last clean ``ssj verify-ledger`` run covered — HEAD's commit, the code that checked,
  and every ledger's head with the place of its line — so that a routine run checks only what came after.

``.ssj/`` is local and git-ignored, and whoever can write it can forge it: the file is a hint that saves time,
never evidence. A checkpoint that does not hold (a head not in the chain, a commit not in the history, other
code) is ignored; a missing one (a fresh clone) is no error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from filelock import FileLock, Timeout

from shuangsuiji.core.chain import MAX_LINE_BYTES, strict_json
from shuangsuiji.core.text import is_hex64, is_int
from shuangsuiji.ledger.index import Index
from shuangsuiji.workspace import Workspace, write_atomic

FILE = "checkpoint.json"
VERSION = 1
#: how long ``ssj verify-ledger`` waits for a writer before it leaves the checkpoint as it was
_LOCK_SECONDS = 10


class Head(NamedTuple):
    """Where a ledger's chain stood: its last record's ``seq`` and ``hash``."""

    seq: int
    hash: str


class Place(NamedTuple):
    """A verified head and where its line lies: ``file`` (``2026.jsonl``) in the ledger's folder, byte ``offset``."""

    seq: int
    hash: str
    file: str
    offset: int


@dataclass
class Covered:
    """What a clean ``ssj verify-ledger`` run covered."""

    commit: str
    code: str
    heads: dict[str, Place]


@dataclass
class Checkpoint:
    """The contents of ``.ssj/checkpoint.json``; ``ignored`` says why a file that exists could not be read."""

    seen: dict[str, Head] = field(default_factory=dict)
    lost: list[tuple[str, Head]] = field(default_factory=list)
    verified: Covered | None = None
    ignored: str | None = None


def path_of(ws: Workspace) -> Path:
    """``.ssj/checkpoint.json``."""
    return ws.state_dir / FILE


def load(ws: Workspace) -> Checkpoint:
    """The checkpoint of ``ws``: empty when there is none or it cannot be read (``ignored`` says why)."""
    try:
        data = json.loads(path_of(ws).read_bytes())
    except FileNotFoundError:
        return Checkpoint()
    except OSError as error:
        return Checkpoint(ignored=f"无法读取（{error.strerror}）")
    except ValueError:
        return Checkpoint(ignored="不是有效的 JSON")
    try:
        return _parsed(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        return Checkpoint(ignored="内容不完整或格式不对")


def _head(value: Any) -> Head:
    if not (is_int(value["seq"]) and value["seq"] >= 0 and is_hex64(value["hash"])):
        raise ValueError(value)
    return Head(value["seq"], value["hash"])


def _parsed(data: dict[str, Any]) -> Checkpoint:
    if data["version"] != VERSION:
        raise ValueError(data["version"])
    found = Checkpoint(seen={str(name): _head(head) for name, head in data["seen"].items()},
                       lost=[(str(item["ledger"]), _head(item)) for item in data["lost"]])
    covered = data.get("verified")
    if covered is not None:
        heads = {}
        for name, head in covered["heads"].items():
            seq, digest = _head(head)
            if not (isinstance(head["file"], str) and is_int(head["offset"])):
                raise ValueError(head)
            heads[str(name)] = Place(seq, digest, head["file"], head["offset"])
        found.verified = Covered(str(covered["commit"]), str(covered["code"]), heads)
    return found


def save(ws: Workspace, checkpoint: Checkpoint) -> None:
    """Write the checkpoint (the caller holds the write lock)."""
    data: dict[str, Any] = {
        "version": VERSION,
        "seen": {name: head._asdict() for name, head in sorted(checkpoint.seen.items())},
        "lost": [{"ledger": name, **head._asdict()} for name, head in checkpoint.lost],
        "verified": None,
    }
    if checkpoint.verified is not None:
        covered = checkpoint.verified
        data["verified"] = {"commit": covered.commit, "code": covered.code,
                            "heads": {name: place._asdict() for name, place in sorted(covered.heads.items())}}
    write_atomic(path_of(ws), json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")


def code_digest() -> str:
    """SHA-256 over ssj's own source: a routine run trusts only what the same code verified."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def saw(ws: Workspace, ledger: str, record: dict[str, Any]) -> None:
    """A writer committed ``record`` to ``ledger`` (the caller holds the write lock): remember it and the heads
    it pins as seen. A head seen before that is no longer in its chain goes to ``lost``. Never fails the write:
    the record is committed already, and the checkpoint is only this computer's memory."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError, sqlite3.Error):
        checkpoint = load(ws)
        heads = {name: Head(head["seq"], head["hash"]) for name, head in record.get("heads", {}).items()}
        heads[ledger] = Head(record["seq"], record["hash"])
        index = Index(ws)
        try:
            for name, head in heads.items():
                _advance(checkpoint, index, name, head)
        finally:
            index.close()
        save(ws, checkpoint)


def _advance(checkpoint: Checkpoint, index: Index, ledger: str, head: Head) -> None:
    old = checkpoint.seen.get(ledger)
    if old is not None and old != head:
        found = index.record(ledger, old.seq)
        if (found is None or found.get("hash") != old.hash) and (ledger, old) not in checkpoint.lost:
            checkpoint.lost.append((ledger, old))
    checkpoint.seen[ledger] = head


def update(ws: Workspace, change: Callable[[Checkpoint], None]) -> bool:
    """Load, ``change`` and save the checkpoint under the write lock. False (nothing saved) when a writer holds
    the lock for long or ``.ssj/`` cannot be written: the next run simply tries again."""
    try:
        ws.state_dir.mkdir(parents=True, exist_ok=True)
        with FileLock(str(ws.state_dir / "ledger.lock"), timeout=_LOCK_SECONDS):
            checkpoint = load(ws)
            change(checkpoint)
            save(ws, checkpoint)
    except (Timeout, OSError):
        return False
    return True


def head_holds(folder: Path, ledger: str, place: Place) -> bool:
    """The line at ``place`` in the ledger's folder is, still, the record with that ``seq`` and ``hash``."""
    if os.path.basename(place.file) != place.file or place.offset < 0:
        return False
    try:
        with open(folder / ledger / place.file, "rb") as handle:
            handle.seek(place.offset)
            raw = handle.readline(MAX_LINE_BYTES + 1)
        record = strict_json(raw.decode("utf-8")) if raw.endswith(b"\n") else None
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and record.get("seq") == place.seq and record.get("hash") == place.hash
