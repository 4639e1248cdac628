"""Each draw, failed draw and announcement against the bureau's files as they were at its commit (SPEC §5):
its inputs byte for byte, its strata, pool and conflicts as those files make them, and the plan rules of
第七、十二、十六条 — the approved plan, its window, its frequency, spacing, reserve, rest period, seed level."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from shuangsuiji import git as gitops
from shuangsuiji.core.canonical import sha256_hex
from shuangsuiji.core.chain import Entry
from shuangsuiji.core.evidence import EvidenceError, read_cited
from shuangsuiji.core.inspections import RESTING_STRATA, day_number, resting
from shuangsuiji.core.listed import ListedError, is_listed, read_listed
from shuangsuiji.core.lists import ListError
from shuangsuiji.core.ratio import format_ratio
from shuangsuiji.core.records import RecordChecker
from shuangsuiji.errors import Problem, Severity
from shuangsuiji.plan.checklist import checklist_digest
from shuangsuiji.plan.rules import PlanChoice, plan_digest
from shuangsuiji.registry.cache import ModelCache
from shuangsuiji.registry.eligibility import declared_conflicts, draw_population
from shuangsuiji.registry.loading import Dataset, load_dataset
from shuangsuiji.registry.sources import GitObjects, GitTree
from shuangsuiji.workspace import CHECKLIST, Workspace

Finding = tuple[str, Severity]
_SATISFIES = {"announced": {"announced"}, "witnessed": {"announced", "witnessed"}}


class AtCommit:
    """The checks that need the data at each record's commit; called for every record in write order."""

    def __init__(self, ws: Workspace, objects: GitObjects, ancestors: set[str] | None = None) -> None:
        self.ws = ws
        self.objects = objects
        self.cache = ModelCache(ws.state_dir / "cache")
        self.ancestors = ancestors if ancestors is not None else set(gitops.ancestors(ws.root))
        self.problems: list[Problem] = []
        self.unverified = 0
        self._datasets: dict[tuple, Dataset] = {}
        #: plan item → [(date, hash)] of the non-void draws so far
        self._draws: dict[str, list[tuple[str, str]]] = {}
        #: announcement hash → the companies its rest rule left out, judged against the log as it stood then
        self._announced_rest: dict[str, set[str]] = {}

    def __call__(self, entry: Entry, checker: RecordChecker, check: bool = True) -> None:
        """One record in write order; with ``check`` False (verified before, or another process's share) only what
        later records need of it is kept: the draws so far of each plan item."""
        record = entry.record
        kind = record.get("type")
        if kind == "void":
            for draws in self._draws.values():
                draws[:] = [d for d in draws if d[1] != record.get("draw")]
        if kind not in ("draw", "failed", "announce"):
            return
        if not check:
            if kind == "draw" and record.get("plan_item") and isinstance(record.get("date"), str):
                self._draws.setdefault(record["plan_item"], []).append((record["date"], record.get("hash", "")))
            return
        try:
            findings = self._check(record, checker)
        except (KeyError, TypeError, ValueError, AttributeError, ListError):
            findings = [("记录字段不全或格式不对，无法按当时的数据复核", "error")]
        rel = Path(entry.path).relative_to(self.ws.root).as_posix()
        self.problems += [Problem(rel, entry.line, message, severity) for message, severity in findings]
        if kind == "draw" and record.get("plan_item"):
            self._draws.setdefault(record["plan_item"], []).append((record["date"], record["hash"]))

    def _check(self, record: dict, checker: RecordChecker) -> list[Finding]:
        what = {"draw": "抽取", "failed": "抽取", "announce": "公告"}[record["type"]]
        commit = record.get("commit")
        if not commit:
            return [(f"这条{what}记录没有所依据的 git 提交（commit 为 null）：在 git 仓库中必须记录提交，否则无法按当时的数据复核", "error")]
        if commit not in self.ancestors:
            return [(f"记录所依据的提交 {str(commit)[:10]} 不在当前分支的 git 历史中", "error")]
        notes: list[Finding] = []
        if record.get("dirty"):
            match = self._matching_commit(record, commit)
            if match is None:
                self.unverified += 1
                return [("这次抽取基于未提交的数据文件（--allow-dirty），它读取的那一版数据从未提交到 git：名单是否与当时的数据一致，无法复核",
                         "warning")]
            notes.append((f"这次抽取基于未提交的数据文件（--allow-dirty）；它读取的文件与提交 {match[:10]} 中的完全一致，已按该提交的数据复核",
                          "warning"))
            tree = self._tree(match)
            tree.entries = {p: b for p, b in tree.entries.items() if p in record["inputs"]}
        else:
            tree = self._tree(commit)
        messages = _compare_inputs(tree, record.get("inputs", {})) if record["type"] != "announce" else []
        data = self._dataset(tree)
        if data.errors:
            return notes + [(m, "error") for m in [*messages, f"按提交 {str(commit)[:10]} 时的数据无法复核：{data.errors[0]}"]]
        messages += _checklist(data, record, commit)
        if not record.get("plan_item"):
            messages.append(f"{what}没有注明计划事项（plan_item 为 null）：第七条规定只能按经审批的年度计划或临时计划抽取")
        else:
            messages += self._compare(data, record, checker)
        return notes + [(m, "error") for m in messages]

    def _compare(self, data: Dataset, record: dict, checker: RecordChecker) -> list[str]:
        """Strata, pool, conflicts and the plan's rules, as the data at the commit make them."""
        section = data.section(record["section"])
        day = dt.date.fromisoformat(record["date"])
        plan = data.plans.get(day.year)
        pair = next(((i, t) for i, t in plan.all_items() if i.id == record["plan_item"]), None) if plan else None
        if section is None or pair is None or plan is None:
            return [f"当时的数据中没有科室 {record['section']} 或 {day.year} 年的计划事项 {record['plan_item']}"]
        item, temporary = pair
        floor = Decimal(record["ratio"]) if record.get("ratio") else None
        strata, pool = draw_population(data, section, item, floor, day)
        messages = []
        recorded = {s["name"]: (s["ratio"], set(checker.lists.get(s["population"]))) for s in record["strata"]}
        left_out: set = set()
        for stratum in strata:
            ratio, population = recorded.get(stratum.name, (None, set()))
            rests = stratum.name in RESTING_STRATA
            left_out |= set(stratum.population) - population if rests else set()
            if ratio != format_ratio(stratum.ratio) or not (population <= set(stratum.population) if rests
                                                             else population == set(stratum.population)):
                messages.append(f"第 {stratum.name} 层的名单或比例与当时数据文件得出的不一致（分层、在营状态、黑名单或计划比例被改动）")
                break
        messages += _rested(record, left_out, checker, self._announced_rest)
        if pool != record["inspectors"]["eligible"]:
            messages.append("符合条件的执法人员名单与当时数据文件得出的不一致")
        if plan_digest(data, PlanChoice(plan, item, temporary)) != record.get("plan_digest"):
            messages.append("记录的计划摘要（plan_digest）与当时的计划文件不符")
        messages += self._plan_rules(data, record, item, pool)
        if record["type"] in ("draw", "failed"):  # a failed attempt's reason is the conflicts it records
            messages += self._conflicts(data, record, pool)
        return messages

    def _plan_rules(self, data: Dataset, record: dict, item, pool: list[str]) -> list[str]:
        day = dt.date.fromisoformat(record["date"])
        messages = []
        if not item.open_on(day):
            months = "、".join(f"{m}月" for m in item.open_months())
            messages.append(f"抽取日期 {day} 不在计划事项 {item.id} 的实施时间（{months}）内（第十二条）")
        rest = item.rest_days if item.rest_days is not None else data.bureau.rest_days if data.bureau else 90
        if record["rest_days"] != rest:
            messages.append(f"休息期应为 {rest} 天（计划或 data/bureau.yaml），记录为 {record['rest_days']} 天")
        reserve = min(item.reserve, max(0, len(pool) - record["inspectors"]["team_size"]))
        if record["inspectors"]["reserve_size"] != reserve:
            messages.append(f"后备人数应为 {reserve}（计划事项的 reserve 为 {item.reserve}），记录为 {record['inspectors']['reserve_size']}")
        if record["type"] == "announce":
            return messages
        if item.seed is not None and record["fairness"] not in _SATISFIES[item.seed]:
            messages.append(f"计划事项 {item.id} 要求公平性等级不低于 {item.seed}，这次抽取为 {record['fairness']}")
        if record["type"] == "draw":
            earlier = [d for d, _ in self._draws.get(item.id, []) if d.startswith(f"{day.year}-")]
            if len(earlier) + 1 > item.frequency:
                messages.append(f"计划事项 {item.id} 的 {day.year} 年频次为 {item.frequency} 次，这已是当年第 {len(earlier) + 1} 次有效抽取"
                                "（第十六条）：超出频次须报批临时检查计划")
            close = [d for d, _ in self._draws.get(item.id, [])
                     if 0 <= (day - dt.date.fromisoformat(d)).days < item.min_interval_days]
            if close and not record.get("again"):
                messages.append(f"距上次抽取（{max(close)}）不足 {item.min_interval_days} 天，却没有写明再次抽取的原因（--again --reason）")
        return messages

    def _conflicts(self, data: Dataset, record: dict, pool: list[str]) -> list[str]:
        selected = {e for s in record["strata"] for e in s["selected"]}
        conflicts = sorted((i, e) for i, e in declared_conflicts(data) if e in selected and i in set(pool))
        if conflicts != [(c["inspector"], c["entity"]) for c in record["conflicts"]]:
            return ["记录中的利害关系申报与当时 data/inspectors.yaml 中的申报不一致"]
        return []

    def _tree(self, commit: str) -> GitTree:
        return GitTree(self.objects, commit, "data", "plans", skip=("data/ledger",))

    def _dataset(self, tree: GitTree) -> Dataset:
        key = tuple(sorted(tree.entries.items()))
        if key not in self._datasets:
            if len(self._datasets) >= 2:
                self._datasets.pop(next(iter(self._datasets)))
            self._datasets[key] = load_dataset(tree, self.cache)
        return self._datasets[key]

    def _matching_commit(self, record: dict, commit: str) -> str | None:
        """The first commit, from the record's own on along HEAD's first-parent line, holding every file it read."""
        inputs = record.get("inputs")
        if not isinstance(inputs, dict) or not inputs:
            return None
        for candidate in [commit, *gitops.first_parent_after(self.ws.root, commit, "data", "plans")]:
            tree = self._tree(candidate)
            if all(tree.read(path) is not None and sha256_hex(tree.read(path) or b"") == digest
                   for path, digest in inputs.items()):
                return candidate
        return None


