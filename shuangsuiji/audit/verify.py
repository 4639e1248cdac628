"""``ssj verify-ledger``: every chain, every draw re-derived, and inside git an append-only history
whose draws match the data they were drawn from, under an approved plan (SPEC §5, 第七、十二、十六条)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from shuangsuiji import git as gitops
from shuangsuiji.audit.inputs import compare_inputs, compare_population
from shuangsuiji.core.canonical import sha256_hex
from shuangsuiji.core.records import check_ledger
from shuangsuiji.errors import Problem, Severity
from shuangsuiji.ledger.queries import draws_used
from shuangsuiji.ledger.store import Record
from shuangsuiji.plan.digest import annual_plan_digest, temporary_plan_digest
from shuangsuiji.plan.rules import plan_label
from shuangsuiji.registry.loading import Dataset, load_dataset
from shuangsuiji.registry.sources import GitObjects, GitTree
from shuangsuiji.workspace import BUREAU_LEDGER, LEDGER_DIR, Workspace

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


def verify(ws: Workspace) -> Verification:
    """Check every ledger of the bureau; collects every problem instead of stopping at the first."""
    in_git = gitops.is_repository(ws.root)
    objects = GitObjects(ws.root) if in_git else None
    try:
        return _verify(ws, objects)
    finally:
        if objects is not None:
            objects.close()


def _verify(ws: Workspace, objects: GitObjects | None) -> Verification:
    on_disk = {p.relative_to(ws.root).as_posix() for p in (ws.root / LEDGER_DIR).glob("*.jsonl")}
    chains = {rel: _chain(ws, rel) for rel in sorted(on_disk)}
    problems: list[Problem] = []
    summaries = []
    if objects is None:
        for rel, (chained, chain_problems) in chains.items():
            problems += chain_problems
            summaries.append(_summary(rel, chained, chain_problems))
        return Verification(problems, summaries, False)
    approvals = [r for r in chains.get(BUREAU_LEDGER, ([], []))[0] if r and r.get("type") == "plan_approval"]
    head = gitops.head(ws.root)
    history = _History(ws, objects, head, approvals)
    # every ledger file git ever held, so that deleting a whole section's ledger cannot hide it (H5)
    ever = {p for p in gitops.paths_in_history(ws.root, LEDGER_DIR) if p.endswith(".jsonl")}
    committed = {p for p in objects.tree(head, LEDGER_DIR) if p.endswith(".jsonl")} if head else set()
    lost = history.lost_records()
    pushed = history.upstream()
    for rel in sorted(on_disk | ever | committed | set(lost) | set(pushed)):
        records: list[Record] = []
        found: list[Problem] = []
        if rel in chains:
            records, found = chains[rel]
        elif rel in ever or rel in committed:
            found = [Problem(rel, None, "台账文件已被删除（git 中有已提交的版本）")]
        if rel in chains or rel in ever or rel in committed:
            found += history.append_only(rel)
            found += history.inputs(rel, records)
        found += lost.get(rel, []) + pushed.get(rel, [])
        problems += found
        summaries.append(_summary(rel, records, found))
    return Verification(problems, summaries, True, history.unverified)


def _summary(rel: str, records: list[Record], found: list[Problem]) -> LedgerSummary:
    return LedgerSummary(rel, len(records), Counter(str(r.get("type", "无法识别")) for r in records if r),
                         sum(p.severity == "error" for p in found))


def _chain(ws: Workspace, rel: str) -> tuple[list[Record], list[Problem]]:
    records, problems = check_ledger(str(ws.root / rel))
    return records, [Problem(rel, line, message) for line, message in problems]


Finding = tuple[str, Severity]


class _History:
    """The checks that need git: append-only history and draws against the data at their commit."""

    def __init__(self, ws: Workspace, objects: GitObjects, head: str | None, approvals: list[Record]) -> None:
        self.ws = ws
        self.objects = objects
        self.head = head
        self.approvals = approvals
        self.unverified = 0
        self._datasets: dict[tuple[tuple[str, str], ...], Dataset] = {}
        self._sha256: dict[str, str] = {}

    def _at_head(self, rel: str) -> bytes:
        if self.head is None:
            return b""
        blob = self.objects.tree(self.head, rel).get(rel)
        return self.objects.blob(blob) if blob else b""

    def append_only(self, rel: str) -> list[Problem]:
        """Each committed version is a byte-prefix of the next; the working tree equals HEAD's version."""
        problems = []
        previous: bytes = b""
        last_commit = None
        for commit in gitops.history(self.ws.root, rel):
            blob = self.objects.tree(commit, rel).get(rel)
            current = self.objects.blob(blob) if blob else b""
            if not current.startswith(previous):
                line = _first_difference(previous, current)
                problems.append(Problem(rel, line, f"提交 {commit[:10]} 改写了此前已提交的台账（第 {line} 行起不同）：历史被改写"))
            previous, last_commit = current, commit
        working = (self.ws.root / rel).read_bytes() if (self.ws.root / rel).exists() else b""
        if last_commit is None:
            if working:
                problems.append(Problem(rel, 1, "整个台账文件尚未提交到 git（未锚定）：请 git add 并提交"))
        elif working != previous:
            problems.append(self._unanchored(rel, previous, working))
        return problems

    @staticmethod
    def _unanchored(rel: str, committed: bytes, working: bytes) -> Problem:
        if working.startswith(committed):
            first = committed.count(b"\n") + 1
            count = working[len(committed):].count(b"\n")
            if count == 0:
                return Problem(rel, first, "末尾有尚未提交到 git 的不完整内容")
            return Problem(rel, first, f"第 {first} 行起的 {count} 条记录尚未提交到 git（未锚定）：请提交该文件")
        line = _first_difference(committed, working)
        return Problem(rel, line, f"与 git 中最后提交的版本不同（第 {line} 行起），已提交的记录被改动")

    def lost_records(self) -> dict[str, list[Problem]]:
        """Ledger commits the reflog still knows but HEAD's history no longer holds (a reset and a redraw).

        A lost commit whose ledger content is still a prefix of HEAD's (an amended message, a rebase that
        kept every record) hides nothing and is not reported.
        """
        found: dict[str, list[Problem]] = {}
        for commit, subject, changed in gitops.lost_commits(self.ws.root, LEDGER_DIR):
            for rel in changed:
                if not rel.endswith(".jsonl"):
                    continue
                blob = self.objects.tree(commit, rel).get(rel)
                content = self.objects.blob(blob) if blob else b""
                current = self._at_head(rel)
                if current.startswith(content):
                    continue
                line = _first_difference(content, current)
                found.setdefault(rel, []).append(Problem(
                    rel, line, f"已不在当前历史中的台账提交：可能被 reset 后重新抽取（提交 {commit[:10]}“{subject}”中"
                    f"第 {line} 行起的记录不在当前台账里；git reflog 可查）", "warning"))
        return found

    def upstream(self) -> dict[str, list[Problem]]:
        """Every ledger already pushed (at HEAD's upstream) must be a byte-prefix of HEAD's."""
        tracked = gitops.upstream(self.ws.root)
        if tracked is None or self.head is None:
            return {}
        name, commit = tracked
        found: dict[str, list[Problem]] = {}
        for rel, blob in sorted(self.objects.tree(commit, LEDGER_DIR).items()):
            if not rel.endswith(".jsonl"):
                continue
            pushed = self.objects.blob(blob)
            local = self._at_head(rel)
            if local.startswith(pushed):
                continue
            if pushed.startswith(local):
                count = pushed[len(local):].count(b"\n")
                problem = Problem(rel, local.count(b"\n") + 1, f"上游 {name} 中的这个台账比本地多 {count} 条记录：请先 git pull 再核验",
                                  "warning")
            else:
                line = _first_difference(pushed, local)
                problem = Problem(rel, line, f"与已推送到上游 {name} 的版本不同（第 {line} 行起）：已推送的台账记录在本地被改写或删除"
                                  "（可能被 reset 后重新抽取）")
            found.setdefault(rel, []).append(problem)
        return found

    def inputs(self, rel: str, records: list[Record]) -> list[Problem]:
        """Each draw's inputs are the files at its commit, and they make exactly its population eligible."""
        problems = []
        for index, record in enumerate(records):
            if not record or record.get("type") not in ("draw", "announce"):
                continue
            try:
                findings = self._check_record(record, records[:index])
            except (KeyError, TypeError, ValueError, AttributeError, StopIteration):
                findings = [("记录字段不全或格式不对，无法按当时的数据复核", "error")]
            problems += [Problem(rel, index + 1, message, severity) for message, severity in findings]
        return problems

    def _check_record(self, record: Record, earlier: list[Record]) -> list[Finding]:
        kind = "抽取" if record["type"] == "draw" else "公告"
        commit = record.get("commit")
        if not commit:
            return [(f"这条{kind}记录没有所依据的 git 提交（commit 为 null）：在 git 仓库中{kind}必须记录提交，否则无法按当时的数据复核",
                     "error")]
        commit = str(commit)
        if not gitops.commit_exists(self.ws.root, commit) or not gitops.is_ancestor(self.ws.root, commit):
            return [(f"记录所依据的提交 {commit[:10]} 不在当前分支的 git 历史中", "error")]
        notes: list[Finding] = []
        messages: list[str] = []
        if record.get("dirty"):
            match = self._matching_commit(record, commit)
            if match is None:
                self.unverified += 1
                return [("这次抽取基于未提交的数据文件（--allow-dirty），它读取的那一版数据从未提交到 git："
                         "抽取名单是否与当时的数据一致，无法复核", "warning")]
            where = "所依据的提交" if match == commit else "之后的提交"
            notes.append((f"这次抽取基于未提交的数据文件（--allow-dirty）；它读取的文件与{where} {match[:10]} 中的完全一致，"
                          "已按该提交的数据复核", "warning"))
            tree = GitTree(self.objects, match, "data", "plans")
            tree.entries = {p: b for p, b in tree.entries.items() if p in record["inputs"]}  # exactly what it read
            commit = match
        else:
            tree = GitTree(self.objects, commit, "data", "plans")
            if record["type"] == "draw":
                messages += compare_inputs(tree, record.get("inputs", {}))
        data = self._dataset(tree)
        if data.errors:
            return notes + [(m, "error") for m in [*messages, f"按提交 {commit[:10]} 时的数据无法复核：{data.errors[0]}"]]
        if not record.get("plan_item"):
            messages.append(f"{kind}没有注明计划事项（plan_item 为 null）：第七条规定只能按经审批的年度计划或临时计划抽取")
        else:
            messages += compare_population(data, record)
            if record["type"] == "draw":
                messages += self._check_plan(data, record, earlier)
        return notes + [(m, "error") for m in messages]

    def _matching_commit(self, record: Record, commit: str) -> str | None:
        """The first commit, from the record's own on along HEAD's first-parent line, holding every file it read."""
        inputs = record.get("inputs")
        if not isinstance(inputs, dict) or not inputs:
            return None
        for candidate in [commit, *gitops.first_parent_after(self.ws.root, commit, "data", "plans")]:
            tree = GitTree(self.objects, candidate, "data", "plans")
            if all(self._digest_of(tree.entries.get(path)) == digest for path, digest in inputs.items()):
                return candidate
        return None

    def _digest_of(self, blob: str | None) -> str | None:
        if blob is None:
            return None
        if blob not in self._sha256:
            self._sha256[blob] = sha256_hex(self.objects.blob(blob))
        return self._sha256[blob]

    def _check_plan(self, data: Dataset, record: Record, earlier: list[Record]) -> list[str]:
        """第七、十二、十六条: an approved plan at the time of the draw, the item's window, its frequency."""
        day = dt.date.fromisoformat(record["date"])
        plan = data.plans.get(day.year)
        pair = next(((i, t) for i, t in plan.all_items() if i.id == record["plan_item"]), None) if plan else None
        if pair is None:
            return []  # compare_population has said that the item does not exist
        item, temporary = pair
        raw = data.raw_plans[day.year]
        if temporary is None:
            digest = annual_plan_digest(raw)
        else:
            digest = temporary_plan_digest(next(t for t in raw.get("temporary") or [] if t.get("id") == temporary.id))
        messages = []
        problem = self._approval_problem(day.year, temporary.id if temporary else None, digest, record)
        if problem:
            messages.append(problem)
        if not item.open_on(day):
            months = "、".join(f"{m}月" for m in item.open_months())
            messages.append(f"抽取日期 {day} 不在计划事项 {item.id} 的实施时间（{months}）内（第十二条）")
        count = draws_used(earlier, item.id, day.year) + 1
        if count > item.frequency:
            messages.append(f"计划事项 {item.id} 的 {day.year} 年频次为 {item.frequency} 次，这已是当年第 {count} 次有效抽取"
                            "（第十六条）：超出频次须报批临时检查计划")
        return messages

    def _approval_problem(self, year: int, temporary: str | None, digest: str, record: Record) -> str | None:
        """The plan's content must have been approved (a ``plan_approval`` with its digest) before the draw."""
        name = plan_label(year, temporary)
        at = _moment(record.get("at"))
        before = [r for r in self.approvals if r.get("year") == year and r.get("plan") == temporary
                  and at is not None and (moment := _moment(r.get("at"))) is not None and moment <= at]
        if any(r.get("digest") == digest for r in before):
            return None
        if not before:
            return (f"抽取所依据的{name}（摘要 {digest[:12]}…）在抽取时（{record.get('at')}）没有审批记录："
                    f"{BUREAU_LEDGER} 中没有此前的 plan_approval（第七条）")
        latest = before[-1]
        return (f"抽取所依据的{name}内容（摘要 {digest[:12]}…）在抽取前从未获审批（最近一次审批为 {latest.get('approved_on')}，"
                f"摘要 {str(latest.get('digest'))[:12]}…）：计划未经审批即被使用（第七条）")

    def _dataset(self, tree: GitTree) -> Dataset:
        key = tuple(sorted((p, b) for p, b in tree.entries.items() if not p.startswith(LEDGER_DIR + "/")))
        if key not in self._datasets:
            self._datasets[key] = load_dataset(tree)
        return self._datasets[key]


def _moment(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None



def _first_difference(old: bytes, new: bytes) -> int:
    index = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    return old.count(b"\n", 0, index) + 1
