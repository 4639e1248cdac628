"""A small index of the ledgers in ``.ssj/index.sqlite``, so that writers never re-read history (SPEC §5).

It answers what every command asks — a ledger's last record, the heads of all ledgers, a record by its
address or hash, how many draws a plan item used, what a draw's recusals and void are, and the bureau's recent
inspections for the rest and rotation rules — and it is only a cache: kept up to date from the ledger files
(a few new lines at a time) and rebuilt from them whenever it is missing, stale or broken.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn

from shuangsuiji.core.announced import numbers_seen
from shuangsuiji.core.canonical import canonical
from shuangsuiji.core.chain import parse_line, read_record_at
from shuangsuiji.core.inspections import KEPT_DAYS, Inspection, day_number
from shuangsuiji.core.recusal import team_map
from shuangsuiji.core.text import is_at, is_hex64, is_int
from shuangsuiji.errors import LedgerError
from shuangsuiji.ledger.store import Record, year_files
from shuangsuiji.workspace import Workspace

VERSION = "3"
#: joins a team's ids in the ``events`` table: a character no id holds (an id may hold a comma)
_TEAM = "\x1f"
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, last_offset INTEGER, last_hash TEXT);
CREATE TABLE records (
    ledger TEXT, seq INTEGER, hash TEXT, type TEXT, at TEXT, date TEXT, plan_item TEXT, target TEXT,
    path TEXT, offset INTEGER, PRIMARY KEY (ledger, seq));
CREATE UNIQUE INDEX records_hash ON records (hash);
CREATE INDEX records_target ON records (target);
CREATE INDEX records_item ON records (plan_item, type);
CREATE TABLE events (entity TEXT, day INTEGER, record TEXT, inspectors TEXT);
CREATE INDEX events_entity ON events (entity, day);
CREATE INDEX events_day ON events (day, entity);
CREATE INDEX events_record ON events (record);
CREATE TABLE published (draw TEXT, entity TEXT, PRIMARY KEY (draw, entity));
"""