def _checklist(data: Dataset, record: dict, commit: str) -> list[str]:
    """第八、十条: the 清单 a record pins is data/checklist.yaml as committed with it (null: made before any approval)."""
    pinned = record.get("checklist")
    if pinned is None or pinned == checklist_digest(data.checklist):
        return []
    return [f"记录的清单摘要（checklist {str(pinned)[:12]}…）与提交 {str(commit)[:10]} 中的 {CHECKLIST} 不符"
            f"（该提交中清单的摘要为 {checklist_digest(data.checklist)[:12]}…）：记录所用的不是当时提交的清单"]


def _compare_inputs(tree: GitTree, inputs: dict[str, str]) -> list[str]:
    """Each input file's SHA-256 against the file at the record's commit."""
    messages = []
    for path, recorded in sorted(inputs.items()):
        content = tree.read(path)
        if content is None:
            messages.append(f"输入文件 {path} 在所依据的提交中不存在")
        elif sha256_hex(content) != recorded:
            messages.append(f"输入文件 {path} 的 SHA-256 与所依据的提交中的文件不符")
    return messages


def _rested(record: dict, left_out: set, checker: RecordChecker, announced: dict[str, set[str]]) -> list[str]:
    """The companies missing from the resting strata are exactly the ones the rest rule left out: each inspected
    within ``rest_days`` before the date (the log, as the chain check keeps it, shows it), and ``rested.count``
    says how many (第十六条). That ``rested`` cites the right records is the chain check's. An announced draw is
    judged by its announcement's rest (``announced``: what was found then; a later void does not change it)."""
    if record["type"] == "announce":
        announced[record["hash"]] = set(left_out)
    elif record.get("fairness") == "announced":
        rested_then = announced.pop(record.get("announcement"), None)
        if rested_then is None:
            return []  # the announcement was verified in an earlier run; the chain check pins the draw to it
        unrested = sorted(left_out - rested_then)
        return [f"单位 {unrested[0]} 等 {len(unrested)} 家按当时数据应在风险层或一般层中，却不在名单里，"
                "公告时也不在休息期（不是休息期排除）"] if unrested else []
    try:
        if is_listed(record["rested"]):  # written before 2026-12-08: the companies listed must be the ones left out
            listed = set(read_listed(record["rested"], checker.lists.get, "rested"))
            return [] if listed == left_out else ["按休息期排除的单位与当时数据文件得出的不一致（应为风险层、一般层中不在名单里的那些）"]
        count = read_cited(record["rested"], "rested")[1]
    except (EvidenceError, ListedError):
        return []  # reported by the chain check
    unrested = sorted(left_out - resting(checker.log.of(left_out), day_number(record["date"]), record["rest_days"]))
    messages = []
    if unrested:
        messages.append(f"单位 {unrested[0]} 等 {len(unrested)} 家按当时数据应在风险层或一般层中，却不在名单里，"
                        f"且 {record['rest_days']} 天内没有被检查过（不是休息期排除）")
    if count != len(left_out):
        messages.append(f"rested.count 应为 {len(left_out)}（按当时数据，因休息期未进入风险层、一般层的单位数），记录为 {count}")
    return messages
