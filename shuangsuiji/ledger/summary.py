"""Ledger records in words: one line about any record (``ssj log``, the published list of records), and a
draw's companies row by row with their strata, tickets and teams (``ssj show``, the sheet, the page)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from shuangsuiji.core.tickets import smallest
from shuangsuiji.core.words import FAIRNESS_SHORT, RECORD_TYPES
from shuangsuiji.registry.models import Section


def describe(record: dict[str, Any], addresses: Mapping[str, str] | None = None,
             section_names: Mapping[str, str] | None = None) -> str:
    """One line about any ledger record, for ``ssj log`` and the published list of records.

    ``addresses`` maps record hashes to addresses (``二股-3``), so that a void or recusal names its draw;
    ``section_names`` maps section ids to names, so that a borrowed inspector's section reads 执法大队, not zhifa.
    """
    kind = record.get("type", "")
    known = addresses or {}
    if kind == "draw":
        selected = sum(s["k"] for s in record["strata"])
        announced = known.get(record.get("announcement") or "")
        basis = f"（按公告 {announced}）" if announced else ""
        marks = "；基于未提交的数据（--allow-dirty）" if record.get("dirty") else ""
        if record.get("again"):
            marks += f"；间隔不足规定天数再次抽取：{record['again']}"
        return (f"抽取日期 {record['date']}，抽中 {selected} 家，{len(record['inspectors']['teams'])} 组，"
                f"{FAIRNESS_SHORT[record['fairness']]}{basis}{marks}")
    if kind == "failed":
        return f"抽取未成（{FAIRNESS_SHORT.get(record.get('fairness', ''), '')}，种子 {record.get('seed')}）：{record.get('reason')}"
    if kind == "announce":
        sources = "、".join(f"{s['game']}第{s['period']}期" for s in record.get("sources", []))
        return f"公告 {record['date']} 抽取；种子取自 {sources}（{record.get('not_before', '')[:16].replace('T', ' ')} 后开奖）"
    if kind == "void":
        target = known.get(record["draw"])
        return f"作废 {target}：{record['reason']}" if target else f"作废原因：{record['reason']}"
    if kind == "recusal":
        target = known.get(record["draw"])
        where = f"{target}，" if target else ""
        lender = record.get("from_section")
        borrowed = f"，从{(section_names or {}).get(lender, lender)}抽调" if lender else ""
        return (f"回避替换：{record['inspector']} → {record['replacement']}"
                f"（{where}{record['entity']}，{record['reason']}{borrowed}）")
    if kind == "targeted":
        return f"非随机检查（{record['basis']}，{record['reference']}）：{len(record['entities'])} 家"
    if kind == "document":
        target = known.get(record.get("draw", ""))
        where = f"{target}，" if target else ""
        return f"{record.get('kind', '抽查文书')} {record.get('number')}（{where}{record.get('entity')}）"
    if kind == "plan_approval":
        plan = f"{record.get('year')} 年临时计划 {record['plan']}" if record.get("plan") else f"{record.get('year')} 年度检查计划"
        return f"审批 {plan}：{record.get('meeting')}（{record.get('approved_on')}，{record.get('approver')}）"
    if kind == "checklist_approval":
        return f"审批随机抽查事项清单：{record.get('meeting')}（{record.get('date')}，{record.get('approver')}）"
    if kind == "publish":
        covered = "、".join((section_names or {}).get(s, s) for s in record.get("sections") or [])
        return f"公开 {record.get('results')} 项检查结果（{covered}）"
    return RECORD_TYPES.get(kind, kind)


def section_name(sections: Iterable[Section], section_id: str) -> str:
    """A section as people read it (执法大队) from the id a record keeps (zhifa); the id when it left the registry."""
    return next((s.name for s in sections if s.id == section_id), section_id)


class DrawRow(NamedTuple):
    """One selected company of a draw, as people read it."""

    entity: str
    stratum: str
    ticket: str
    team: int
    #: every team had inspected the company within a year: assigned by the plain rule
    rotation_ignored: bool


def draw_rows(record: dict[str, Any]) -> list[DrawRow]:
    """Every company a draw selected, in assignment (merged ticket) order; tickets are recomputed, not stored."""
    stratum_of = {entity: s["name"] for s in record["strata"] for entity in s["selected"]}
    ordered = sorted(t for s in record["strata"] for t in smallest(s["selected"], record["seed"], len(s["selected"])))
    teams = record.get("assignments") or [-1] * len(ordered)
    ignored = set(record.get("rotation_ignored") or ())
    return [DrawRow(t.id, stratum_of[t.id], t.ticket, team, t.id in ignored) for t, team in zip(ordered, teams, strict=True)]