class Index:
    """The index of one bureau's ledgers; call :meth:`refresh` (under the write lock when about to write)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.path = ws.state_dir / "index.sqlite"
        self.db = self._open()

    # -- keeping up with the files ------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(self.path, isolation_level=None)
            row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if row is not None and row[0] == VERSION:
                return db
            db.close()
        except sqlite3.DatabaseError:
            pass
        return self._create()

    def _create(self) -> sqlite3.Connection:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        db = sqlite3.connect(self.path, isolation_level=None)
        db.executescript(_SCHEMA)
        db.execute("INSERT INTO meta VALUES ('version', ?)", (VERSION,))
        return db

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def refresh(self) -> Index:
        """Index what was appended since the last call; rebuild from the ledgers when anything else changed.

        A line it cannot index is a :class:`LedgerError` naming file and line; the index is closed then."""
        try:
            return self._refresh()
        except BaseException:
            self.db.close()
            raise

    def _refresh(self) -> Index:
        files = year_files(self.ws)
        known = {row[0]: row[1:] for row in self.db.execute("SELECT path, size, last_offset, last_hash FROM files")}
        on_disk = {path for years in files.values() for _, path in years}
        if set(known) - on_disk or not all(self._still_prefix(path, *known[path]) for path in known):
            self.db.close()
            self.db = self._create()
            known = {}
        self.db.execute("BEGIN")
        try:
            for ledger, years in files.items():
                for _, path in years:
                    start = known[path][0] if path in known else 0
                    if Path(path).stat().st_size > start:
                        self._index_file(ledger, path, start)
            newest = self.db.execute("SELECT max(day) FROM events").fetchone()[0]
            if newest is not None:
                self.db.execute("DELETE FROM events WHERE day < ?", (newest - KEPT_DAYS,))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return self

    @staticmethod
    def _still_prefix(path: str, size: int, offset: int, last_hash: str | None) -> bool:
        """The file still holds what was indexed: at least as long, and the last indexed line unchanged."""
        try:
            if Path(path).stat().st_size < size:
                return False
            return last_hash is None or read_record_at(path, offset).get("hash") == last_hash
        except (OSError, ValueError):
            return False

    def _index_file(self, ledger: str, path: str, start: int) -> None:
        with open(path, "rb") as handle:
            handle.seek(start)
            offset = start
            for raw in handle:
                if not raw.endswith(b"\n"):
                    break  # a torn last line: writers refuse it, verify-ledger reports it
                self._add_line(ledger, path, offset, raw[:-1])
                offset += len(raw)
        last = self.db.execute("SELECT offset, hash FROM records WHERE path = ? ORDER BY offset DESC LIMIT 1",
                               (path,)).fetchone()
        self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                        (path, offset, last[0] if last else 0, last[1] if last else None))

    def _add_line(self, ledger: str, path: str, offset: int, raw: bytes) -> None:
        """Index one whole line; a line that is no record, or lacks what the index needs, is refused by place."""
        problems: list = []
        record, _ = parse_line(raw, (path, 0), problems)  # a non-canonical form is verify-ledger's to report
        if record is None:
            self._refuse(path, offset, problems[0][2])
        missing = [name for name, valid in (("seq", is_int), ("hash", is_hex64), ("at", is_at))
                   if not valid(record.get(name))]
        if missing or not isinstance(record.get("type"), str):
            self._refuse(path, offset, "缺少字段或字段无效：" + "、".join(missing or ["type"]))
        try:
            self.add(ledger, path, offset, record)
        except KeyError as error:
            self._refuse(path, offset, f"“{record['type']}”记录缺少字段 {error.args[0]}")
        except sqlite3.IntegrityError:
            self._refuse(path, offset, "hash 与前面的另一条记录相同（记录被复制过）")
        except (TypeError, ValueError, IndexError, AttributeError, OverflowError):
            self._refuse(path, offset, f"“{record['type']}”记录的字段内容无效（类型或取值不对）")

    def _refuse(self, path: str, offset: int, problem: str) -> NoReturn:
        with open(path, "rb") as handle:
            line = handle.read(offset).count(b"\n") + 1
        rel = Path(path).relative_to(self.ws.root).as_posix()
        raise LedgerError(
            f"{rel}:{line}: {problem}——台账的这一行不是一条完好的记录，ssj 无法读取台账（台账未作任何改动）。"
            f"请从 git 恢复这个文件（git checkout -- {rel}）或从备份恢复，再运行 ssj verify-ledger 核验"
        )

    def add(self, ledger: str, path: str, offset: int, record: Record) -> None:
        """One record and what it changes: inspections added (draw, targeted), removed (void), moved (recusal)."""
        kind = record.get("type")
        self.db.execute("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
            ledger, record["seq"], record["hash"], kind, record["at"], record.get("date"), record.get("plan_item"),
            record.get("draw") or record.get("announcement"), path, offset))
        if kind == "draw":
            teams = record["inspectors"]["teams"]
            day = day_number(record["date"])
            self.db.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", (
                (entity, day, record["hash"], _TEAM.join(teams[team])) for entity, team in team_map(record).items()))
        elif kind == "targeted":
            day, team = day_number(record["date"]), _TEAM.join(record["inspectors"])
            self.db.executemany("INSERT INTO events VALUES (?, ?, ?, ?)",
                                ((entity, day, record["hash"], team) for entity in record["entities"]))
        elif kind == "void":
            self.db.execute("DELETE FROM events WHERE record = ?", (record["draw"],))
        elif kind == "recusal":
            for (inspectors,) in self.db.execute("SELECT inspectors FROM events WHERE record = ? AND entity = ?",
                                                 (record["draw"], record["entity"])).fetchall():
                members = [record["replacement"] if i == record["inspector"] else i for i in inspectors.split(_TEAM)]
                self.db.execute("UPDATE events SET inspectors = ? WHERE record = ? AND entity = ?",
                                (_TEAM.join(members), record["draw"], record["entity"]))
        elif kind == "publish":
            self.db.executemany("INSERT OR IGNORE INTO published VALUES (?, ?)",
                                ((p["draw"], p["entity"]) for p in record.get("published", [])))

    def appended(self, ledger: str, path: str, record: Record) -> None:
        """A record ssj just appended (so that the next command need not read it again)."""
        size = Path(path).stat().st_size
        line = size - len(_line_bytes(record))
        self.db.execute("BEGIN")
        self.add(ledger, path, line, record)
        self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", (path, size, line, record["hash"]))
        self.db.execute("COMMIT")

    # -- questions ------------------------------------------------------------------------------

    def tip(self, ledger: str) -> tuple[int, str, str] | None:
        """(seq, hash, at) of a ledger's last record, or None for an empty ledger."""
        row = self.db.execute("SELECT seq, hash, at FROM records WHERE ledger = ? ORDER BY seq DESC LIMIT 1",
                              (ledger,)).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def heads(self, except_ledger: str | None = None) -> dict[str, dict[str, Any]]:
        """``{ledger: {"seq", "hash"}}`` of every ledger with a record (but ``except_ledger``)."""
        rows = self.db.execute("SELECT ledger, max(seq) FROM records GROUP BY ledger").fetchall()
        heads = {}
        for ledger, seq in rows:
            if ledger != except_ledger:
                (digest,) = self.db.execute("SELECT hash FROM records WHERE ledger = ? AND seq = ?",
                                            (ledger, seq)).fetchone()
                heads[ledger] = {"seq": seq, "hash": digest}
        return heads

    def _read(self, row: tuple | None) -> Record | None:
        return read_record_at(row[0], row[1]) if row else None

    def record(self, ledger: str, seq: int) -> Record | None:
        """The record ``<ledger>-<seq>``."""
        return self._read(self.db.execute("SELECT path, offset FROM records WHERE ledger = ? AND seq = ?",
                                          (ledger, seq)).fetchone())

    def by_hash(self, digest: str) -> tuple[str, Record] | None:
        """(ledger, record) of the record with this hash."""
        row = self.db.execute("SELECT ledger, path, offset FROM records WHERE hash = ?", (digest,)).fetchone()
        return (row[0], read_record_at(row[1], row[2])) if row else None

    def place(self, digest: str) -> tuple[str, int] | None:
        """(ledger, seq) of the record with this hash, without reading it."""
        row = self.db.execute("SELECT ledger, seq FROM records WHERE hash = ?", (digest,)).fetchone()
        return (row[0], row[1]) if row else None

    def count(self, ledger: str) -> int:
        """How many records a ledger holds."""
        return self.db.execute("SELECT count(*) FROM records WHERE ledger = ?", (ledger,)).fetchone()[0]

    def records(self, ledger: str | None = None, types: Iterable[str] = ()) -> Iterator[tuple[str, Record]]:
        """(ledger, record) in ledger order, optionally of some ledger and of some types (read from the files)."""
        sql, args = "SELECT ledger, path, offset FROM records WHERE 1", []
        if ledger is not None:
            sql, args = sql + " AND ledger = ?", [ledger]
        kinds = list(types)
        if kinds:
            sql += f" AND type IN ({','.join('?' * len(kinds))})"
            args += kinds
        for name, path, offset in self.db.execute(sql + " ORDER BY ledger, seq", args).fetchall():
            yield name, read_record_at(path, offset)

    def follows(self, target: str, kind: str) -> list[Record]:
        """The records of ``kind`` (void, recusal, document, draw) that point at ``target``, in ledger order."""
        rows = self.db.execute("SELECT path, offset FROM records WHERE target = ? AND type = ? ORDER BY ledger, seq",
                               (target, kind)).fetchall()
        return [read_record_at(path, offset) for path, offset in rows]

    def voided(self, target: str) -> Record | None:
        """The void of a draw or announcement, if it was voided."""
        found = self.follows(target, "void")
        return found[0] if found else None

    def plan_draws(self, plan_item: str, year: int) -> list[tuple[str, str]]:
        """(date, hash) of the non-void draws made against ``plan_item`` dated in ``year``, by date."""
        return self.db.execute(
            "SELECT date, hash FROM records r WHERE type = 'draw' AND plan_item = ? AND date LIKE ? "
            "AND NOT EXISTS (SELECT 1 FROM records v WHERE v.type = 'void' AND v.target = r.hash) ORDER BY date",
            (plan_item, f"{year}-%")).fetchall()

    def pending_announcements(self, ledger: str, plan_item: str | None = None) -> list[Record]:
        """Announcements of a ledger neither drawn on (a failed attempt uses one up too, SPEC §5) nor voided (of
        ``plan_item``, when given)."""
        rows = self.db.execute(
            "SELECT path, offset FROM records r WHERE ledger = ? AND type = 'announce' AND (? IS NULL OR plan_item = ?) "
            "AND NOT EXISTS (SELECT 1 FROM records f WHERE f.target = r.hash AND f.type IN ('void', 'draw', 'failed')) "
            "ORDER BY seq", (ledger, plan_item, plan_item)).fetchall()
        return [read_record_at(path, offset) for path, offset in rows]

    def spent_announcement(self, ledger: str, plan_item: str | None) -> Record | None:
        """The announcement or announced draw of ``plan_item`` voided after its numbers were out, if any: that item
        gets no new announcement (the rule is :func:`~shuangsuiji.core.announced.numbers_seen`)."""
        rows = self.db.execute(
            "SELECT v.path, v.offset, t.path, t.offset FROM records v JOIN records t ON t.hash = v.target "
            "WHERE v.type = 'void' AND t.ledger = ? AND t.plan_item IS ? AND t.type IN ('announce', 'draw') "
            "ORDER BY t.seq", (ledger, plan_item)).fetchall()
        for void_path, void_offset, path, offset in rows:
            voided = read_record_at(path, offset)
            if numbers_seen(read_record_at(void_path, void_offset), voided):
                return voided
        return None

    def published(self, draw: str) -> set[str]:
        """The companies of a draw whose results a ``publish`` record has put out."""
        return {row[0] for row in self.db.execute("SELECT entity FROM published WHERE draw = ?", (draw,))}

    def inspections(self, entities: Iterable[str], since: int) -> dict[str, list[Inspection]]:
        """``{entity: [Inspection, …]}`` since day number ``since`` for the given companies (rotation): one query
        over a temporary table of the companies, not one per company (a draw at province scale selects 13,000)."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (entity TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM wanted")
        self.db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((e,) for e in entities))
        found: dict[str, list[Inspection]] = {}
        teams: dict[str, tuple] = {}
        for entity, day, record, inspectors in self.db.execute(
                "SELECT e.entity, e.day, e.record, e.inspectors FROM wanted w JOIN events e ON e.entity = w.entity "
                "AND e.day >= ?", (since,)):
            team = teams.get(inspectors)
            if team is None:
                team = teams[inspectors] = tuple(inspectors.split(_TEAM))
            found.setdefault(entity, []).append(Inspection(day, record, team))
        return found

    def inspecting_records(self, first: int, last: int) -> list[str]:
        """Every record with an inspection dated from day number ``first`` to ``last`` (what ``rested`` cites)."""
        return [row[0] for row in self.db.execute(
            "SELECT DISTINCT record FROM events WHERE day >= ? AND day <= ? ORDER BY record", (first, last))]

    def inspected_between(self, first: int, last: int) -> set[str]:
        """Every company inspected from day number ``first`` to ``last`` (the rest rule, reports)."""
        return {row[0] for row in self.db.execute(
            "SELECT DISTINCT entity FROM events WHERE day >= ? AND day <= ?", (first, last))}


def _line_bytes(record: Record) -> bytes:
    return canonical(record) + b"\n"


def open_index(ws: Workspace) -> Index:
    """The index of ``ws``'s ledgers, up to date."""
    return Index(ws).refresh()

