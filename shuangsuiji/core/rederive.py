"""Re-deriving a recorded draw (SPEC §4, §5) with the very functions that made it — strata, selections, teams,
reserve, rest, rotation and assignments — and checking a failed draw and an announcement the same way."""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

from shuangsuiji.core.announced import AnnouncementChecks, sorted_pairs
from shuangsuiji.core.chain import Entry
from shuangsuiji.core.checklist import ChecklistChecks
from shuangsuiji.core.draw import (
    MIN_TEAM_SIZE,
    DrawInput,
    Refused,
    Stratum,
    draw,
    select_strata,
    team_members,
)
from shuangsuiji.core.evidence import EvidenceError, read_cited
from shuangsuiji.core.fairness import FairnessChecks
from shuangsuiji.core.inspections import KEPT_DAYS, InspectionLog, day_number, selected_ids
from shuangsuiji.core.listed import ListedError, is_listed, listed_too_late, read_listed
from shuangsuiji.core.lists import ListError, ListFolder
from shuangsuiji.core.ratio import recorded_ratio
from shuangsuiji.core.text import is_at, is_date, is_hex64, is_int, show, show_ids
from shuangsuiji.core.words import STRATUM_NAMES

DRAW_FIELDS = (
    "section", "plan_item", "plan_digest", "checklist_item", "checklist", "date", "fairness", "seed", "seed_source",
    "announcement", "again", "ratio", "rest_days", "strata", "rested", "inspectors", "conflicts", "recent",
    "assignments", "rotation_ignored", "inputs", "commit", "dirty",
)
FAILED_FIELDS = tuple(f for f in DRAW_FIELDS if f not in ("assignments", "rotation_ignored")) + ("entity", "reason")


class Known(NamedTuple):
    """What later records need of an earlier one, and where to read it again."""

    ledger: str
    seq: int
    type: str
    path: str
    offset: int
    line: int


class Population(NamedTuple):
    """One stratum as recorded, with its list file read."""

    name: str
    ratio: object
    ids: list


