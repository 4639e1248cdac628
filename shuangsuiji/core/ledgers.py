"""All of a bureau's ledgers, read in the order they were written (SPEC §5 ``heads``).

Every record pins the heads (``seq``, ``hash``) of the bureau's other ledgers as they stood when it was written.
Read together, the heads give back the one order in which the records were written, and each record's heads
are checked against the ledgers: a record dropped from one ledger shows in the next record of any other.
Then each record is checked against everything written before it (rest and rotation look across sections).
"""

from __future__ import annotations

import os

from shuangsuiji.core.chain import Entry, format1_files, ledger_files, read_ledger
from shuangsuiji.core.inspections import KEPT_DAYS, day_number
from shuangsuiji.core.lists import LISTS_DIR, ListError, ListFolder
from shuangsuiji.core.records import RecordChecker
from shuangsuiji.core.recusal import team_map
from shuangsuiji.core.text import is_date, is_hex64, show

#: prune the inspection log once the records have moved on this many days
_PRUNE_EVERY_DAYS = 30


def _heads(entry: Entry) -> dict:
    heads = entry.record.get("heads")
    return heads if isinstance(heads, dict) else {}


def _ready(entry: Entry, tips: dict) -> bool:
    """Every record this one's heads name has been read already."""
    for ledger, head in _heads(entry).items():
        if ledger in tips and isinstance(head, dict) and isinstance(head.get("seq"), int):
            tip = tips[ledger]
            if tip is None or tip[0] < head["seq"]:
                return False
    return True


def _check_heads(entry: Entry, tips: dict, problems: list) -> None:
    """This record's heads name exactly the last record of every other ledger written before it."""
    heads = _heads(entry)
    where = (entry.path, entry.line)
    for ledger, tip in tips.items():
        if ledger == entry.ledger:
            continue
        head = heads.get(ledger)
        if head is not None and not isinstance(head, dict):  # malformed (reported with the chain): no pin at all
            head = {}
        if tip is None and head is not None:
            problems.append((*where, f"heads 记录写入时 {ledger} 台账已有 {ledger}-{head.get('seq')}，但该台账中没有这条记录"
                                     "（记录被删除或台账被截断）"))
        elif tip is not None and head is None:
            problems.append((*where, f"heads 缺少 {ledger}：这条记录写入时 {ledger} 台账已有 {ledger}-{tip[0]}"))
        elif tip is not None and head is not None and (head.get("seq"), head.get("hash")) != tip:
            problems.append((*where, f"heads 中 {ledger} 为 {ledger}-{head.get('seq')}（{str(head.get('hash'))[:12]}…），"
                                     f"与 {ledger} 台账不符（写入时它的最后一条是 {ledger}-{tip[0]}，{tip[1][:12]}…）："
                                     "台账中有记录被删除、插入或改动过"))
    for ledger in sorted(set(heads) - set(tips)):
        problems.append((*where, f"heads 提到台账 {show(ledger)}，但它不在这里：整本台账被删除或没有公开"))


def in_write_order(files: dict, problems: list):
    """Every record of every ledger (``{ledger: [(year, path), …]}``), in the order they were written."""
    readers = {name: read_ledger(name, years, problems) for name, years in files.items()}
    peeked: dict = {name: next(reader, None) for name, reader in readers.items()}
    tips: dict = {name: None for name in files}
    while True:
        waiting = {name: entry for name, entry in peeked.items() if entry is not None}
        if not waiting:
            return
        ready = [name for name, entry in waiting.items() if _ready(entry, tips)]
        name = min(ready or waiting, key=lambda n: (str(waiting[n].record.get("at", "")), n))
        entry = waiting[name]
        _check_heads(entry, tips, problems)
        yield entry
        record = entry.record
        if isinstance(record.get("seq"), int) and isinstance(record.get("hash"), str):
            tips[name] = (record["seq"], record["hash"])
        peeked[name] = next(readers[name], None)


