"""``ssj verify-ledger``: every chain, every draw re-derived, and inside git an append-only history
whose draws match the data they were drawn from, under an approved plan (SPEC §5, 第七、十二、十六条).

Inside git a routine run re-derives only what came after the checkpoint of the last clean run
(:mod:`~shuangsuiji.audit.checkpoint`); ``full`` ignores it. ``jobs`` processes share the re-derivation.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from shuangsuiji import git as gitops
from shuangsuiji.audit import history
from shuangsuiji.audit.checkpoint import (
    Scope,
    explained_by,
    lost_heads,
    place_of,
    remember,
    remembered,
    scope,
)
from shuangsuiji.audit.inputs import AtCommit
from shuangsuiji.core.chain import Entry, ledger_files, tip
from shuangsuiji.core.ledgers import COSTLY_TYPES, Verified, verify_ledgers
from shuangsuiji.core.records import RecordChecker
from shuangsuiji.errors import Problem
from shuangsuiji.ledger import checkpoint
from shuangsuiji.ledger.checkpoint import Place
from shuangsuiji.registry.sources import GitObjects
from shuangsuiji.workspace import LEDGER_DIR, Workspace

#: What the summary line claims when every check held.
SCOPE_OUTSIDE_GIT = "哈希链、重算抽取与回避（不在 git 仓库中，未核验历史）"
SCOPE_IN_GIT = "哈希链、重算抽取与回避、git 历史只增不改、抽取与当时数据一致且在已审批的计划内"
#: more processes than this only add memory (and Windows allows at most 61)
_MAX_JOBS = 32


@dataclass
class LedgerSummary:
    """What one ledger file holds."""

    path: str
    records: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    problems: int = 0


@dataclass
class Verification:
    """All problems found, and a summary per file."""

    problems: list[Problem]
    ledgers: list[LedgerSummary]
    in_git: bool
    #: draws made with --allow-dirty whose data were never committed: nothing in git to check them against
    unverified: int = 0
    #: a routine run: the commit of the checkpoint it started from (None: everything was checked)
    since: str | None = None
    #: why an existing checkpoint was not used
    note: str | None = None
    #: records read, and those checked in full (not covered by the checkpoint)
    records: int = 0
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    @property
    def scope(self) -> str:
        """What was verified, in words, for the summary line; never claims more than was checked."""
        if not self.in_git:
            return SCOPE_OUTSIDE_GIT
        if self.unverified:
            return (f"哈希链、重算抽取与回避、git 历史只增不改；但有 {self.unverified} 次抽取所读取的数据从未提交到 git，"
                    "无法核对其名单与当时的数据一致（见上面的警告）")
        return SCOPE_IN_GIT


def verify(ws: Workspace, progress: Callable[[Entry], None] | None = None, full: bool = False,
           jobs: int = 1) -> Verification:
    """Check every ledger of the bureau; collects every problem instead of stopping at the first."""
    folder = ws.root / LEDGER_DIR
    if not gitops.is_repository(ws.root):
        verified = verify_ledgers(str(folder), progress=progress)
        records = sum(sum(kinds.values()) for kinds in verified.counts.values())
        return Verification(_problems(ws, verified.problems), _summaries(ws, verified), False,
                            records=records, checked=records)
    commit = gitops.head(ws.root)  # before anything is read: a checkpoint never claims a commit made meanwhile
    objects = GitObjects(ws.root)
    try:
        saved = checkpoint.load(ws)
        ancestors, first_parents = gitops.ancestry(ws.root)
        chosen = scope(ws, saved, full, first_parents)
        processes = min(jobs or os.cpu_count() or 1, _MAX_JOBS)
        run, verified = _records(ws, objects, chosen, processes, progress, saved, ancestors)
        problems = _problems(ws, verified.problems) + run.at_commit_found()
        found = history.append_only(ws.root, chosen.since, objects)
        found += history.merges_keep_every_parent(ws.root, objects, chosen.since)
        found += history.lost_commits(ws.root, objects, run.held)
        found += history.upstream(ws.root, objects)
        found += history.uncommitted(ws.root)
        found += _deleted_ledgers(ws, set(run.held), chosen)
        found += future_records(ws)
        problems += found + lost_heads(saved, run.held, explained_by(found), run.pinned)
    finally:
        objects.close()
    result = Verification(problems, _summaries(ws, verified, problems), True, run.unverified, chosen.since,
                          chosen.note, run.records, run.fresh)
    if result.ok and commit is not None:
        remember(ws, saved, commit, run.tips)
    return result


def future_records(ws: Workspace) -> list[Problem]:
    """A ledger whose last record is dated after now (a computer whose clock ran ahead, or a forged record): a
    warning, since it also stops every later writer of that ledger (time only moves on along a chain)."""
    from shuangsuiji.clock import local_now
    from shuangsuiji.core.chain import last_line, strict_json
    from shuangsuiji.core.text import is_at, moment

    now = local_now()
    problems = []
    for ledger, files in sorted(ledger_files(str(ws.root / LEDGER_DIR)).items()):
        if not files:
            continue
        path = files[-1][1]
        try:
            at = strict_json(last_line(path).decode("utf-8")).get("at")
        except (OSError, ValueError, AttributeError, UnicodeDecodeError):
            continue  # reported by the chain checks
        if is_at(at) and (moment(at) - now).total_seconds() > 600:
            rel = Path(path).relative_to(ws.root).as_posix()
            problems.append(Problem(rel, None, f"{ledger} 台账最后一条记录的时间 {at} 晚于现在（{now.isoformat(timespec='minutes')}）："
                                    "电脑时钟可能不准，或记录被伪造；在那个时间之前，这本台账不能再写入", "warning"))
    return problems


class _Pass:
    """One pass over every record in write order: re-derives this process's share (``part`` of ``of``) of what
    the checkpoint does not cover, and keeps what the git checks need. Part 0 also owns every cheap record."""

    def __init__(self, ws: Workspace, objects: GitObjects, chosen: Scope, part: int = 0, of: int = 1,
                 ancestors: set[str] | None = None) -> None:
        self.scope, self.part, self.of = chosen, part, of
        self.at_commit = AtCommit(ws, objects, ancestors)
        self.progress: Callable[[Entry], None] | None = None
        self.pins: set[tuple[str, int, str]] = set()
        self.pinned: set[tuple[str, int, str]] = set()
        self.held: dict[str, dict[int, str]] = {}
        self.tips: dict[str, Place] = {}
        #: problems the record checks found in this part's records, and the at-commit ones by write position
        self.core: list[tuple[str, int | None, str]] = []
        self.found: list[tuple[int, Problem]] = []
        self.records = self.fresh = self.costly = self._core = 0
        self.mine = self.trusted = True

    def rederive(self, entry: Entry) -> bool:
        """Called before each record is checked: False to absorb it (covered, or another part's share)."""
        self.trusted = self.scope.trusts(entry)
        costly = entry.record.get("type") in COSTLY_TYPES and not self.trusted
        if costly:
            self.mine = self.costly % self.of == self.part
            self.costly += 1
        else:
            self.mine = self.part == 0
        return not self.trusted and (self.mine or not costly)

    def __call__(self, entry: Entry, checker: RecordChecker) -> None:
        self.records += 1
        self.fresh += not self.trusted
        if self.mine:
            self.core += checker.problems[self._core:]
        self._core = len(checker.problems)
        record = entry.record
        seq, digest = record.get("seq"), record.get("hash")
        if isinstance(seq, int) and not isinstance(seq, bool) and isinstance(digest, str):
            self.held.setdefault(entry.ledger, {})[seq] = digest
            self.tips[entry.ledger] = place_of(entry)
        heads = record.get("heads")
        for ledger, head in (heads.items() if isinstance(heads, dict) and self.pins else ()):
            if isinstance(head, dict) and (ledger, head.get("seq"), head.get("hash")) in self.pins:
                self.pinned.add((ledger, head["seq"], head["hash"]))
        before = len(self.at_commit.problems)
        self.at_commit(entry, checker, self.mine and (not self.trusted or record.get("dirty") is True))
        self.found += [(self.records, p) for p in self.at_commit.problems[before:]]
        if self.progress is not None:
            self.progress(entry)

    @property
    def unverified(self) -> int:
        return self.at_commit.unverified

    def at_commit_found(self) -> list[Problem]:
        return [problem for _, problem in sorted(self.found, key=lambda found: found[0])]


def _records(ws: Workspace, objects: GitObjects, chosen: Scope, jobs: int, progress: Callable[[Entry], None] | None,
             saved: checkpoint.Checkpoint, ancestors: set[str]) -> tuple[_Pass, Verified]:
    """Every record checked, in ``jobs`` processes when that pays. Should any record fail its checks, the
    whole pass is made again in one process, so the problems found are exactly those of ``jobs`` 1."""
    folder = str(ws.root / LEDGER_DIR)
    if jobs > 1 and _worth_splitting(folder, chosen, jobs):
        try:
            with ProcessPoolExecutor(jobs - 1, mp_context=get_context("spawn")) as pool:
                shares = [pool.submit(_share, str(ws.root), chosen, part, jobs) for part in range(1, jobs)]
                run = _Pass(ws, objects, chosen, 0, jobs, ancestors)
                run.progress, run.pins = progress, remembered(saved)
                verified = verify_ledgers(folder, on_record=run, rederive=run.rederive)
                results = [share.result() for share in shares]
        except (OSError, BrokenProcessPool):
            results = []
        if results and not run.core and all(not core and tips == run.tips for core, _, _, tips in results):
            for _, found, unverified, _ in results:
                run.found += found
                run.at_commit.unverified += unverified
            return run, verified
    run = _Pass(ws, objects, chosen, ancestors=ancestors)
    run.progress, run.pins = progress, remembered(saved)
    return run, verify_ledgers(folder, on_record=run, rederive=run.rederive)


def _share(root: str, chosen: Scope, part: int, of: int) -> tuple[list, list, int, dict[str, Place]]:
    """One other process's part of a pass (see :func:`_records`)."""
    ws = Workspace(Path(root))
    objects = GitObjects(ws.root)
    try:
        run = _Pass(ws, objects, chosen, part, of)
        verify_ledgers(str(ws.root / LEDGER_DIR), on_record=run, rederive=run.rederive)
    finally:
        objects.close()
    return run.core, run.found, run.unverified, run.tips


def _worth_splitting(folder: str, chosen: Scope, jobs: int) -> bool:
    """Other processes pay off only for more than a few records to re-derive (each reads every record)."""
    if not chosen.trusted:
        return True
    new = 0
    for ledger, files in ledger_files(folder).items():
        try:
            last = tip(files)
        except (ValueError, KeyError, TypeError):
            return True
        new += (last[0] - chosen.trusted.get(ledger, -1)) if last else 0
    return new >= 2 * jobs


def _problems(ws: Workspace, found: list[tuple[str, int | None, str]]) -> list[Problem]:
    return [Problem(_relative(ws, path), line, message) for path, line, message in found]


def _relative(ws: Workspace, path: str) -> str:
    try:
        return Path(path).relative_to(ws.root).as_posix()
    except ValueError:
        return path


def _summaries(ws: Workspace, verified: Verified, problems: list[Problem] | None = None) -> list[LedgerSummary]:
    found = problems if problems is not None else _problems(ws, verified.problems)
    rows = []
    for ledger, kinds in sorted(verified.counts.items()):
        prefix = f"{LEDGER_DIR}/{ledger}/"
        errors = sum(1 for p in found if p.path.startswith(prefix) and p.severity == "error")
        rows.append(LedgerSummary(prefix.rstrip("/"), sum(kinds.values()), Counter(kinds), errors))
    return rows


def _deleted_ledgers(ws: Workspace, present: set[str], chosen: Scope) -> list[Problem]:
    """A ledger that git once held and the working tree no longer has: deleting a whole ledger cannot hide it.
    A routine run reads only the history after its checkpoint, which names every ledger there was then."""
    ever = {p.split("/")[2] for p in gitops.paths_in_history(ws.root, LEDGER_DIR, chosen.since)
            if p.endswith(".jsonl") and p.count("/") == 3} | set(chosen.trusted)
    return [Problem(f"{LEDGER_DIR}/{ledger}", None, "整本台账已被删除（git 中有已提交的版本）") for ledger in sorted(ever - present)]
