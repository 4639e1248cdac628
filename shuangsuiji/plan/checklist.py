"""The 清单 under approval (第八、十条): ``ssj checklist approve`` records the checklist's digest in the bureau
ledger; ``ssj check`` and every draw compare ``data/checklist.yaml`` with its latest approval.

The digest is that of the checklist exactly as a bundle publishes it (``checklist.json``: the public fields of
every item, in order), so anyone holding a bundle can recompute it and find its approval in the bureau ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from shuangsuiji.core.canonical import digest
from shuangsuiji.errors import RuleError, Severity, SsjError
from shuangsuiji.ledger.index import Index
from shuangsuiji.ledger.store import Record
from shuangsuiji.ledger.writing import Written, git_state, operator_name, stamp, write
from shuangsuiji.plan.rules import bureau_records
from shuangsuiji.registry.checks import check_registry
from shuangsuiji.registry.loading import Dataset, load_bureau
from shuangsuiji.registry.models import ChecklistItem
from shuangsuiji.registry.privacy import public_dict
from shuangsuiji.workspace import BUREAU_LEDGER, CHECKLIST, Workspace

#: Words of the problems ``ssj checklist approve`` itself resolves (it must not refuse because of them).
CHECKLIST_APPROVAL_PHRASES = ("清单尚未审批", "清单在审批后被修改")


def published_checklist(items: Sequence[ChecklistItem]) -> list[dict[str, Any]]:
    """The checklist as a bundle's ``checklist.json`` holds it: the public fields of every item, in order."""
    return [public_dict(item) for item in items]


def checklist_digest(items: Sequence[ChecklistItem]) -> str:
    """SHA-256 of the RFC 8785 form of the published checklist: what an approval and a draw pin."""
    return digest(published_checklist(items))


def checklist_approvals(data: Dataset) -> list[dict[str, Any]]:
    """The ``checklist_approval`` records of the bureau ledger, in order (only those of its intact chain)."""
    return bureau_records(data, "checklist_approval")


def checklist_problem(data: Dataset) -> tuple[Severity, str] | None:
    """(severity, why) when the checklist in ``data/checklist.yaml`` is not the one last approved, or None.

    Never approved is a warning for ``ssj check`` (a new bureau drafts its 清单 first) and a refusal for a
    draw; changed since its latest approval is an error for both (第十条: it changes only with approval).
    """
    approvals = checklist_approvals(data)
    if not approvals:
        return "warning", ("随机抽查事项清单尚未审批（第八、十条），审批前不能抽取："
                           "请在局长办公会审定后运行 ssj checklist approve 记录审批")
    latest = approvals[-1]
    if latest.get("digest") != checklist_digest(data.checklist):
        recorded = str(latest.get("digest"))[:12]
        return "error", (f"随机抽查事项清单在审批后被修改：与局台账中最近一次审批（{latest.get('date')}，"
                         f"{latest.get('meeting')}，摘要 {recorded}…）不符（第十条：清单变更须经审批）。"
                         "请恢复原内容，或经审定后运行 ssj checklist approve 重新审批")
    return None


def approved_checklist(data: Dataset) -> str:
    """The digest of the checklist a draw uses, when it is the one last approved; refuses otherwise."""
    problem = checklist_problem(data)
    if problem is not None:
        raise RuleError(problem[1].replace("审批前不能抽取：", "不能抽取："))
    return checklist_digest(data.checklist)


def check_checklist(data: Dataset) -> None:
    """``ssj check``: the checklist's approval state, as a problem of ``data/checklist.yaml``."""
    if not data.checklist:
        return  # an empty checklist is reported where the file is loaded
    problem = checklist_problem(data)
    if problem is not None:
        severity, message = problem
        data.report((CHECKLIST, ("items",)), message, severity)


def perform_checklist_approval(
    ws: Workspace, meeting: str, approved_on: dt.date | None, approver: str, operator: str | None,
    now: dt.datetime | None = None,
) -> Written:
    """Record the approval of the checklist as it stands; refuse a checklist with errors or one unchanged."""
    if not meeting.strip() or not approver.strip():
        raise SsjError("请写明审定会议或文号（--meeting）和批准人（--approver）")
    data = load_bureau(ws)
    _refuse_broken_checklist(data)
    current = checklist_digest(data.checklist)
    approvals = checklist_approvals(data)
    if approvals and approvals[-1].get("digest") == current:
        raise RuleError(f"随机抽查事项清单已于 {approvals[-1].get('date')} 审批（{approvals[-1].get('meeting')}），"
                        "内容没有变化，无需重新审批")
    at = now or data.now()
    approved_on = approved_on or at.date()
    if approved_on > at.date():
        raise SsjError(f"批准日期 {approved_on} 晚于今天（{at.date()}）：只能记录已经作出的审批")
    if approvals and str(approvals[-1].get("date")) > approved_on.isoformat():
        raise RuleError(f"批准日期 {approved_on} 早于上一次审批（{approvals[-1].get('date')}，{approvals[-1].get('meeting')}）："
                        "新的审批只能在上一次之后，请核对 --date")
    state = git_state(ws, require_clean=False)

    def build(index: Index) -> Record:
        return stamp("checklist_approval", at, operator_name(ws, operator), digest=current,
                     meeting=meeting.strip(), approver=approver.strip(), date=approved_on.isoformat())

    def message(record: Record) -> str:
        return f"审批随机抽查事项清单：{record['meeting']}（{record['date']}）"

    return write(ws, BUREAU_LEDGER, build, message, state)


def _refuse_broken_checklist(data: Dataset) -> None:
    if not data.checklist:
        problems = [p for p in data.problems if p.path == CHECKLIST]
        detail = "；".join(str(p) for p in problems[:3]) or f"{CHECKLIST} 中没有抽查事项"
        raise SsjError(f"无法审批随机抽查事项清单：{detail}")
    check_registry(data, data.today())
    blocking = [p for p in data.errors if p.path == CHECKLIST
                and not any(words in p.message for words in CHECKLIST_APPROVAL_PHRASES)]
    if blocking:
        raise SsjError(f"{CHECKLIST} 有 {len(blocking)} 处错误，改正后才能审批", blocking)

