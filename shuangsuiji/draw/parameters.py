"""What a draw is made of, once the rules have been applied (SPEC §4): the plan item, the strata after the rest
rule, the inspector pool and its reserve, the declared conflicts — from the bureau's files, or from an announcement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from shuangsuiji.audit.check import checked
from shuangsuiji.core.draw import Stratum
from shuangsuiji.core.evidence import cited
from shuangsuiji.core.inspections import RESTING_STRATA, day_number, inspected
from shuangsuiji.core.listed import is_listed
from shuangsuiji.core.lists import ListFolder, list_digest
from shuangsuiji.core.ratio import format_ratio, parse_ratio
from shuangsuiji.errors import RuleError, SsjError
from shuangsuiji.ledger.index import Index
from shuangsuiji.ledger.store import Record
from shuangsuiji.plan.checklist import approved_checklist
from shuangsuiji.plan.rules import PlanChoice, choose_item, plan_digest
from shuangsuiji.registry.eligibility import declared_conflicts, draw_population
from shuangsuiji.registry.loading import Dataset, Progress, load_bureau
from shuangsuiji.registry.lookup import resolve_section
from shuangsuiji.registry.models import Section
from shuangsuiji.workspace import LISTS_DIR, Workspace


@dataclass(frozen=True)
class DrawOptions:
    """What a clerk asks for; everything optional has the default SPEC §4 gives."""

    section: str
    ratio: str | None = None
    #: a seed typed in (operator), or one published result per announced source (announced)
    seeds: tuple[str, ...] = ()
    seed_source: str | None = None
    #: (name, value) per witness, in the order they entered their values (witnessed)
    witnesses: tuple[tuple[str, str], ...] = ()
    plan_item: str | None = None
    team_size: int | None = None
    date: dt.date | None = None
    operator: str | None = None
    announcement: str | None = None
    allow_dirty: bool = False
    #: the reason for a second draw of the same plan item within its spacing (第十六条)
    again: str | None = None


@dataclass(frozen=True)
class Parameters:
    """A draw's inputs once the rules have been applied: what an announcement pins down."""

    section: Section
    day: dt.date
    choice: PlanChoice | None
    floor: Decimal | None
    team_size: int
    reserve: int
    rest_days: int
    #: the strata after the rest rule
    strata: list[Stratum]
    #: the companies the rest rule left out
    rested: set[str]
    inspectors: list[str]
    #: declared (inspector, entity) conflicts between the pool and the strata
    conflicts: list[tuple[str, str]]
    plan_digest: str | None
    #: the records with an inspection inside the rest period (what ``rested`` cites)
    rest_records: list[str] = field(default_factory=list)
    #: the digest of the approved checklist the draw uses (第八、十条)
    checklist: str | None = field(default=None)

    @property
    def plan_item(self) -> str | None:
        return self.choice.item.id if self.choice else None

    @property
    def checklist_item(self) -> str | None:
        return self.choice.item.checklist_item if self.choice else None

    @property
    def day_number(self) -> int:
        return day_number(self.day.isoformat())

    def fields(self) -> dict:
        """The record fields these parameters fill (a draw's and an announcement's alike)."""
        return {
            "section": self.section.id, "plan_item": self.plan_item, "plan_digest": self.plan_digest,
            "checklist_item": self.checklist_item, "checklist": self.checklist, "date": self.day.isoformat(),
            "ratio": format_ratio(self.floor) if self.floor is not None else None, "rest_days": self.rest_days,
            "rested": cited(self.rest_records, len(self.rested)),
        }

    def lists(self) -> list[list[str]]:
        """The lists these parameters' digests name: the strata's populations."""
        return [s.population for s in self.strata]


def strata_fields(strata: list[Stratum]) -> list[dict]:
    """``[{name, ratio, population, count}]``: the strata as a record names them."""
    return [{"name": s.name, "ratio": format_ratio(s.ratio), "population": list_digest(s.population),
             "count": len(s.population)} for s in strata]


def plan_years(today: dt.date, day: dt.date | None) -> set[int]:
    """The years whose plans must be in order for a draw or announcement on ``day`` (default: today).

    Only those: a draft of next year's plan must not stop this year's draws.
    """
    return {today.year} | ({day.year} if day is not None else set())


def load_for_draw(ws: Workspace, day: dt.date | None, progress: Progress | None = None) -> Dataset:
    """The checked data for a draw or announcement on ``day``, judged on today in the bureau's time zone."""
    data = load_bureau(ws, progress)
    today = data.today()
    return checked(ws, data, today, plan_years(today, day))


