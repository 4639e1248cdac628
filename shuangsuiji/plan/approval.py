"""``ssj plan approve``: record the 班子会议's approval in the plan file and the bureau ledger (第七条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shuangsuiji.errors import RuleError, SsjError
from shuangsuiji.ledger.index import Index
from shuangsuiji.ledger.store import Record
from shuangsuiji.ledger.writing import Written, git_state, operator_name, stamp, write
from shuangsuiji.plan.checks import check_plans
from shuangsuiji.plan.digest import annual_plan_digest, temporary_plan_digest
from shuangsuiji.plan.rules import APPROVAL_PHRASES, approval_problem
from shuangsuiji.registry import yamlio
from shuangsuiji.registry.checks import check_registry
from shuangsuiji.registry.loading import Dataset, load_bureau
from shuangsuiji.workspace import BUREAU_LEDGER, Workspace, plan_path


def perform_approval(
    ws: Workspace, year: int, temporary: str | None, meeting: str, approved_on: dt.date, approver: str,
    operator: str | None, now: dt.datetime | None = None,
) -> Written:
    """Pin the plan's current content with its digest; refuse a plan that does not pass its checks."""
    if not meeting.strip() or not approver.strip():
        raise SsjError("请写明审批会议（--meeting）和批准人（--approver）")
    data = load_bureau(ws)
    rel = plan_path(year)
    _refuse_broken_plan(ws, data, rel, year)
    raw = data.raw_plans[year]
    target, digest = _target(raw, year, temporary)
    current = target.get("approval") or {}
    if current.get("digest") == digest and approval_problem(data, year, temporary, digest) is None:
        raise RuleError(f"{_name(year, temporary)}已于 {current.get('date')} 审批，内容没有变化，无需重新审批")
    document = yamlio.load_round_trip(rel, (ws.root / rel).read_bytes())
    editable = document if temporary is None else next(t for t in document["temporary"] if t["id"] == temporary)
    editable["approval"] = {"meeting": meeting.strip(), "date": approved_on, "approver": approver.strip(),
                            "digest": yamlio.quoted(digest)}
    state = git_state(ws, require_clean=False)
    at = now or data.now()

    def build(index: Index) -> Record:
        return stamp("plan_approval", at, operator_name(ws, operator), year=year, plan=temporary,
                     meeting=meeting.strip(), approved_on=approved_on.isoformat(), approver=approver.strip(), digest=digest)

    def message(record: Record) -> str:
        return f"审批 {_name(year, temporary)}：{record['meeting']}（{record['approved_on']}）"

    files = {rel: yamlio.dump_round_trip(document)}
    return write(ws, BUREAU_LEDGER, build, message, state, files=files)


def _refuse_broken_plan(ws: Workspace, data: Dataset, rel: str, year: int) -> None:

    if year not in data.plans:
        problems = [p for p in data.problems if p.path == rel]
        detail = "；".join(str(p) for p in problems[:3]) or f"没有 {rel}"
        raise SsjError(f"无法审批 {year} 年度计划：{detail}")
    check_plans(check_registry(data, data.today()), data.today())
    blocking = [p for p in data.errors if p.path == rel and not any(words in p.message for words in APPROVAL_PHRASES)]
    if blocking:
        raise SsjError(f"计划文件有 {len(blocking)} 处错误，改正后才能审批", blocking)


def _target(raw: dict[str, Any], year: int, temporary: str | None) -> tuple[dict[str, Any], str]:
    if temporary is None:
        return raw, annual_plan_digest(raw)
    for entry in raw.get("temporary") or []:
        if entry.get("id") == temporary:
            return entry, temporary_plan_digest(entry)
    known = "、".join(str(t.get("id")) for t in raw.get("temporary") or []) or "无"
    raise SsjError(f"{year} 年计划中没有临时检查计划“{temporary}”（已有：{known}）")


def _name(year: int, temporary: str | None) -> str:
    return f"{year} 年度检查计划" if temporary is None else f"临时检查计划 {temporary}"
