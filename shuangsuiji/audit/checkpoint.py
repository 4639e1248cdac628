"""The checkpoint of ``ssj verify-ledger`` (SPEC §5, issue 10): what a routine run may take as verified, and the
heads this computer saw that the ledgers lost (issue 11).

A routine run trusts the records up to the checkpoint's heads only when every head is still the same record at
the same place of its file, the checkpoint's commit is still in HEAD's history and the same code checked them.
Those records are then not re-derived (only absorbed: see ``core.ledgers.absorb``) and git's history is read
from that commit on; everything else — chains, heads, list files, what git lost — is checked every time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from shuangsuiji.core.chain import Entry
from shuangsuiji.errors import Problem
from shuangsuiji.ledger.checkpoint import Checkpoint, Covered, Head, Place, code_digest, head_holds, update
from shuangsuiji.workspace import LEDGER_DIR, Workspace

WHERE = ".ssj/checkpoint.json"


@dataclass
class Scope:
    """What this run re-derives: everything (``since`` None), or what came after a checkpoint."""

    since: str | None = None
    trusted: dict[str, int] = field(default_factory=dict)
    #: why a checkpoint that exists was not used (shown to the user)
    note: str | None = None

    def trusts(self, entry: Entry) -> bool:
        """The record was verified by the run that wrote the checkpoint."""
        seq = entry.record.get("seq")
        return isinstance(seq, int) and not isinstance(seq, bool) and seq <= self.trusted.get(entry.ledger, -1)


def scope(ws: Workspace, saved: Checkpoint, full: bool, first_parents: set[str]) -> Scope:
    """The records this run may trust; a checkpoint that does not hold costs a full check, never a problem.
    Its commit must be on HEAD's first-parent line, the line along which the history is read."""
    covered = saved.verified
    if full:
        return Scope()
    if covered is None:
        return Scope(note=f"核验点文件 {WHERE} {saved.ignored}，已忽略：本次全部核验" if saved.ignored else None)
    if covered.code != code_digest():
        return Scope(note="ssj 的程序与上次核验时不同：本次全部核验")
    if covered.commit not in first_parents:
        return Scope(note=f"上次核验到的提交 {covered.commit[:10]} 已不在当前分支的历史主线上：本次全部核验")
    folder = ws.root / LEDGER_DIR
    for ledger, place in sorted(covered.heads.items()):
        if not head_holds(folder, ledger, place):
            return Scope(note=f"{WHERE} 记下的 {ledger}-{place.seq} 与台账中的记录不符：本次全部核验")
    return Scope(covered.commit, {ledger: place.seq for ledger, place in covered.heads.items()})


def lost_heads(saved: Checkpoint, held: dict[str, dict[int, str]], explained: set[str],
               pinned: set[tuple[str, int, str]]) -> list[Problem]:
    """Every head this computer saw must still be in its chain. Not reported again: a ledger whose loss another
    check already names (``explained``: its history, its upstream, uncommitted or deleted) and a head another
    ledger's record pins (``pinned``: the heads check names it)."""
    problems = []
    remembered = dict.fromkeys([*saved.lost, *saved.seen.items()])
    for ledger, head in remembered:
        chain = held.get(ledger, {})
        if chain.get(head.seq) == head.hash or ledger in explained or (ledger, *head) in pinned:
            continue
        now = "这个位置现在是另一条记录" if head.seq in chain else (
            f"台账现在只到 {ledger}-{max(chain)}" if chain else "台账现在没有任何记录")
        problems.append(Problem(f"{LEDGER_DIR}/{ledger}", None, (
            f"本机曾见到记录 {ledger}-{head.seq}（hash {head.hash[:12]}…，记在 {WHERE}），当前台账中已没有这条记录"
            f"（{now}）：记录在 reset、amend 或 rebase 后丢失，可能被重新抽取，git 中已查不到痕迹。"
            "请从其他克隆、远程仓库或备份中找回含有这条记录的提交")))
    return problems


def remembered(saved: Checkpoint) -> set[tuple[str, int, str]]:
    """(ledger, seq, hash) of every head the checkpoint remembers (to see which ones other records pin)."""
    return {(ledger, *head) for ledger, head in [*saved.lost, *saved.seen.items()]}


def explained_by(problems: list[Problem]) -> set[str]:
    """The ledgers that problems about git's history already name."""
    names = set()
    for problem in problems:
        parts = problem.path.split("/")
        if problem.severity == "error" and problem.path.startswith(LEDGER_DIR + "/") and len(parts) >= 3:
            names.add(parts[2])
    return names


def place_of(entry: Entry) -> Place:
    """Where a record's line lies, for the next run to find it."""
    record = entry.record
    return Place(record["seq"], record["hash"], os.path.basename(entry.path), entry.offset)


def remember(ws: Workspace, saved: Checkpoint, commit: str, tips: dict[str, Place]) -> bool:
    """After a clean run: the commit and heads it verified, and those heads as seen. A writer that changed the
    file meanwhile keeps what it wrote there (its heads are newer than this run's)."""
    def change(current: Checkpoint) -> None:
        if (current.seen, current.lost) == (saved.seen, saved.lost):
            current.seen = {ledger: Head(place.seq, place.hash) for ledger, place in tips.items()}
            current.lost = []
        current.verified = Covered(commit, code_digest(), dict(tips))
    return update(ws, change)
