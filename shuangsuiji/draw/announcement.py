"""``ssj announce``: publish a draw's parameters and lists before its seed exists (RFC 3797 style, SPEC §4).

The announcement names one or more future lottery results (game and 期号) and the time by which they are out;
it fixes everything else the draw will use — strata after the rest rule, the inspector pool and reserve, the
declared conflicts and who inspected whom within a year — so that once the numbers are drawn nothing is left to
choose.
"""

from __future__ import annotations

import datetime as dt

from shuangsuiji.core.evidence import cited
from shuangsuiji.core.inspections import ANNOUNCED_DRAW_LAG_DAYS, ROTATION_DAYS, rotation
from shuangsuiji.core.seeds import SeedError, parse_source, period_problem
from shuangsuiji.draw.parameters import DrawOptions, load_for_draw, parameters, strata_fields
from shuangsuiji.errors import RuleError, SsjError
from shuangsuiji.ledger.addresses import address
from shuangsuiji.ledger.index import Index
from shuangsuiji.ledger.store import Record
from shuangsuiji.ledger.writing import Draft, Written, git_state, operator_name, stamp, write
from shuangsuiji.plan.rules import check_frequency
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.lookup import resolve_section
from shuangsuiji.workspace import Workspace


def parse_not_before(text: str, data: Dataset) -> dt.datetime:
    """``2026-12-08T21:30`` (the bureau's local time when no offset is given)."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise SsjError(f"开奖时间“{text}”无效：请写成 2026-12-08T21:30 这样的格式") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=data.now().tzinfo)
    return moment


def perform_announce(ws: Workspace, options: DrawOptions, sources: list[str], not_before: str,
                     now: dt.datetime | None = None, data: Dataset | None = None) -> Written:
    """Record an announcement for the draw of ``options`` on its date, its seed to come from ``sources``."""
    if options.allow_dirty:
        raise RuleError("抽取公告不能加 --allow-dirty：公告的名单必须来自已提交、可复核的数据，请先提交数据文件")
    if not sources:
        raise SsjError("请用 --source 指定将来的开奖结果，例如 --source 双色球:2026140（可写多个）")
    try:
        parsed = [parse_source(text) for text in sources]
    except SeedError as error:
        raise SsjError(str(error)) from None
    if len({(s["game"], s["period"]) for s in parsed}) != len(parsed):
        raise SsjError("同一期开奖结果写了两次：每个 --source 应是不同的一期")
    data = data or load_for_draw(ws, options.date)
    at = now or data.now()
    moment = parse_not_before(not_before, data)
    state = git_state(ws, require_clean=True, inputs=data.raw_inputs())
    section = resolve_section(data.sections, options.section)

    def build(index: Index) -> Draft:
        params = parameters(data, options, at.date(), index, announcing=True)
        if moment <= at:
            raise RuleError(f"开奖时间 {moment.isoformat()} 不晚于现在：公告必须在号码产生之前发布")
        if (moment.date() - params.day).days > ANNOUNCED_DRAW_LAG_DAYS:
            raise RuleError(f"开奖时间比抽取日期晚 {ANNOUNCED_DRAW_LAG_DAYS} 天以上：请选在抽取日期前后开奖的一期")
        for source in parsed:
            problem = period_problem(source, moment.isoformat())
            if problem:
                raise RuleError(problem)
        if not any(s.population for s in params.strata):
            raise RuleError("没有符合条件的检查对象（在营、属于本科室监管范围、不在休息期），无法公告")
        if len(params.inspectors) - min(params.reserve, max(0, len(params.inspectors) - params.team_size)) < params.team_size:
            raise RuleError(f"符合条件的执法人员只有 {len(params.inspectors)} 名，不足一组 {params.team_size} 人（第十八条），无法公告")
        waiting = index.pending_announcements(section.id, params.plan_item)
        if waiting:
            label = address(section, waiting[0]["seq"])
            raise RuleError(f"计划事项 {params.plan_item} 已有一条待抽取的公告 {label}（{waiting[0]['date']} 抽取）：同一事项同时只能有一条"
                            f"待抽取的公告。请先按它抽取（ssj draw --announcement {label} --seed …），或作废它（ssj void {label} --reason …）")
        spent = index.spent_announcement(section.id, params.plan_item)
        if spent is not None:
            label = address(section, spent["seq"])
            raise RuleError(f"计划事项 {params.plan_item} 的{'抽取' if spent['type'] == 'draw' else '公告'} {label} 在开奖号码公布之后"
                            "被作废：这一事项不能再发新公告，否则看到号码后作废重来，就能在几组号码中挑选结果。"
                            "请改用现场见证（--witness）或系统随机抽取，作废和重抽都会公开")
        if params.choice:
            check_frequency(index, params.section, params.choice.item, params.day)
        population = [e for s in params.strata for e in s.population]
        visits = index.inspections(population, params.day_number - ROTATION_DAYS + 1)
        pairs, records = rotation(visits, params.inspectors, params.day_number)
        fields = stamp(
            "announce", at, operator_name(ws, options.operator), **params.fields(), sources=parsed,
            not_before=moment.isoformat(), strata=strata_fields(params.strata),
            inspectors={"eligible": params.inspectors, "team_size": params.team_size,
                        "reserve_size": min(params.reserve, max(0, len(params.inspectors) - params.team_size))},
            conflicts=[{"inspector": i, "entity": e} for i, e in params.conflicts],
            recent=cited(records, len(pairs)),
            commit=state.commit,
        )
        return Draft(fields, params.lists())

    def message(record: Record) -> str:
        names = "、".join(f"{s['game']}第{s['period']}期" for s in record["sources"])
        return f"公告 {address(section, record['seq'])}：{record['date']} 抽取，种子取自 {names}（{record['not_before']} 后开奖）"

    return write(ws, section.id, build, message, state, label=lambda r: address(section, r["seq"]))
