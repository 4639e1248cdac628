"""From a check to a closed case: 后续处置 (责令限期整改, 立案查处, 移送, 抄告, 无需处置), 整改复查 after every
整改 order, what a 书面检查 asked for and when it arrived, and when a case may be closed. One set of rules,
used by ``ssj check`` (on the files) and by ``ssj report recheck`` / ``ssj report close`` (before writing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shuangsuiji.errors import Severity
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.models import Report

#: (where inside the report, message, severity)
Finding = tuple[tuple[Any, ...], str, Severity]

ORDER = "责令限期整改"
#: follow-ups that carry a case on when a 复查 finds the order not met
ESCALATIONS = ("立案查处", "移送")


def follow_up_problems(data: Dataset, report: Report, today: dt.date) -> list[Finding]:
    """Every problem of a report's follow-up, rechecks, materials and closure."""
    return (_follow_up(data, report) + _rechecks(report, today) + _materials(report, today)
            + closing_problems(report, report.closed, today))


def _follow_up(data: Dataset, report: Report) -> list[Finding]:
    problems: list[Finding] = []
    kinds = report.follow_up
    if "无需处置" in kinds and len(kinds) > 1:
        problems.append((("follow_up",), "“无需处置”不能与其他后续处置同时填写", "error"))
    if ORDER in kinds and report.rectification_deadline is None:
        problems.append((("rectification_deadline",), "后续处置有“责令限期整改”，须写明整改期限（rectification_deadline）", "error"))
    if report.rectification_deadline is not None and ORDER not in kinds:
        problems.append((("rectification_deadline",), "写了整改期限，请在后续处置（follow_up）中写明“责令限期整改”", "warning"))
    if any(k in kinds for k in ("移送", "抄告")) and not report.follow_up_to:
        problems.append((("follow_up_to",), "后续处置有“移送”或“抄告”，须写明接收的机关（follow_up_to）", "error"))
    categories = {c.name: c for c in data.bureau.result_categories} if data.bureau else {}
    category = categories.get(report.result or "")
    if report.status == "已办结" and category is not None and category.problem and not kinds:
        problems.append((("result",), f"结果为“{report.result}”，请写明后续处置（follow_up：责令限期整改、立案查处、移送、抄告）",
                         "warning"))
    return problems


def _rechecks(report: Report, today: dt.date) -> list[Finding]:
    problems: list[Finding] = []
    if report.rechecks and ORDER not in report.follow_up:
        problems.append((("rechecks",), "没有“责令限期整改”的后续处置，不需要整改复查", "error"))
    last = max(report.check_dates) if report.check_dates else None
    previous: dt.date | None = None
    for n, recheck in enumerate(report.rechecks):
        if last is not None and recheck.date < last:
            problems.append((("rechecks", n, "date"), f"复查日期 {recheck.date} 早于检查日期 {last}（复查在整改指令之后）", "error"))
        if recheck.date > today:
            problems.append((("rechecks", n, "date"), f"复查日期 {recheck.date} 晚于今天（{today}）", "error"))
        if previous is not None and recheck.date < previous:
            problems.append((("rechecks", n, "date"), f"复查日期 {recheck.date} 早于上一次复查（{previous}）：请按时间先后填写", "error"))
        previous = recheck.date
    deadline = report.rectification_deadline
    if (ORDER in report.follow_up and deadline is not None and deadline < today and not report.rechecks
            and report.closed is None):
        problems.append((("rectification_deadline",), f"整改期限 {deadline} 已过，尚未复查（ssj report recheck）", "warning"))
    return problems


def _materials(report: Report, today: dt.date) -> list[Finding]:
    if report.method != "书面":
        if report.materials:
            return [(("materials",), "只有书面检查才列出要求提交的材料（method: 书面）", "error")]
        return []
    problems: list[Finding] = []
    if report.status == "已办结" and not report.materials:
        problems.append((("materials",), "书面检查须列出要求企业提交的材料及期限（materials：name、due、received）", "error"))
    for n, material in enumerate(report.materials):
        if material.received is not None and material.received > today:
            problems.append((("materials", n, "received"), f"收到日期 {material.received} 晚于今天（{today}）", "error"))
        elif material.received is not None and material.received > material.due:
            problems.append((("materials", n, "received"), f"“{material.name}”逾期提交（期限 {material.due}，"
                             f"收到 {material.received}）", "warning"))
        elif material.received is None and material.due < today:
            problems.append((("materials", n), f"“{material.name}”已过提交期限 {material.due}，尚未收到", "warning"))
    return problems


def closing_problems(report: Report, closed: dt.date | None, today: dt.date) -> list[Finding]:
    """Why the case may not be (or have been) closed on ``closed``; nothing when ``closed`` is None."""
    if closed is None:
        return []
    where: tuple[Any, ...] = ("closed",)
    problems: list[Finding] = []
    if report.status != "已办结":
        problems.append((where, "报告尚未办结（status 应为 已办结），不能结案", "error"))
    if closed > today:
        problems.append((where, f"结案日期 {closed} 晚于今天（{today}）", "error"))
    dates = [*report.check_dates, *(r.date for r in report.rechecks)]
    if dates and closed < max(dates):
        problems.append((where, f"结案日期 {closed} 早于最后一次检查或复查（{max(dates)}）", "error"))
    if report.major_violation and report.review is None:
        problems.append((where, "重大违法行为须经集中审理后才能结案（第二十条）", "error"))
    if ORDER in report.follow_up:
        if not report.rechecks:
            problems.append((where, "责令限期整改的案件须经整改复查后才能结案（ssj report recheck）", "error"))
        elif report.rechecks[-1].outcome != "已整改" and not any(k in report.follow_up for k in ESCALATIONS):
            problems.append((where, f"最近一次复查结论为“{report.rechecks[-1].outcome}”：整改完成后再复查，"
                             "或依法立案查处、移送（写入 follow_up）后才能结案", "error"))
    if report.method == "书面" and any(m.received is None for m in report.materials):
        problems.append((where, "书面检查要求的材料尚未全部收到，不能结案", "error"))
    return problems