class DrawChecks(FairnessChecks, AnnouncementChecks, ChecklistChecks):
    """The state every record check shares (what earlier records left), and the checks of ``draw``, ``failed``
    and ``announce`` records; :class:`~shuangsuiji.core.records.RecordChecker` adds the other record types."""

    def __init__(self, lists: ListFolder) -> None:
        self.lists = lists
        self.problems: list = []
        self.entry: Entry | None = None
        self.known: dict = {}  # hash -> Known
        self.pending: dict = {}  # hash of an announcement not yet drawn on -> the record
        self.announced_pairs: dict = {}  # hash of a pending announcement -> its rotation pairs, as of its writing
        self.announcement_used: dict = {}  # announce hash -> where the draw that used it is
        self.voided: dict = {}  # hash -> where its void is
        self.underivable: set = set()  # draws whose record could not be re-derived
        self.recusals: dict = {}  # (draw hash, entity) -> recusals so far
        self.documents: dict = {}  # document number -> where
        self.documented: set = set()  # hashes of draws with a document
        self.ordered: set = set()  # (draw hash, entity) with a 责令限期整改指令书
        self.series: dict = {}  # (number prefix, section part) -> (kind, ledger)
        self.approved_plans: set = set()
        self.checklist_approvals: list = []  # (bureau seq, digest, address) of each checklist approval so far
        self.spent: dict = {}  # (section, plan item) -> the announcement thrown away after its numbers were out
        self.published: dict = {}  # draw hash -> the publish record that put out a result of it
        self.pools_on: dict = {}  # date -> {inspector: the ledger whose pool held them that day}
        self.log = InspectionLog()
        self._teams_of: tuple = (None, {})

    # -- bookkeeping ---------------------------------------------------------------------------------

    def begin(self, entry: Entry) -> None:
        self.entry = entry

    def remember(self, entry: Entry) -> None:
        """Make the record known to later ones (by its hash)."""
        record = entry.record
        if is_hex64(record.get("hash")) and record["hash"] not in self.known:
            self.known[record["hash"]] = Known(entry.ledger, record.get("seq", -1), str(record.get("type")),
                                               entry.path, entry.offset, entry.line)

    @property
    def ledger(self) -> str:
        """The ledger of the record being checked."""
        assert self.entry is not None
        return self.entry.ledger

    def here(self) -> str:
        assert self.entry is not None
        return f"{self.ledger}-{self.entry.record.get('seq')}"

    def place(self, info: Known) -> str:
        return f"{info.ledger}-{info.seq}"

    def add(self, message: str) -> None:
        assert self.entry is not None
        self.problems.append((self.entry.path, self.entry.line, message))

    def require(self, record: dict, fields) -> bool:
        missing = [name for name in fields if name not in record]
        if missing:
            self.add("{} 记录缺少字段 {}".format(record.get("type"), "、".join(missing)))
        return not missing

    # -- draw and failed -------------------------------------------------------------------------------

    def on_draw(self, record: dict) -> None:
        if not self.require(record, DRAW_FIELDS):
            self.underivable.add(record.get("hash"))
            return
        outcome = self.rederive(record)
        if isinstance(outcome, Refused):
            self.add(f"{outcome}：这次抽取本不应成立")
        if outcome is None or isinstance(outcome, Refused):  # reported; whom it selected still counts for rest
            self.underivable.add(record.get("hash"))
            self.log.add(str(record.get("hash")), day_number(record["date"]) if is_date(record["date"]) else 0,
                         self._visits_as_recorded(record))
            return
        self.compare_outcome(record, outcome)
        teams = outcome.teams
        self.log.add(str(record.get("hash")), day_number(record["date"]),
                     [(e, tuple(teams[t])) for e, t in zip(outcome.order, outcome.assignments)])

    def on_failed(self, record: dict) -> None:
        if not self.require(record, FAILED_FIELDS):
            return
        if not isinstance(record["reason"], str) or not record["reason"].strip():
            self.add("失败的抽取必须写明原因（reason）")
        outcome = self.rederive(record)
        if outcome is None:
            return
        if not isinstance(outcome, Refused):
            self.add("按记录重新计算，这次抽取本可以成立：不应记为失败")
            return
        if outcome.entity != record["entity"]:
            self.add(f"抽取失败的原因是单位 {show(outcome.entity)}，记录为 {show(record['entity'])}")
        if outcome.partial is not None:  # what the seed gave before it failed is public evidence too
            self.compare_outcome(record, outcome.partial, complete=False)

    @staticmethod
    def _visits_as_recorded(record: dict) -> list:
        """When a draw cannot be re-derived, later rest checks still see whom it selected (nobody's team)."""
        return [(entity, ()) for entity in selected_ids(record) if isinstance(entity, str)]

    def rederive(self, record: dict):
        """The draw's outcome re-derived (a :class:`~shuangsuiji.core.draw.Drawn`, or the :class:`Refused`
        the rules give), or None when the record is too malformed to re-derive."""
        if not self.draw_fields(record):
            return None
        strata = self.populations(record["strata"], record["ratio"], with_selection=True)
        pool = self.pool(record["inspectors"], full=True)
        if strata is None or pool is None:
            return None
        self.remember_pool(record["date"], pool[0])
        announce = self.announcement_of(record)
        self.check_seed(record, announce)
        self.check_draw_date(record)
        conflicts = self.pair_list(record["conflicts"], "conflicts")
        found = self.cited_of(record["recent"], "recent")
        if conflicts is None or found is None:
            return None
        stratified = [Stratum(p.name, p.ratio, p.ids) for p in strata]
        selected = select_strata(stratified, record["seed"])
        records: set = set()
        if announce is not None:  # re-derived from what the announcement fixed, not from what the draw says
            conflicts, known = self.compare_with_announcement(record, announce, strata, pool)
        else:
            self.check_rest(record, strata)
            try:
                members = team_members(pool[0], record["seed"], pool[1], len(selected[1]), pool[2])
            except Refused:
                members = []  # no team at all: the draw below is refused the same way
            known, records = self.rotation_of(record, selected[1], members)
        spec = DrawInput(record["seed"], stratified, pool[0], pool[1], pool[2], frozenset(conflicts), frozenset(known))
        try:
            outcome = draw(spec, selected)
        except Refused as refusal:
            if record["type"] == "failed" and refusal.partial is not None:
                self.check_recent(record, refusal.partial, found, announce, known, records)
            return refusal
        self.check_recent(record, outcome, found, announce, known, records)
        return outcome

    def check_recent(self, record: dict, outcome, found, announce, known: set, records: set) -> None:
        """Rotation against the log, or for an announced draw against what its announcement fixed: the same
        records cited, and the announced pairs between its team members and selected companies counted."""
        if isinstance(found, dict):  # listed, as written before 2026-12-08
            self.check_rotation_listed(record, outcome, found, known if announce is not None else None)
            return
        if announce is None:
            self.check_rotation(found, known, records)
            return
        announced = announce["recent"]
        if found[0] != (announced.get("records") if isinstance(announced, dict) else None):
            self.add("近一年检查关系（recent）引用的记录应与公告的相同：按公告抽取的轮换以公告时的台账为准")
        if found[1] != len(outcome.recent):
            self.add(f"recent.count 应为 {len(outcome.recent)}（公告所列关系中本次检查组成员与被抽中企业之间的那些），"
                     f"记录为 {found[1]}")

    def check_draw_date(self, record: dict) -> None:
        """A draw is made on its date (ssj never back-dates one); an announced one on or after the date its
        announcement named (the lag is checked with the seed)."""
        at, day = record.get("at"), record["date"]
        if not is_at(at):
            return
        if record["fairness"] == "announced":
            if at[:10] < day:
                self.add(f"抽取时间 {at} 早于公告的抽取日期 {day}：不能提前按公告抽取")
        elif at[:10] != day:
            self.add(f"抽取日期 {day} 与记录时间 {at} 不是同一天：抽取只能当天进行，不得补录或倒签（第十五条）")

    def remember_pool(self, day: str, eligible: list) -> None:
        """Which ledger's pool held each inspector on a day: a recusal that borrows from another section must
        borrow that section's people (the last :data:`KEPT_DAYS` days are kept, so memory stays bounded)."""
        if day not in self.pools_on:
            self.pools_on[day] = {}
            newest = max(day_number(d) for d in self.pools_on)
            for old in [d for d in self.pools_on if day_number(d) < newest - KEPT_DAYS]:
                del self.pools_on[old]
        on = self.pools_on[day]
        for inspector in eligible:
            on.setdefault(inspector, self.ledger)

    def draw_fields(self, record: dict) -> bool:
        ok = True
        for name in ("plan_item", "checklist_item", "again"):
            if record[name] is not None and not (isinstance(record[name], str) and record[name].strip()):
                self.add(f"{name} 应为非空字符串或 null")
        for name in ("checklist", "plan_digest"):
            if record[name] is not None and not is_hex64(record[name]):
                self.add(f"{name} 应为 64 位十六进制摘要或 null")
        if is_hex64(record["plan_digest"]) and record["plan_digest"] not in self.approved_plans:
            self.add("抽取所依据的计划内容（plan_digest）在此之前没有审批记录（第七条）")
        self.check_checklist(record)
        if not is_date(record["date"]):
            self.add("date 不是有效日期（YYYY-MM-DD）：{}".format(show(record["date"])))
            ok = False
        if not is_int(record["rest_days"]) or record["rest_days"] < 0:
            self.add("rest_days 应为不小于 0 的整数")
            ok = False
        if not isinstance(record["seed_source"], str):
            self.add("seed_source 应为字符串")
        inputs = record["inputs"]
        if not isinstance(inputs, dict) or not all(is_hex64(value) for value in inputs.values()):
            self.add("inputs 应为 {文件路径: SHA-256} 对象")
        if record["commit"] is not None and not isinstance(record["commit"], str):
            self.add("commit 应为字符串或 null")
        if not isinstance(record["dirty"], bool):
            self.add("dirty 应为 true 或 false")
        seed = record["seed"]
        if not isinstance(seed, str) or not seed:
            self.add("seed 应为非空字符串")
            return False
        if seed != unicodedata.normalize("NFC", seed.strip()):
            self.add("seed 未去掉首尾空白或不是 NFC 形式（记录的应是实际使用的种子）")
        return ok

    def populations(self, strata, floor_text, with_selection: bool):
        """The recorded strata with their list files read and checked; None when they cannot be."""
        floor = None
        if floor_text is not None:
            try:
                floor = recorded_ratio(floor_text)
            except ValueError as error:
                self.add(f"ratio：{error}")
        if not isinstance(strata, list) or not strata:
            self.add("strata 应为非空列表")
            return None
        fields = ("name", "ratio", "population", "count") + (("k", "selected") if with_selection else ())
        found: list = []
        seen: dict = {}
        ok = True
        for number, stratum in enumerate(strata, 1):
            label = f"第 {number} 层"
            if not isinstance(stratum, dict) or not all(name in stratum for name in fields):
                self.add(f"{label} 应含 {'、'.join(fields)}")
                ok = False
                continue
            label = f"第 {number} 层（{stratum['name']}）"
            if stratum["name"] not in STRATUM_NAMES or any(p.name == stratum["name"] for p in found):
                self.add("{}：层名应为 {} 之一且不重复".format(label, "、".join(STRATUM_NAMES)))
            try:
                ratio = recorded_ratio(stratum["ratio"])
                ids = self.lists.get(stratum["population"])
            except (ValueError, ListError) as error:
                self.add(f"{label}：{error}")
                ok = False
                continue
            if floor is not None and ratio < floor:
                self.add("{}：比例 {} 低于本次抽取的比例下限 {}".format(label, stratum["ratio"], floor_text))
            if stratum["count"] != len(ids) or not is_int(stratum["count"]):
                self.add(f"{label}：count 应为名单中的 {len(ids)} 家，记录为 {show(stratum['count'])}")
            for entity in ids:
                if entity in seen:
                    self.add(f"{label}：企业 {entity} 同时出现在{seen[entity]}，一家企业只能属于一层")
                    ok = False
                    break
                seen[entity] = label
            found.append(Population(stratum["name"], ratio, ids))
        return found if ok else None

    def pool(self, inspectors, full: bool):
        """(eligible, team size, reserve size) as recorded, once their shape holds; None otherwise."""
        fields = ("eligible", "team_size", "reserve_size") + (("teams", "reserve") if full else ())
        if not isinstance(inspectors, dict) or not all(name in inspectors for name in fields):
            self.add(f"inspectors 应含 {'、'.join(fields)}")
            return None
        eligible, size, reserve = inspectors["eligible"], inspectors["team_size"], inspectors["reserve_size"]
        if not isinstance(eligible, list) or not all(isinstance(item, str) for item in eligible):
            self.add("inspectors.eligible 应为检查人员编号（字符串）列表")
            return None
        if len(set(eligible)) != len(eligible):
            self.add("inspectors.eligible 中有重复的检查人员")
            return None
        if eligible != sorted(eligible):
            self.add("inspectors.eligible 应按编号排序")
        if not is_int(size) or size < MIN_TEAM_SIZE:
            self.add(f"team_size 应为不小于 {MIN_TEAM_SIZE} 的整数（第十八条：每组至少 {MIN_TEAM_SIZE} 名检查人员）")
            return None
        if not is_int(reserve) or reserve < 0 or reserve > max(0, len(eligible) - size):
            self.add(f"reserve_size 应为 0 到 {max(0, len(eligible) - size)} 之间的整数（后备人员不能使本科室组不成一组）")
            return None
        return eligible, size, reserve

    def pair_list(self, entries, name: str):
        if not isinstance(entries, list) or not all(
                isinstance(e, dict) and set(e) == {"inspector", "entity"} and all(isinstance(v, str) for v in e.values())
                for e in entries):
            self.add(f"{name} 应为 {{inspector, entity}} 列表")
            return None
        pairs = sorted_pairs(entries)
        if [(e["inspector"], e["entity"]) for e in entries] != pairs or len(set(pairs)) != len(pairs):
            self.add(f"{name} 未按检查人员、企业排序或有重复")
        return pairs

    def cited_of(self, field, name: str):
        """``(record hashes, count)`` of a ``rested`` or ``recent`` field — or, for a record written before
        2026-12-08, the ``{company or pair: by}`` it lists (:mod:`~shuangsuiji.core.listed`) — every record
        named written before this one; None (with the problem reported) when malformed."""
        assert self.entry is not None
        if is_listed(field) and listed_too_late(self.entry.record.get("at")):
            self.add(f"{name} 是 2026-12-08 之前的写法（逐家列出）：此后写入的记录应引用记录，写成 {{records: [记录 hash…], count: 数量}}")
            return None
        try:
            found = read_listed(field, self.lists.get, name) if is_listed(field) else read_cited(field, name)
        except ListError as error:
            self.add(f"{name}：{error}")
            return None
        except (EvidenceError, ListedError) as error:
            self.add(str(error))
            return None
        named = found.values() if isinstance(found, dict) else found[0]
        unknown = next((r for r in named if r not in self.known), None)
        if unknown is not None:
            self.add(f"{name} 引用的记录 {show(unknown, 20)} 不在此前的台账中")
            return None
        return found

    def compare_outcome(self, record: dict, outcome, complete: bool = True) -> None:
        """The record says what re-deriving gives; a failed draw (not ``complete``) as far as it got."""
        for number, (stratum, (k, chosen)) in enumerate(zip(record["strata"], outcome.selections), 1):
            label = f"第 {number} 层（{stratum['name']}）"
            if stratum["k"] != k or not is_int(stratum["k"]):
                self.add(f"{label}：k 应为 {k}（⌈{stratum['ratio']} × {stratum['count']}⌉），记录为 {show(stratum['k'])}")
            self.compare_list(f"{label}：被抽中的企业", chosen, stratum["selected"])
        inspectors = record["inspectors"]
        for j in range(max(len(outcome.teams), len(inspectors["teams"]) if isinstance(inspectors["teams"], list) else 0)):
            want = outcome.teams[j] if j < len(outcome.teams) else None
            got = inspectors["teams"][j] if isinstance(inspectors["teams"], list) and j < len(inspectors["teams"]) else None
            if want != got:
                self.add(f"应有 {len(outcome.teams)} 个检查组" if want is None or got is None
                         else f"检查组 {j} 应为 {show_ids(want)}，记录为 {show(got)}")
                break
        if inspectors["reserve"] != outcome.reserve:
            self.add("后备人员（reserve）应为 {}，记录为 {}".format(show_ids(outcome.reserve), show(inspectors["reserve"])))
        if sorted_pairs(record["conflicts"]) != outcome.conflicts:
            self.add("conflicts 应为公告所列利害关系中涉及被抽中企业的全部，记录与此不符" if record["fairness"] == "announced"
                     else "conflicts 应只列出符合条件的检查人员与被抽中企业之间申报的利害关系")
        if not complete:
            return
        self.compare_list("分组（assignments）", outcome.assignments, record["assignments"])
        self.compare_list("忽略轮换的企业（rotation_ignored）", outcome.rotation_ignored, record["rotation_ignored"])

    def compare_list(self, label: str, want: list, got) -> None:
        if got == want:
            return
        if not isinstance(got, list):
            self.add(f"{label} 应为列表")
            return
        first = next((n for n, (a, b) in enumerate(zip(want, got)) if a != b), min(len(want), len(got)))
        if first < min(len(want), len(got)):
            self.add(f"{label}：第 {first + 1} 项应为 {show(want[first])}，记录为 {show(got[first])}")
        else:
            self.add(f"{label}：应有 {len(want)} 项，记录为 {len(got)} 项")
