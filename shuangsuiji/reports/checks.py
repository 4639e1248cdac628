"""The cross-checks of inspection reports (第十八至二十条) that ``ssj check`` runs: each report against its draw,
the team after recusals, certificates on the check dates, the checklist, dates, categories and evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shuangsuiji.core.canonical import sha256_hex
from shuangsuiji.core.recusal import current_team
from shuangsuiji.core.rederive import selected_ids
from shuangsuiji.errors import Severity, SsjError
from shuangsuiji.ledger.addresses import address, parse_address
from shuangsuiji.ledger.index import Index
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.lookup import resolve_section
from shuangsuiji.registry.models import Report
from shuangsuiji.registry.models.report import REQUIRED_WHEN_FINISHED
from shuangsuiji.registry.privacy import private_numbers
from shuangsuiji.reports.followup import follow_up_problems
from shuangsuiji.reports.review import review_problems

#: (where inside the report, message, severity) of one problem found in a report
Finding = tuple[tuple[Any, ...], str, Severity]


def check_reports(data: Dataset, today: dt.date, index: Index) -> None:
    """Cross-checks of every report against its draw, the team, certificates, evidence and categories."""
    seen: dict[tuple[str, str], int] = {}
    for n, report in enumerate(data.reports):
        key = (report.draw_hash, report.entity)
        if key in seen:
            path = data.where[("reports", seen[key])][0]
            data.report_at("reports", n, f"同一抽取、同一单位已有检查报告：{path}", ("entity",))
            continue
        seen[key] = n
        for loc, message, severity in _report_problems(data, index, report, today):
            data.report_at("reports", n, message, loc, severity)


def _report_problems(data: Dataset, index: Index, report: Report, today: dt.date) -> list[Finding]:
    problems = _completeness(report) + _private_problems(report)
    section = data.section(report.section)
    if section is None:
        return [*problems, (("section",), f"科室“{report.section}”不存在", "error")]
    found = index.by_hash(report.draw_hash)
    record = found[1] if found is not None and found[0] == section.id and found[1]["type"] == "draw" else None
    if record is None:
        return [*problems, (("draw_hash",), f"{section.name}的台账中没有这条抽取记录（draw_hash 不符）", "error")]
    if not _same_draw(data, report.draw, section.id, record["seq"]):
        problems.append((("draw",), f"draw 应为 {address(section, record['seq'])}（与 draw_hash 指向的记录一致）", "error"))
    if index.voided(record["hash"]) is not None:
        problems.append((("draw",), f"抽取 {address(section, record['seq'])} 已作废，不应有检查报告", "error"))
    if report.entity not in selected_ids(record):
        return [*problems, (("entity",), f"单位 {report.entity} 不在抽取 {address(section, record['seq'])} 的结果中", "error")]
    problems += _team_problems(data, report, record, index.follows(record["hash"], "recusal"))
    problems += _content_problems(data, report, record)
    problems += _timing_problems(report, today)
    problems += follow_up_problems(data, report, today)
    problems += recheck_document_problems(index, report, record)
    problems += _evidence_problems(data, report)
    return problems


def recheck_document_problems(index: Index, report: Report, record: dict[str, Any]) -> list[Finding]:
    """Each 复查 comes after the company's first 责令限期整改指令书 of this draw, and the 复查意见书 it cites is one
    issued (``ssj doc``) for this company of this draw: a 复查 cannot cite a paper that was never recorded."""
    documents = [d for d in index.follows(record["hash"], "document") if d.get("entity") == report.entity]
    by_number = {d["number"]: d for d in documents}
    orders = [d for d in documents if d.get("kind") == "责令限期整改指令书"]
    problems: list[Finding] = []
    for n, recheck in enumerate(report.rechecks):
        if orders and recheck.date.isoformat() < orders[0]["at"][:10]:
            problems.append((("rechecks", n, "date"), f"复查日期 {recheck.date} 早于责令限期整改指令书 {orders[0]['number']} "
                             f"的开具日期 {orders[0]['at'][:10]}：复查须在指令书之后", "error"))
        cited = by_number.get(recheck.document) if recheck.document else None
        if recheck.document and (cited is None or cited.get("kind") != "整改复查意见书"):
            what = f"是一份{cited['kind']}" if cited is not None else "不是台账中为本单位这次抽取开具的文书"
            problems.append((("rechecks", n, "document"), f"复查意见书编号 {recheck.document} {what}：请写用 "
                             f"ssj doc 整改复查意见书 {report.draw} {report.entity} 开具的编号", "error"))
    return problems


def _same_draw(data: Dataset, text: str, section_id: str, seq: int) -> bool:
    try:
        name, number = parse_address(text)
        return number == seq and resolve_section(data.sections, name).id == section_id
    except SsjError:
        return False


def _team_problems(data: Dataset, report: Report, record: dict[str, Any],
                   recusals: list[dict[str, Any]]) -> list[Finding]:
    team = current_team(record, report.entity, recusals)
    people = {p.id: p for p in data.inspectors}
    problems: list[Finding] = []
    for n, person_id in enumerate(report.inspectors):
        if person_id not in team:
            problems.append((("inspectors", n), f"{person_id} 不是该单位检查组的成员（检查组：{'、'.join(team)}）", "error"))
            continue
        person = people.get(person_id)
        late = [d for d in report.check_dates if person is not None and person.cert_expires < d]
        if late:
            problems.append((("inspectors", n), f"{person_id} 的执法证在检查日期 {late[0]} 已过期（第十八条）", "error"))
    if report.status == "已办结" and len(set(report.inspectors)) < 2:
        problems.append((("inspectors",), "检查人员至少 2 名（第十八条）", "error"))
    early = [d for d in report.check_dates if d < dt.date.fromisoformat(record["date"])]
    if early:
        problems.append((("check_dates",), f"检查日期 {early[0]} 早于抽取日期 {record['date']}", "error"))
    return problems


def _content_problems(data: Dataset, report: Report, record: dict[str, Any]) -> list[Finding]:
    problems: list[Finding] = []
    categories = {c.name: c for c in data.bureau.result_categories} if data.bureau else {}
    if report.result and report.result not in categories:
        problems.append((("result",), f"检查结果“{report.result}”不是 data/bureau.yaml 中的结果类别（可选：{'、'.join(categories)}）", "error"))
    # the contents are judged against the draw's checklist item, not a mistyped one in the report
    item = next((c for c in data.checklist if c.id == record.get("checklist_item")), None)
    if report.checklist_item != record.get("checklist_item"):
        problems.append((("checklist_item",), f"抽查事项应为 {record.get('checklist_item')}（与抽取记录一致）", "error"))
    for n, content in enumerate(report.contents):
        if item is not None and content not in item.contents:
            problems.append((("contents", n), f"检查内容“{content}”不在抽查事项 {item.id} 的检查内容中（第九条）", "error"))
    if report.status == "已办结" and report.major_violation and report.review is None:
        problems.append((("review",), "发现重大违法行为，须经集中审理（第二十条）：审理前不能公开，请用 ssj report review 记录审理意见", "warning"))
    if report.review is not None:
        problems += [(("review", *loc), message, "error")
                     for loc, message in review_problems(data, report.section, report.review)]
    if item is not None and report.method not in item.method:
        problems.append((("method",), f"检查方式“{report.method}”不在抽查事项 {item.id} 允许的方式中（{'、'.join(item.method)}）", "error"))
    category = categories.get(report.result or "")
    if report.status == "已办结" and report.check_dates and category is not None and category.serious:
        listed = {c.entity for c in data.credit if c.in_force_on(max(report.check_dates))}
        if report.entity not in listed:
            problems.append((("result",), f"结果为“{report.result}”，建议列入诚信档案（第二十三条）：ssj credit add {report.entity} …", "warning"))
    return problems


#: (field path, title) of the free text of a report that is published (SPEC §6: scanned for private numbers)
PUBLISHED_TEXT = ((("findings",), "检查情况"), (("handling",), "处理意见"), (("suggestions",), "建议"),
                  (("follow_up_to",), "移送或抄告机关"), (("review", "decision"), "集中审理意见"),
                  (("review", "penalty"), "处罚决定"))


def _private_problems(report: Report) -> list[Finding]:
    """Published free text holds no phone number, ID-card number or e-mail address of anyone."""
    problems: list[Finding] = []
    for path, title in PUBLISHED_TEXT:
        value: object = report
        for name in path:
            value = getattr(value, name, None)
        found = private_numbers(value if isinstance(value, str) else None)
        if found:
            problems.append((path, f"{title}中有个人信息（{'、'.join(found)}）：这一栏会公开，请删去", "error"))
    return problems


def _completeness(report: Report) -> list[Finding]:
    """A finished report holds everything 第十九条 asks for."""
    missing = [title for name, title in REQUIRED_WHEN_FINISHED if not getattr(report, name)]
    if report.status != "已办结" or not missing:
        return []
    return [(("status",), f"状态为“已办结”的报告必须填写：{'、'.join(missing)}（第十九条）", "error")]


def _timing_problems(report: Report, today: dt.date) -> list[Finding]:
    if not report.check_dates:
        return []
    last = max(report.check_dates)
    problems: list[Finding] = []
    if report.status == "已办结" and last > today:
        problems.append((("check_dates",), f"检查日期 {last} 晚于今天（{today}）：已办结的检查不能写将来的日期", "error"))
    if report.rectification_deadline is not None and report.rectification_deadline < last:
        problems.append((("rectification_deadline",), f"整改期限 {report.rectification_deadline} 早于检查日期 {last}", "error"))
    if report.review is not None and report.review.date < last:
        problems.append((("review", "date"), f"集中审理日期 {report.review.date} 早于检查日期 {last}", "error"))
    return problems


def _evidence_problems(data: Dataset, report: Report) -> list[Finding]:
    problems: list[Finding] = []
    for n, item in enumerate(report.evidence):
        parts = item.path.split("/")
        if not item.path.startswith("data/") or ".." in parts or "\\" in item.path:
            problems.append((("evidence", n, "path"), f"证据材料路径“{item.path}”应为仓库内 data/ 下的相对路径，如 data/evidence/…", "error"))
            continue
        content = data.files.read(item.path) if data.files is not None else None
        if content is None:
            problems.append((("evidence", n, "path"), f"证据材料 {item.path} 不存在", "error"))
        elif sha256_hex(content) != item.sha256:
            problems.append((("evidence", n, "sha256"), f"证据材料 {item.path} 的 SHA-256 不符（文件被改动或替换过）", "error"))
    return problems
