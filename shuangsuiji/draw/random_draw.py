"""``ssj draw``: from the bureau's files and a seed to a committed ledger record (SPEC §4, §5).

Everything that could stop the draw is checked before the seed exists; once it exists the draw is recorded,
whether it succeeds or fails (a company every team conflicts with), so that no attempt leaves no trace.
"""

from __future__ import annotations

import datetime as dt

from shuangsuiji.core.draw import DrawInput, Drawn, Refused, draw, select_strata, team_members
from shuangsuiji.core.evidence import cited
from shuangsuiji.core.inspections import (
    ANNOUNCED_DRAW_LAG_DAYS,
    ROTATION_DAYS,
    day_number,
    days_too_late,
    rotation,
)
from shuangsuiji.core.words import FAIRNESS_SHORT
from shuangsuiji.draw.parameters import (
    DrawOptions,
    Parameters,
    from_announcement,
    load_for_draw,
    parameters,
    strata_fields,
)
from shuangsuiji.draw.seeds import Seed, choose_seed, require_level
from shuangsuiji.errors import RuleError
from shuangsuiji.ledger.addresses import address, locate
from shuangsuiji.ledger.index import Index
from shuangsuiji.ledger.queries import open_index, visits_as_announced
from shuangsuiji.ledger.store import Record
from shuangsuiji.ledger.writing import Draft, GitState, Written, git_state, operator_name, stamp, write
from shuangsuiji.plan.rules import check_frequency, check_spacing
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.lookup import resolve_section
from shuangsuiji.registry.privacy import refuse_private
from shuangsuiji.workspace import Workspace


class DrawFailed(RuleError):
    """The seed made the draw impossible (every team conflicts with a company): recorded as a failed attempt."""

    def __init__(self, message: str, written: Written) -> None:
        super().__init__(message)
        self.written = written


def perform_draw(ws: Workspace, options: DrawOptions, now: dt.datetime | None = None,
                 data: Dataset | None = None) -> Written:
    """Draw, append the record to the section's ledger and commit it; a failed attempt is recorded too."""
    data = data or load_for_draw(ws, options.date)
    at = now or data.now()
    state = git_state(ws, require_clean=True, allow_dirty=options.allow_dirty, inputs=data.raw_inputs())
    announced = _announcement(ws, data, options)
    section = resolve_section(data.sections, announced["section"] if announced else options.section)
    seed = choose_seed(options, announced)
    failures: list[Refused] = []
    refuse_private(options.again, "再次抽取的原因")

    def build(index: Index) -> Draft:
        params = _parameters(ws, data, options, announced, at, index)
        item = params.choice.item if params.choice else None
        require_level(item, seed.fairness)
        if item is not None:
            check_frequency(index, params.section, item, params.day, announced["hash"] if announced else None)
            check_spacing(index, params.section, item, params.day, options.again)
        fields = _fields(ws, options, params, seed, announced, at, state, data)
        selected = select_strata(params.strata, seed.seed)
        visits = (visits_as_announced(index, announced, selected[1]) if announced is not None
                  else index.inspections(selected[1], params.day_number - ROTATION_DAYS + 1))
        try:
            pairs, records = _rotation(params, seed, selected, visits, announced)
            drawn = draw(DrawInput(seed.seed, params.strata, params.inspectors, params.team_size, params.reserve,
                                   frozenset(params.conflicts), frozenset(pairs)), selected)
        except Refused as refusal:
            if refusal.partial is None:  # nothing the seed did: too few inspectors, nobody to draw
                raise RuleError(str(refusal)) from None
            failures.append(refusal)
            recent = cited(records, len(refusal.partial.recent))
            return Draft({**fields, **_outcome(params, refusal.partial, recent, failed=True), "type": "failed",
                          "entity": refusal.entity, "reason": str(refusal)}, params.lists())
        return Draft({**fields, **_outcome(params, drawn, cited(records, len(drawn.recent)))}, params.lists())

    written = write(ws, section.id, build, lambda r: _message(data, r), state,
                    label=lambda r: address(section, r["seq"]))
    if failures:
        raise DrawFailed(f"这次抽取无法完成：{failures[0]}。这次尝试已作为“抽取未成”记入台账（{written.label}），"
                         "种子和原因都会公开；请调整人员或利害关系申报后重新抽取", written)
    return written


def _parameters(ws: Workspace, data: Dataset, options: DrawOptions, announced: Record | None, at: dt.datetime,
                index: Index) -> Parameters:
    if announced is None:
        return parameters(data, options, at.date(), index)
    _still_pending(index, announced, data)
    if at.isoformat() < announced["not_before"]:
        raise RuleError(f"公告规定的开奖时间是 {announced['not_before']}，现在（{at.isoformat()}）号码还未公布，不能抽取")
    _still_fresh(announced, at, data)
    params = from_announcement(ws, data, announced, index)
    if at.date() < params.day:
        raise RuleError(f"公告的抽取日期是 {params.day}，今天（{at.date()}）还不能按它抽取")
    return params


