"""``ssj verify-ledger``: every chain, every draw re-derived, and inside git an append-only history
whose draws match the data they were drawn from (SPEC §5)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import gitops, paths
from .eligibility import declared_conflicts, draw_population
from .errors import Problem
from .files import GitObjects, GitTree
from .kit import verify as kit
from .ledger import Record
from .loading import Dataset, load_dataset
from .ratio import format_ratio
from .workspace import Workspace


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

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def verify(ws: Workspace) -> Verification:
    """Check every ledger of the bureau; collects every problem instead of stopping at the first."""
    in_git = gitops.is_repository(ws.root)
    objects = GitObjects(ws.root) if in_git else None
    head = gitops.head(ws.root) if in_git else None
    committed = set(objects.tree(head, paths.LEDGER_DIR)) if objects and head else set()
    on_disk = {p.relative_to(ws.root).as_posix() for p in (ws.root / paths.LEDGER_DIR).glob("*.jsonl")}
    problems: list[Problem] = []
    summaries = []
    history = _History(ws, objects) if objects else None
    try:
        for rel in sorted(on_disk | committed):
            records, found = _chain(ws, rel) if rel in on_disk else ([], [Problem(rel, None, "台账文件已被删除（git 中有已提交的版本）")])
            if history is not None and head is not None:
                found += history.append_only(rel, head)
                found += history.inputs(rel, records)
            problems += found
            summaries.append(LedgerSummary(rel, len(records), Counter(str(r.get("type", "无法识别")) for r in records if r),
                                           sum(p.severity == "error" for p in found)))
    finally:
        if objects is not None:
            objects.close()
    return Verification(problems, summaries, in_git)


def _chain(ws: Workspace, rel: str) -> tuple[list[Record], list[Problem]]:
    records, problems = kit.check_ledger(str(ws.root / rel))
    return records, [Problem(rel, line, message) for line, message in problems]


class _History:
    """The checks that need git: append-only history and draws against the data at their commit."""

    def __init__(self, ws: Workspace, objects: GitObjects) -> None:
        self.ws = ws
        self.objects = objects
        self._datasets: dict[tuple[tuple[str, str], ...], Dataset] = {}

    def append_only(self, rel: str, head: str) -> list[Problem]:
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

    def inputs(self, rel: str, records: list[Record]) -> list[Problem]:
        """Each draw's inputs are the files at its commit, and they make exactly its population eligible."""
        problems = []
        for line, record in enumerate(records, 1):
            if not record or record.get("type") not in ("draw", "announce") or not record.get("commit"):
                continue
            try:
                messages = self._check_record(record)
            except (KeyError, TypeError, ValueError, AttributeError):
                messages = ["记录字段不全或格式不对，无法按当时的数据复核"]
            for message in messages:
                problems.append(Problem(rel, line, message, "warning" if message.startswith("注意") else "error"))
        return problems

    def _check_record(self, record: Record) -> list[str]:
        commit = str(record["commit"])
        if not gitops.commit_exists(self.ws.root, commit) or not gitops.is_ancestor(self.ws.root, commit):
            return [f"记录所依据的提交 {commit[:10]} 不在当前分支的 git 历史中"]
        if record.get("dirty"):
            # The files it read were never committed as they were: nothing in git to compare with.
            return ["注意：这次抽取基于未提交的数据文件（--allow-dirty），其名单无法用 git 中的文件复核"]
        tree = GitTree(self.objects, commit, "data", "plans")
        messages = _compare_inputs(tree, record.get("inputs", {})) if record["type"] == "draw" else []
        data = self._dataset(tree)
        if data.errors:
            return messages + [f"按提交 {commit[:10]} 时的数据无法复核：{data.errors[0]}"]
        return messages + _compare_population(data, record)

    def _dataset(self, tree: GitTree) -> Dataset:
        key = tuple(sorted((p, b) for p, b in tree.entries.items() if not p.startswith(paths.LEDGER_DIR + "/")))
        if key not in self._datasets:
            self._datasets[key] = load_dataset(tree)
        return self._datasets[key]


def _compare_inputs(tree: GitTree, inputs: dict[str, str]) -> list[str]:
    from .canonical import sha256_hex

    messages = []
    for path, digest in sorted(inputs.items()):
        content = tree.read(path)
        if content is None:
            messages.append(f"输入文件 {path} 在所依据的提交中不存在")
        elif sha256_hex(content) != digest:
            messages.append(f"输入文件 {path} 的 SHA-256 与所依据的提交中的文件不符")
    return messages


def _compare_population(data: Dataset, record: Record) -> list[str]:
    section = next((s for s in data.sections if s.id == record["section"]), None)
    if section is None:
        return [f"当时的数据中没有科室 {record['section']}"]
    day = dt.date.fromisoformat(record["date"])
    item = None
    if record.get("plan_item"):
        plan = data.plans.get(day.year)
        item = next((i for i, _ in plan.all_items() if i.id == record["plan_item"]), None) if plan else None
        if item is None:
            return [f"当时的 {day.year} 年计划中没有计划事项 {record['plan_item']}"]
    floor = Decimal(record["ratio"]) if record.get("ratio") else None
    strata, pool = draw_population(data, section, item, floor, day)
    if record["type"] == "announce":
        return _compare_announcement(record, strata, pool)
    expected = [(s.name, format_ratio(s.ratio), sorted(s.population)) for s in strata]
    recorded = [(s["name"], s["ratio"], s["population"]) for s in record["strata"]]
    messages = []
    if expected != recorded:
        messages.append("各层名单或比例与当时数据文件得出的不一致（分层、在营状态、黑名单或计划比例被改动）")
    if pool != record["inspectors"]["eligible"]:
        messages.append("符合条件的执法人员名单与当时数据文件得出的不一致")
    selected = {a["entity"] for a in record["assignments"]}
    conflicts = sorted((i, e) for i, e in declared_conflicts(data) if e in selected and i in set(pool))
    if conflicts != [(c["inspector"], c["entity"]) for c in record["conflicts"]]:
        messages.append("记录中的利害关系申报与当时 data/inspectors.yaml 中的申报不一致")
    return messages


def _compare_announcement(record: Record, strata: list[Any], pool: list[str]) -> list[str]:
    from .canonical import digest, id_list_digest

    messages = []
    if id_list_digest([i for s in strata for i in s.population]) != record["population_digest"]:
        messages.append("公告的检查对象名单摘要与当时数据文件得出的不一致")
    if id_list_digest(pool) != record["pool_digest"]:
        messages.append("公告的执法人员名单摘要与当时数据文件得出的不一致")
    if digest([[s.name, format_ratio(s.ratio), sorted(s.population)] for s in strata]) != record.get("strata_digest"):
        messages.append("公告的分层摘要与当时数据文件得出的不一致")
    return messages


def _first_difference(old: bytes, new: bytes) -> int:
    index = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    return old.count(b"\n", 0, index) + 1
