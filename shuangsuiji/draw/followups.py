"""What may follow a draw: ``void`` (abandon it, with a reason) and ``recusal`` (第十七条)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shuangsuiji.core.recusal import current_team, replacement_for
from shuangsuiji.core.words import RECUSAL_REASONS
from shuangsuiji.errors import RuleError, SsjError
from shuangsuiji.ledger.store import Record, read
from shuangsuiji.ledger.writing import Written, git_state, operator_name, stamp, write
from shuangsuiji.plan.status import published_keys
from shuangsuiji.registry.loading import Dataset, load_bureau
from shuangsuiji.registry.lookup import (
    address,
    entity_label,
    parse_address,
    person_label,
    resolve_inspector,
    resolve_section,
)
from shuangsuiji.registry.models import Section
from shuangsuiji.workspace import BUREAU_LEDGER, REPORTS_DIR, Workspace, ledger_path


@dataclass(frozen=True)
class Located:
    """A record found by its address, with the section it belongs to and its whole ledger."""

    section: Section
    record: Record
    records: list[Record]

    @property
    def label(self) -> str:
        return address(self.section, self.record["seq"])


def locate(ws: Workspace, data: Dataset, text: str, kind: str | None = "draw") -> Located:
    """The record addressed as ``二股-3``; with ``kind``, refuse records of another type."""
    name, seq = parse_address(text)
    section = resolve_section(data.sections, name)
    records = read(ws.root / ledger_path(section.id))
    if seq >= len(records):
        last = f"最后一条是 {address(section, len(records) - 1)}" if records else "台账还是空的"
        raise SsjError(f"没有记录 {address(section, seq)}（{section.name}{last}）")
    record = records[seq]
    if kind is not None and record["type"] != kind:
        raise SsjError(f"{address(section, seq)} 是一条“{record['type']}”记录，不是抽取（draw）记录")
    return Located(section, record, records)


def voided_by(records: list[Record], draw_hash: str) -> Record | None:
    """The void record of a draw, if it was voided."""
    return next((r for r in records if r["type"] == "void" and r["draw"] == draw_hash), None)


def recusals_of(records: list[Record], draw_hash: str) -> list[Record]:
    """Every recusal of a draw, in ledger order."""
    return [r for r in records if r["type"] == "recusal" and r["draw"] == draw_hash]


def _refuse_if_void(found: Located, records: list[Record]) -> None:
    void = voided_by(records, found.record["hash"])
    if void is not None:
        raise RuleError(f"{found.label} 已于 {void['at'][:10]} 作废（{void['reason']}），不能再操作")


def reports_of(ws: Workspace, data: Dataset, found: Located) -> list[str]:
    """Every report file about the draw: those that loaded, and any other file named after it."""
    files = {data.where[("reports", n)][0] for n, r in enumerate(data.reports) if r.draw_hash == found.record["hash"]}
    folder = ws.root / REPORTS_DIR / found.section.id
    if folder.is_dir():
        prefix = f"{found.section.id}-{found.record['seq']}-"
        files |= {p.relative_to(ws.root).as_posix() for p in folder.glob("*.yaml") if p.name.startswith(prefix)}
    return sorted(files)


def published_of(ws: Workspace, draw_hash: str) -> set[str]:
    """The companies of a draw whose results a ``publish`` record has put out."""
    return {entity for h, entity in published_keys(read(ws.root / BUREAU_LEDGER)) if h == draw_hash}


def _refuse_if_checked(ws: Workspace, data: Dataset, found: Located) -> None:
    """A draw whose checks have begun (a report exists) or whose results were published stays."""
    published = published_of(ws, found.record["hash"])
    if published:
        raise RuleError(
            f"{found.label} 已有 {len(published)} 家单位的检查结果公开，不能作废：公开的结果和它所依据的抽取都要保留"
        )
    reports = reports_of(ws, data, found)
    if reports:
        shown = "、".join(reports[:3]) + ("等" if len(reports) > 3 else "")
        raise RuleError(
            f"{found.label} 已有检查报告（{shown}），检查已经开展，不能作废；"
            "如报告是误建的，请先删除报告文件并提交 git，再作废"
        )


def perform_void(ws: Workspace, draw_address: str, reason: str, operator: str | None,
                 now: dt.datetime | None = None) -> Written:
    """Abandon a draw (or an unused announcement), with its reason; it stays in the ledger for everyone to see."""
    if not reason.strip():
        raise SsjError("作废必须写明原因（--reason），原因会公开")
    data = load_bureau(ws)
    found = locate(ws, data, draw_address, kind=None)
    if found.record["type"] not in ("draw", "announce"):
        raise SsjError(f"{found.label} 是一条“{found.record['type']}”记录：只能作废抽取或抽取公告")
    if found.record["type"] == "draw":
        _refuse_if_checked(ws, data, found)
    state = git_state(ws, require_clean=False)
    at = now or data.now()

    def build(previous: list[Record]) -> Record:
        _refuse_if_void(found, previous)
        used = [r for r in previous if r["type"] == "draw" and r.get("announcement") == found.record["hash"]]
        if used:
            raise RuleError(f"公告 {found.label} 已用于抽取 {address(found.section, used[0]['seq'])}：请作废那次抽取")
        return stamp("void", at, operator_name(ws, operator), draw=found.record["hash"], reason=reason.strip())

    def message(record: Record) -> str:
        return f"作废 {found.label}（{address(found.section, record['seq'])}）：{record['reason']}"

    return write(ws, ledger_path(found.section.id), build, message, state,
                 label=lambda r: address(found.section, r["seq"]))


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
        _refuse_if_void(found, previous)
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