def _rotation(params: Parameters, seed: Seed, selected: tuple, visits: dict, announced: Record | None) -> tuple[set, set]:
    """``(pairs, records)``: who of the teams saw which selected company within a year (they block the
    assignment), and the records ``recent`` cites (for an announced draw, its announcement's). Teams do not
    depend on rotation, so the pairs are looked up for their members only, once."""
    members = team_members(params.inspectors, seed.seed, params.team_size, len(selected[1]), params.reserve)
    pairs, records = rotation(visits, members, params.day_number)
    return pairs, set(announced["recent"]["records"]) if announced is not None else records


def _fields(ws: Workspace, options: DrawOptions, params: Parameters, seed: Seed, announced: Record | None,
            at: dt.datetime, state: GitState, data: Dataset) -> Record:
    fields = stamp("draw", at, operator_name(ws, options.operator), **params.fields(), fairness=seed.fairness,
                   seed=seed.seed, seed_source=seed.source, announcement=announced["hash"] if announced else None,
                   again=options.again.strip() if options.again and options.again.strip() else None,
                   inputs=dict(sorted(data.inputs.items())), commit=state.commit, dirty=bool(state.dirty))
    if seed.witnesses is not None:
        fields["witnesses"] = seed.witnesses
    return fields


def _outcome(params: Parameters, drawn: Drawn, recent: dict, failed: bool = False) -> Record:
    strata = [{**s, "k": k, "selected": chosen} for s, (k, chosen) in zip(strata_fields(params.strata), drawn.selections, strict=True)]
    result: Record = {
        "strata": strata,
        "inspectors": {"eligible": drawn.eligible, "team_size": drawn.team_size, "reserve_size": drawn.reserve_size,
                       "teams": drawn.teams, "reserve": drawn.reserve},
        "conflicts": [{"inspector": i, "entity": e} for i, e in drawn.conflicts],
        "recent": recent,
    }
    if not failed:
        result.update(assignments=drawn.assignments, rotation_ignored=drawn.rotation_ignored)
    return result


def _announcement(ws: Workspace, data: Dataset, options: DrawOptions) -> Record | None:
    """The announce record a draw fulfils, looked up by its address (``二股-5``)."""
    if options.announcement is None:
        return None
    index = open_index(ws)
    try:
        found = locate(index, data, options.announcement, kind="announce")
    finally:
        index.close()
    if options.section and resolve_section(data.sections, options.section).id != found.section.id:
        raise RuleError(f"--section 与公告不一致（公告的科室为 {found.section.name}）：按公告抽取时可不写 --section")
    for given, name in ((options.ratio, "--ratio"), (options.plan_item, "--plan-item"), (options.team_size, "--team-size"),
                        (options.date, "--date")):
        if given is not None:
            raise RuleError(f"按公告抽取时参数以公告为准，请不要写 {name}")
    return found.record


def _still_pending(index: Index, note: Record, data: Dataset) -> None:
    """Not voided, not drawn on before (no seed shopping with one announcement)."""
    label = address(resolve_section(data.sections, note["section"]), note["seq"])
    if index.voided(note["hash"]) is not None:
        raise RuleError(f"公告 {label} 已作废，不能再按它抽取")
    used = index.follows(note["hash"], "draw") + index.follows(note["hash"], "failed")
    if used:
        raise RuleError(f"公告 {label} 已用于抽取 {address(resolve_section(data.sections, note['section']), used[0]['seq'])}；"
                        "重新抽取需要发布新的公告")


def _still_fresh(note: Record, at: dt.datetime, data: Dataset) -> None:
    """At most ANNOUNCED_DRAW_LAG_DAYS after the announced date: the rule the verifiers apply (core/announced.py),
    so that ssj never writes an announced draw that can never verify (its lists describe the announced day)."""
    if days_too_late(at.date().isoformat(), note["date"]) > 0:
        late = day_number(at.date().isoformat()) - day_number(note["date"])
        label = address(resolve_section(data.sections, note["section"]), note["seq"])
        raise RuleError(f"公告 {label} 的抽取日期是 {note['date']}，今天（{at.date()}）已晚了 {late} 天，超过 "
                        f"{ANNOUNCED_DRAW_LAG_DAYS} 天，公告已失效（照它抽取的记录核验不会通过），不能再按它抽取：请作废这条公告"
                        f"（ssj void {label} --reason …）后重新安排抽取")


def _message(data: Dataset, record: Record) -> str:
    section = data.section(record["section"])
    label = address(section, record["seq"]) if section else str(record["seq"])
    if record["type"] == "failed":
        return f"抽取未成 {label}：{record['date']}（{FAIRNESS_SHORT[record['fairness']]}）：{record['reason']}"
    selected = sum(s["k"] for s in record["strata"])
    teams = len(record["inspectors"]["teams"])
    return f"抽取 {label}：{record['date']}，{selected} 家单位，{teams} 个检查组（{FAIRNESS_SHORT[record['fairness']]}）"