#: the record types whose check re-derives a draw or its population: the cost of a verification
COSTLY_TYPES = ("draw", "failed", "announce")


def absorb(checker: RecordChecker, entry: Entry) -> None:
    """What an already verified record leaves for the records after it, without re-deriving it: its
    inspections (rest, rotation), its announcement, or that it used one. Cheap record types, and a record whose
    shape does not allow this, are simply checked."""
    record = entry.record
    kind = record.get("type")
    if kind not in COSTLY_TYPES:
        checker.check(entry)
        return
    checker.begin(entry)
    try:
        eligible = list(record["inspectors"]["eligible"])
        day = day_number(record["date"])
        visits = population = None
        if kind == "announce":  # the pairs its draw will be re-derived with, as the log stands now
            population = [e for s in record["strata"] for e in checker.lists.get(s["population"])]
        if kind == "draw":
            teams = [tuple(team) for team in record["inspectors"]["teams"]]  # one tuple per team, shared
            visits = [(entity, teams[team]) for entity, team in team_map(record).items()]
        if not is_hex64(record["hash"]) or (kind != "announce" and not {"fairness", "announcement"} <= set(record)):
            raise KeyError("hash")
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, ListError):
        checker.check(entry)
        return
    # the state each handler leaves (a test compares it with a full check's, record type by record type)
    checker.remember_pool(record["date"], eligible)
    if kind == "announce":
        checker.pending[record["hash"]] = record
        checker.announced_pairs[record["hash"]] = checker.rotation_of(record, population, eligible)[0]
        return
    checker.announcement_of(record)
    checker.announced_pairs.pop(record["announcement"], None)
    if visits is not None:
        checker.log.add(record["hash"], day, visits)


class Verified:
    """What a verification found: every problem, and the checker's state (for the bundle's own checks)."""

    def __init__(self, checker: RecordChecker, problems: list, counts: dict) -> None:
        self.checker = checker
        self.problems = problems
        #: {ledger: {record type: number}}
        self.counts = counts


def verify_ledgers(folder: str, on_record=None, progress=None, rederive=None) -> Verified:
    """Check every ledger under ``folder`` (``<ledger>/<year>.jsonl`` and ``lists/``): chains, heads, and every
    record against what was written before it. ``on_record(entry, checker)`` is called after each record.

    ``rederive(entry)`` False: the record was verified before (a checkpoint), so it is not re-derived, only
    :func:`absorb`-ed; its chain, its heads and every record after it are checked all the same."""
    problems: list = []
    files = ledger_files(folder)
    problems += [(os.path.join(folder, name), None, "旧格式（格式 1）的台账：格式 2 的台账是 <科室>/<年份>.jsonl，"
                  "这个文件中的记录不会被当作台账核验") for name in format1_files(folder)]
    checker = RecordChecker(ListFolder(os.path.join(folder, LISTS_DIR)))
    counts: dict = {name: {} for name in files}
    pruned = 0
    for entry in in_write_order(files, problems):
        if rederive is None or rederive(entry):
            checker.check(entry)
        else:
            absorb(checker, entry)
        checker.remember(entry)
        kind = str(entry.record.get("type"))
        counts[entry.ledger][kind] = counts[entry.ledger].get(kind, 0) + 1
        if on_record is not None:
            on_record(entry, checker)
        if progress is not None:
            progress(entry)
        at = entry.record.get("at")
        if isinstance(at, str) and is_date(at[:10]) and day_number(at[:10]) - pruned > _PRUNE_EVERY_DAYS:
            pruned = day_number(at[:10])
            checker.log.forget_before(pruned - KEPT_DAYS)
    problems.extend(checker.problems)
    problems += [(path, None, message) for path, message in checker.lists.check_the_rest()]
    problems.sort(key=lambda p: (p[0], p[1] or 0))
    return Verified(checker, problems, counts)
