"""``ssj draw`` and ``ssj announce``: from the bureau's files and a seed to a ledger record."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal

from shuangsuiji.audit.check import checked
from shuangsuiji.core.canonical import digest, id_list_digest
from shuangsuiji.core.draw import DrawInput, Stratum, draw
from shuangsuiji.core.ratio import format_ratio, parse_ratio
from shuangsuiji.core.tickets import normalize_seed
from shuangsuiji.core.words import FAIRNESS_SHORT
from shuangsuiji.errors import RuleError, SsjError
from shuangsuiji.ledger.addresses import address, parse_address
from shuangsuiji.ledger.queries import pending_announcements
from shuangsuiji.ledger.store import Record, read
from shuangsuiji.ledger.writing import Written, git_state, operator_name, stamp, write
from shuangsuiji.plan.rules import PlanChoice, check_frequency, choose_item
from shuangsuiji.registry.eligibility import declared_conflicts, draw_population
from shuangsuiji.registry.loading import Dataset, Progress, load_bureau
from shuangsuiji.registry.lookup import resolve_section
from shuangsuiji.registry.models import Section
from shuangsuiji.workspace import Workspace, ledger_path

SYSTEM_SEED_SOURCE = "系统随机数：抽取时由操作系统安全随机数生成器（Python secrets）产生的 20 位十进制数"
OPERATOR_SEED_SOURCE = "操作员输入"

#: How the seed of an announced draw is read from the public numbers (recorded in the announcement).
SEED_RULE = (
    "种子取公布号码中的全部数字：先做 Unicode NFKC 规范化（全角数字变为半角），再去掉 0–9 以外的一切字符"
    "（空格、逗号、加号、文字等），其余数字按原顺序连接。"
    "例如“03 08 12 19 25 31 + 07”与“03,08,12,19,25,31,07”都得到种子“03081219253107”"
)
_NOT_DIGIT = re.compile(r"[^0-9]")


@dataclass(frozen=True)
class DrawOptions:
    """What a clerk asks for; everything optional has the default SPEC §4 gives."""

    section: str
    ratio: str | None = None
    seed: str | None = None
    seed_source: str | None = None
    plan_item: str | None = None
    team_size: int | None = None
    date: dt.date | None = None
    operator: str | None = None
    announcement: str | None = None
    allow_dirty: bool = False


@dataclass(frozen=True)
class Parameters:
    """A draw's inputs once the rules have been applied: what an announcement pins down."""

    section: Section
    day: dt.date
    choice: PlanChoice | None
    floor: Decimal | None
    team_size: int
    strata: list[Stratum]
    inspectors: list[str]
    #: declared (inspector, entity) conflicts between the inspector pool and the eligible companies
    conflicts: list[tuple[str, str]]

    @property
    def population_digest(self) -> str:
        return id_list_digest([i for s in self.strata for i in s.population])

    @property
    def pool_digest(self) -> str:
        return id_list_digest(self.inspectors)

    @property
    def strata_digest(self) -> str:
        return digest([[s.name, format_ratio(s.ratio), sorted(s.population)] for s in self.strata])

    @property
    def conflicts_digest(self) -> str:
        """SHA-256 of the RFC 8785 form of the sorted ``[inspector, entity]`` pairs."""
        return digest([[i, e] for i, e in sorted(self.conflicts)])

    @property
    def plan_item(self) -> str | None:
        return self.choice.item.id if self.choice else None


def plan_years(today: dt.date, day: dt.date | None) -> set[int]:
    """The years whose plans must be in order for a draw or announcement on ``day`` (default: today).

    Only those: a draft of next year's plan must not stop this year's draws.
    """
    return {today.year} | ({day.year} if day is not None else set())


def load_for_draw(ws: Workspace, day: dt.date | None, progress: Progress | None = None) -> Dataset:
    """The checked data for a draw or announcement on ``day``, judged on today in the bureau's time zone."""
    data = load_bureau(ws, progress)
    today = data.today()
    return checked(data, today, plan_years(today, day))


def parameters(data: Dataset, options: DrawOptions, today: dt.date, announcing: bool = False) -> Parameters:
    """Apply the plan, the strata and eligibility rules to the request."""
    section = resolve_section(data.sections, options.section)
    day = options.date or today
    if options.announcement is None:
        _check_date(day, today, announcing)
    elif day > today:
        raise RuleError(f"公告的抽取日期是 {day}，今天（{today}）还不能按它抽取：请在公告的日期、种子公布之后再抽取")
    floor = _floor(options.ratio)
    choice = choose_item(data, section, day, options.plan_item)
    team_size = options.team_size if options.team_size is not None else choice.item.team_size
    if team_size < 2:
        raise RuleError("每组至少 2 名执法人员（第十八条），--team-size 不能小于 2")
    strata, inspectors = draw_population(data, section, choice.item, floor, day)
    population = {i for s in strata for i in s.population}
    pool = set(inspectors)
    conflicts = sorted((i, e) for i, e in declared_conflicts(data) if i in pool and e in population)
    return Parameters(section, day, choice, floor, team_size, strata, inspectors, conflicts)


