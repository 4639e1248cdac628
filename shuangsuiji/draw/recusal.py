"""``ssj recuse`` (第十七条): replace an inspector for one company by the public rule of SPEC §4."""

from __future__ import annotations

import datetime as dt

from shuangsuiji.core.recusal import current_team, replacement_for
from shuangsuiji.core.words import RECUSAL_REASONS
from shuangsuiji.draw.void import refuse_if_void
from shuangsuiji.errors import RuleError, SsjError
from shuangsuiji.ledger.addresses import Located, address, locate
from shuangsuiji.ledger.queries import published_of, recusals_of
from shuangsuiji.ledger.store import Record
from shuangsuiji.ledger.writing import Written, git_state, operator_name, stamp, write
from shuangsuiji.registry.loading import Dataset, load_bureau
from shuangsuiji.registry.lookup import entity_label, person_label, resolve_inspector
from shuangsuiji.workspace import Workspace, ledger_path


def perform_recusal(ws: Workspace, draw_address: str, inspector: str, entity: str, reason: str,
                    operator: str | None, now: dt.datetime | None = None) -> tuple[Written, list[str]]:
    """Replace ``inspector`` (工号 or name) for ``entity`` by the rule of SPEC §4; records nothing when nobody can.

    Returns the record written and the company's team as it now stands.
    """
    if reason not in RECUSAL_REASONS:
        raise SsjError(f"回避原因只能选：{'、'.join(RECUSAL_REASONS)}（个人情况不写入台账）")
    data = load_bureau(ws)
    found = locate(ws, data, draw_address)
    people = {p.id: p for p in data.inspectors}
    companies = {e.id: e for e in data.entities}
    inspector = resolve_inspector(data.inspectors, inspector, found.record["inspectors"]["eligible"])
    who, company = person_label(people, inspector), entity_label(companies, entity)
    _refuse_if_done(ws, data, found, entity, company)
    state = git_state(ws, require_clean=False)
    at = now or data.now()

    def build(previous: list[Record]) -> Record:
        refuse_if_void(found, previous)
        earlier = recusals_of(previous, found.record["hash"])
        team = current_team(found.record, entity, earlier)
        if inspector not in team:
            members = "、".join(person_label(people, i) for i in team)
            raise RuleError(f"{who}不在单位 {company}的检查组中（当前检查组：{members}）")
        replacement = replacement_for(found.record, entity, inspector, earlier)
        if replacement is None:
            raise RuleError(
                f"备选人员中没有可替换{who}的人（需与单位 {company}无利害关系且不在该检查组中），未作任何记录；"
                f"请报告科室负责人另行处理（第十七条）。也可以作废这次抽取后重新抽取"
                f"（ssj void {found.label} --reason …；作废和重抽都会公开）"
            )
        return stamp("recusal", at, operator_name(ws, operator), draw=found.record["hash"], entity=entity,
                     inspector=inspector, replacement=replacement, reason=reason)

    def message(record: Record) -> str:
        return f"回避 {found.label}：{record['inspector']} → {record['replacement']}（{record['entity']}，{record['reason']}）"

    written = write(ws, ledger_path(found.section.id), build, message, state,
                    label=lambda r: address(found.section, r["seq"]))
    team = current_team(found.record, entity, [*recusals_of(found.records, found.record["hash"]), written.record])
    return written, team


def _refuse_if_done(ws: Workspace, data: Dataset, found: Located, entity: str, company: str) -> None:
    """No recusal once the company's check is finished (报告已办结) or its result published."""
    if entity in published_of(ws, found.record["hash"]):
        raise RuleError(f"单位 {company}在 {found.label} 中的检查结果已经公开，不能再回避替换")
    for n, report in enumerate(data.reports):
        if report.draw_hash == found.record["hash"] and report.entity == entity and report.status == "已办结":
            raise RuleError(
                f"单位 {company}的检查报告已办结（{data.where[('reports', n)][0]}），检查已经完成，不能再回避替换"
            )