def parameters(data: Dataset, options: DrawOptions, today: dt.date, index: Index, announcing: bool = False) -> Parameters:
    """Apply the plan, the strata, eligibility and the rest rule to the request."""
    section = resolve_section(data.sections, options.section)
    day = options.date or today
    check_date(day, today, announcing)
    floor = floor_of(options.ratio)
    choice = choose_item(data, section, day, options.plan_item)
    item = choice.item
    team_size = options.team_size if options.team_size is not None else item.team_size
    if team_size < 2:
        raise RuleError("每组至少 2 名执法人员（第十八条），--team-size 不能小于 2")
    before_rest, inspectors = draw_population(data, section, item, floor, day)
    rest_days = item.rest_days if item.rest_days is not None else data.bureau.rest_days if data.bureau else 90
    today = day_number(day.isoformat())
    first = today - rest_days + 1  # within rest_days before the date: 0 ≤ today − day < rest_days
    records = index.inspecting_records(first, today)  # rest_days 0: first > today, nothing
    strata, rested = apply_rest(before_rest, index.inspected_between(first, today))
    return Parameters(section, day, choice, floor, team_size, item.reserve, rest_days, strata, rested, inspectors,
                      pool_conflicts(data, inspectors, strata), plan_digest(data, choice), records,
                      checklist=approved_checklist(data))


def apply_rest(strata: list[Stratum], reached: set[str]) -> tuple[list[Stratum], set[str]]:
    """(the strata without the companies resting, those companies): ``reached`` are the companies inspected
    within the rest period, left out of the resting strata only (第十六条)."""
    rested = {e for s in strata if s.name in RESTING_STRATA for e in s.population if e in reached}
    kept = [Stratum(s.name, s.ratio, [e for e in s.population if e not in rested]) if s.name in RESTING_STRATA else s
            for s in strata]
    return kept, rested


def pool_conflicts(data: Dataset, inspectors: list[str], strata: list[Stratum]) -> list[tuple[str, str]]:
    """The declared conflicts between the inspector pool and every company of the strata."""
    population = {e for s in strata for e in s.population}
    pool = set(inspectors)
    return sorted((i, e) for i, e in declared_conflicts(data) if i in pool and e in population)


def check_date(day: dt.date, today: dt.date, announcing: bool) -> None:
    """A draw is dated today: never back-dated, never ahead (an announcement names a day to come)."""
    if day < today:
        what = "公告的抽取日期" if announcing else "抽取日期"
        raise RuleError(f"{what} {day} 早于今天（{today}）：不得补录或倒签抽取（第十五条：全程记录、全程留痕）")
    if not announcing and day > today:
        raise RuleError(f"抽取日期 {day} 晚于今天（{today}）：抽取只能在当天进行；要事先确定将来的抽取，请用 ssj announce 公告")


def floor_of(ratio: str | None) -> Decimal | None:
    """The ``--ratio`` floor, or None."""
    if ratio is None:
        return None
    try:
        return parse_ratio(ratio)
    except ValueError as exc:
        raise SsjError(str(exc)) from None


def from_announcement(ws: Workspace, data: Dataset, note: Record, index: Index) -> Parameters:
    """The parameters an announcement pinned, read back from its lists; refuses when the bureau's files no
    longer give the same population, pool or conflicts (the announced draw would not be the announced one)."""
    lists = ListFolder(str(ws.root / LISTS_DIR))
    section = resolve_section(data.sections, note["section"])
    day = dt.date.fromisoformat(note["date"])
    floor = floor_of(note["ratio"])
    choice = choose_item(data, section, day, note["plan_item"])
    if is_listed(note["rested"]) or is_listed(note["recent"]):
        raise RuleError("这条公告是 2026-12-08 之前的写法（逐家列出休息期和轮换的依据），新版 ssj 不再按它抽取："
                        "请作废这条公告（ssj void … --reason …）后重新公告")
    strata = [Stratum(s["name"], parse_ratio(s["ratio"]), lists.get(s["population"])) for s in note["strata"]]
    before_rest, pool = draw_population(data, section, choice.item, floor, day)
    reached = {e for digest in note["rested"]["records"] for e in inspected(_cited_record(index, digest))}
    again, rested = apply_rest(before_rest, reached)  # the announced rest rule, on today's files
    inspectors = note["inspectors"]
    params = Parameters(section, day, choice, floor, inspectors["team_size"], inspectors["reserve_size"],
                        note["rest_days"], strata, rested, list(inspectors["eligible"]),
                        [(c["inspector"], c["entity"]) for c in note["conflicts"]], note["plan_digest"],
                        list(note["rested"]["records"]), note["checklist"])
    changed = []
    if [(s.name, sorted(s.population)) for s in again] != [(s.name, sorted(s.population)) for s in strata] \
            or len(rested) != note["rested"]["count"]:
        changed.append("检查对象名单或分层")
    if pool != params.inspectors:
        changed.append("执法人员名单")
    if pool_conflicts(data, pool, strata) != params.conflicts:
        changed.append("申报的利害关系")
    if plan_digest(data, choice) != note["plan_digest"]:
        changed.append("计划")
    if note["checklist"] is not None and approved_checklist(data) != note["checklist"]:
        changed.append("抽查事项清单")
    if changed:
        raise RuleError(f"{'、'.join(changed)}自公告后有变化，不能按该公告抽取：请作废这份公告（ssj void）后重新公告")
    return params


def _cited_record(index: Index, digest: str) -> Record:
    """A record an announcement cites; one missing from the ledgers stops the draw (verify-ledger says why)."""
    found = index.by_hash(digest)
    if found is None:
        raise RuleError(f"公告引用的记录 {digest[:12]}… 不在台账中：台账不完整，请运行 ssj verify-ledger 核验")
    return found[1]