def _check_date(day: dt.date, today: dt.date, announcing: bool) -> None:
    """No back-dating; a draw (not an announcement) also stays in this year's plan."""
    if day < today:
        what = "公告的抽取日期" if announcing else "抽取日期"
        raise RuleError(f"{what} {day} 早于今天（{today}）：不得补录或倒签抽取（第十五条：全程记录、全程留痕）")
    if not announcing and day.year != today.year:
        raise RuleError(
            f"抽取日期 {day} 不在今年（{today.year} 年）：不得提前抽取 {day.year} 年计划的事项；"
            f"请到 {day.year} 年再抽取，或现在用 ssj announce 事先公告那次抽取"
        )


def _floor(ratio: str | None) -> Decimal | None:
    if ratio is None:
        return None
    try:
        return parse_ratio(ratio)
    except ValueError as exc:
        raise SsjError(str(exc)) from None


def perform_draw(ws: Workspace, options: DrawOptions, now: dt.datetime | None = None,
                 data: Dataset | None = None) -> Written:
    """Draw, append the record to the section's ledger and commit it."""
    data = data or load_for_draw(ws, options.date)
    at = now or data.now()
    announced = _announcement(ws, data, options) if options.announcement else None
    if announced is not None:
        options = _from_announcement(data, options, announced)
    params = parameters(data, options, at.date())
    state = git_state(ws, require_clean=True, allow_dirty=options.allow_dirty, inputs=data.raw_inputs())
    seed, source, fairness = _seed(options, announced)
    spec = DrawInput(seed, params.strata, params.inspectors, params.team_size, declared_conflicts(data))
    outcome = draw(spec)  # before the lock: a draw that cannot be made writes nothing

    def build(previous: list[Record]) -> Record:
        if announced is not None:
            _check_announcement(previous, announced, params)
        if params.choice:
            check_frequency(previous, params.section, params.choice.item, params.day,
                             announced["hash"] if announced else None)
        return stamp(
            "draw", at, operator_name(ws, options.operator),
            section=params.section.id, plan_item=params.plan_item,
            checklist_item=params.choice.item.checklist_item if params.choice else None,
            date=params.day.isoformat(), seed=seed, seed_source=source, fairness=fairness,
            announcement=announced["hash"] if announced else None, ratio=_text(params.floor),
            team_size=params.team_size, **outcome, inputs=dict(sorted(data.inputs.items())),
            commit=state.commit, dirty=bool(state.dirty),
        )

    return write(ws, ledger_path(params.section.id), build, lambda r: _draw_message(params.section, r), state,
                 label=lambda r: address(params.section, r["seq"]))


def _text(value: Decimal | None) -> str | None:
    return format_ratio(value) if value is not None else None


def announced_seed(text: str) -> str:
    """The seed of an announced draw under :data:`SEED_RULE`: the ASCII digits of the NFKC form, in order."""
    digits = _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", text))
    if not digits:
        raise SsjError(f"公布的号码“{text.strip()}”中没有数字：按公告的种子规则，种子由公布号码中的全部数字组成")
    return digits


def _seed(options: DrawOptions, announced: Record | None) -> tuple[str, str, str]:
    """The seed, its source in words, and the fairness level (SPEC §4)."""
    if options.seed is None:
        if announced is not None:
            raise SsjError(f"按公告抽取必须用 --seed 给出公告指定来源公布的随机数（{announced['seed_source']}）")
        return "".join(secrets.choice("0123456789") for _ in range(20)), SYSTEM_SEED_SOURCE, "system"
    if announced is not None and announced.get("seed_rule"):
        return announced_seed(options.seed), str(announced["seed_source"]), "announced"
    try:
        seed = normalize_seed(options.seed)
    except ValueError as exc:
        raise SsjError(f"{exc}：请给出非空的种子，或不写 --seed 让系统生成") from None
    if announced is not None:  # an announcement made before seeds were normalised to digits
        return seed, str(announced["seed_source"]), "announced"
    return seed, (options.seed_source or OPERATOR_SEED_SOURCE).strip(), "operator"


def _announcement(ws: Workspace, data: Dataset, options: DrawOptions) -> Record:
    """The announce record a draw fulfils, looked up by its address (``二股-5``)."""
    name, seq = parse_address(options.announcement or "")
    section = resolve_section(data.sections, name)
    records = read(ws.root / ledger_path(section.id))
    if seq >= len(records) or records[seq]["type"] != "announce":
        raise RuleError(f"{address(section, seq)} 不是一条抽取公告（announce）记录")
    return records[seq]


