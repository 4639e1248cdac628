"""``ssj verify-ledger``: every chain, every draw re-derived, and inside git an append-only history
whose draws match the data they were drawn from, under an approved plan (SPEC §5, 第七、十二、十六条)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from shuangsuiji import git as gitops
from shuangsuiji.audit import history
from shuangsuiji.audit.inputs import AtCommit
from shuangsuiji.core.chain import Entry
from shuangsuiji.core.ledgers import Verified, verify_ledgers
from shuangsuiji.core.records import RecordChecker
from shuangsuiji.errors import Problem
from shuangsuiji.registry.sources import GitObjects
from shuangsuiji.workspace import LEDGER_DIR, Workspace

#: What the summary line claims when every check held.
SCOPE_OUTSIDE_GIT = "哈希链、重算抽取与回避（不在 git 仓库中，未核验历史）"
SCOPE_IN_GIT = "哈希链、重算抽取与回避、git 历史只增不改、抽取与当时数据一致且在已审批的计划内"


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


def verify(ws: Workspace, progress: Callable[[Entry], None] | None = None) -> Verification:
    """Check every ledger of the bureau; collects every problem instead of stopping at the first."""
    in_git = gitops.is_repository(ws.root)
    folder = ws.root / LEDGER_DIR
    if not in_git:
        verified = verify_ledgers(str(folder), progress=progress)
        return Verification(_problems(ws, verified.problems), _summaries(ws, verified), False)
    objects = GitObjects(ws.root)
    try:
        at_commit = AtCommit(ws, objects)
        held: dict[str, dict[int, str]] = {}

        def each(entry: Entry, checker: RecordChecker) -> None:
            held.setdefault(entry.ledger, {})[entry.record.get("seq", -1)] = entry.record.get("hash", "")
            at_commit(entry, checker)
            if progress is not None:
                progress(entry)

        verified = verify_ledgers(str(folder), on_record=each)
        problems = _problems(ws, verified.problems) + at_commit.problems
        problems += history.append_only(ws.root)
        problems += history.lost_commits(ws.root, objects, held)
        problems += history.upstream(ws.root, objects)
        problems += history.uncommitted(ws.root)
        problems += _deleted_ledgers(ws, set(held))
    finally:
        objects.close()
    return Verification(problems, _summaries(ws, verified, problems), True, at_commit.unverified)


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


def _deleted_ledgers(ws: Workspace, present: set[str]) -> list[Problem]:
    """A ledger that git once held and the working tree no longer has: deleting a whole ledger cannot hide it."""
    ever = {p.split("/")[2] for p in gitops.paths_in_history(ws.root, LEDGER_DIR)
            if p.endswith(".jsonl") and p.count("/") == 3}
    return [Problem(f"{LEDGER_DIR}/{ledger}", None, "整本台账已被删除（git 中有已提交的版本）") for ledger in sorted(ever - present)]