def _from_announcement(data: Dataset, options: DrawOptions, note: Record) -> DrawOptions:
    """Take section, plan item, date, ratio and team size from the announcement; refuse contradictions."""
    announced = {
        "plan_item": note["plan_item"], "date": dt.date.fromisoformat(note["date"]),
        "ratio": note["ratio"], "team_size": note["team_size"],
    }
    if options.section and resolve_section(data.sections, options.section).id != note["section"]:
        raise RuleError(f"--section 与公告不一致（公告的科室为 {note['section']}）：按公告抽取时可不写 --section")
    for key, value in announced.items():
        given = getattr(options, key)
        if given is not None and not _same_value(key, given, value):
            raise RuleError(f"--{key.replace('_', '-')} 与公告不一致（公告为 {value}）：按公告抽取时参数以公告为准，可不写")
    return replace(options, **announced, section=note["section"])


def _same_value(key: str, given: object, announced: object) -> bool:
    if key == "ratio" and announced is not None:
        return _floor(str(given)) == parse_ratio(str(announced))  # 10% is the announced 0.1
    return str(given) == str(announced)


def _check_announcement(previous: list[Record], note: Record, params: Parameters) -> None:
    """Nothing changed since the announcement, and it was not used before (no seed shopping)."""
    label = address(params.section, note["seq"])
    if any(r["type"] == "void" and r["draw"] == note["hash"] for r in previous):
        raise RuleError(f"公告 {label} 已作废，不能再按它抽取")
    used = [r for r in previous if r["type"] == "draw" and r.get("announcement") == note["hash"]]
    if used:
        raise RuleError(f"公告 {label} 已用于抽取 {address(params.section, used[0]['seq'])}；重新抽取需要发布新的公告")
    expected = {
        "population_digest": params.population_digest, "pool_digest": params.pool_digest,
        "strata_digest": params.strata_digest, "conflicts_digest": params.conflicts_digest,
    }
    # an announcement made before conflicts were digested has no conflicts_digest: nothing to compare
    changed = [k for k, v in expected.items() if (k in note or k != "conflicts_digest") and note.get(k) != v]
    if changed:
        raise RuleError(f"与公告 {label} 不一致（{'、'.join(_CHANGED[k] for k in changed)}自公告后有变化），不能按该公告抽取")


_CHANGED = {
    "population_digest": "检查对象名单", "pool_digest": "执法人员名单", "strata_digest": "分层名单或比例",
    "conflicts_digest": "申报的利害关系",
}




def _draw_message(section: Section, record: Record) -> str:
    selected = sum(s["k"] for s in record["strata"])
    teams = len(record["inspectors"]["teams"])
    return (f"抽取 {address(section, record['seq'])}：{record['date']}，{selected} 家单位，{teams} 个检查组"
            f"（{FAIRNESS_SHORT[record['fairness']]}）")


def perform_announce(ws: Workspace, options: DrawOptions, seed_source: str, now: dt.datetime | None = None,
                     data: Dataset | None = None) -> Written:
    """Publish a draw's parameters and digests before its seed exists (RFC 3797 style)."""
    if not seed_source.strip():
        raise SsjError("请用 --seed-source 写明将来种子的公开来源，例如“中国福利彩票双色球第2026140期开奖号码”")
    if options.allow_dirty:
        raise RuleError("抽取公告不能加 --allow-dirty：公告的名单摘要必须来自已提交、可复核的数据，请先提交数据文件")
    data = data or load_for_draw(ws, options.date)
    at = now or data.now()
    params = parameters(data, options, at.date(), announcing=True)
    state = git_state(ws, require_clean=True, inputs=data.raw_inputs())
    if not any(s.population for s in params.strata):
        raise RuleError("没有符合条件的检查对象（在营且属于本科室监管范围），无法公告")
    if len(params.inspectors) < params.team_size:
        raise RuleError(
            f"符合条件的执法人员只有 {len(params.inspectors)} 名（在岗、执法证在抽取日有效），"
            f"不足一组 {params.team_size} 人（第十八条），无法公告"
        )

    def build(previous: list[Record]) -> Record:
        waiting = pending_announcements(previous, params.plan_item)
        if waiting:
            label = address(params.section, waiting[0]["seq"])
            raise RuleError(
                f"计划事项 {params.plan_item} 已有一条待抽取的公告 {label}（{waiting[0]['date']} 抽取）：同一事项同时只能有一条"
                f"待抽取的公告。请先按它抽取（ssj draw --announcement {label} --seed …），或作废它（ssj void {label} --reason …）"
            )
        if params.choice:
            check_frequency(previous, params.section, params.choice.item, params.day)
        return stamp(
            "announce", at, operator_name(ws, options.operator), section=params.section.id,
            plan_item=params.plan_item, date=params.day.isoformat(), ratio=_text(params.floor),
            team_size=params.team_size, seed_source=seed_source.strip(), seed_rule=SEED_RULE,
            population_digest=params.population_digest, pool_digest=params.pool_digest,
            strata_digest=params.strata_digest, conflicts_digest=params.conflicts_digest, commit=state.commit,
        )

    def message(record: Record) -> str:
        return f"公告 {address(params.section, record['seq'])}：{record['date']} 抽取，种子来源 {record['seed_source']}"

    return write(ws, ledger_path(params.section.id), build, message, state,
                 label=lambda r: address(params.section, r["seq"]))
