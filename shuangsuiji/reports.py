"""Inspection reports (第十九条): a prefilled file per drawn company, its review (第二十条), its checks."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import paths
from .canonical import sha256_hex
from .draw import current_team
from .errors import RuleError, Severity, SsjError
from .followups import locate, recusals_of, voided_by
from .loading import Dataset
from .lookup import address, parse_address, resolve_section
from .models import Report
from .models.report import REQUIRED_WHEN_FINISHED
from .workspace import Workspace

#: (where inside the report, message, severity) of one problem found in a report
Finding = tuple[tuple[Any, ...], str, Severity]


def report_path(section_id: str, seq: int, entity: str) -> str:
    """``data/reports/<section id>/<section id>-<seq>-<company id>.yaml``."""
    return f"{paths.REPORTS_DIR}/{section_id}/{section_id}-{seq}-{entity}.yaml"


@dataclass(frozen=True)
class DrawnCheck:
    """One company of one draw: what a report is about."""

    section_id: str
    seq: int
    record: dict[str, Any]
    entity: str
    team: list[str]
    label: str


def drawn_check(ws: Workspace, data: Dataset, draw_address: str, entity: str) -> DrawnCheck:
    """The company ``entity`` of draw ``draw_address``, with its team after recusals; refuses void draws."""
    found = locate(ws, data, draw_address)
    if voided_by(found.records, found.record["hash"]) is not None:
        raise RuleError(f"{found.label} 已作废，不能为它填写检查报告")
    if entity not in {a["entity"] for a in found.record["assignments"]}:
        chosen = "、".join(a["entity"] for a in found.record["assignments"][:5])
        raise SsjError(f"单位 {entity} 不在 {found.label} 的抽取结果中（例如：{chosen} …）")
    team = current_team(found.record, entity, recusals_of(found.records, found.record["hash"]))
    return DrawnCheck(found.section.id, found.record["seq"], found.record, entity, team, found.label)


def new_report(ws: Workspace, draw_address: str, entity: str) -> Path:
    """Write a report file prefilled from the draw (team, 执法证号, checklist contents); refuse to overwrite."""
    data = ws.load()
    check = drawn_check(ws, data, draw_address, entity.strip())
    rel = report_path(check.section_id, check.seq, check.entity)
    target = ws.root / rel
    if target.exists():
        raise SsjError(f"检查报告已存在：{rel}（直接编辑该文件即可）")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_template(data, check), encoding="utf-8", newline="\n")
    return target


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def _template(data: Dataset, check: DrawnCheck) -> str:
    entity = next((e for e in data.entities if e.id == check.entity), None)
    people = {p.id: p for p in data.inspectors}
    item_id = check.record.get("checklist_item")
    item = next((c for c in data.checklist if c.id == item_id), None)
    team = "、".join(f"{people[i].name}（{people[i].cert_no}）" if i in people else i for i in check.team)
    categories = "、".join(c.name for c in data.bureau.result_categories) if data.bureau else ""
    name = f"{entity.name}，地址 {entity.address}" if entity else check.entity
    lines = [
        f"# 检查报告（《细则》第十九条）：抽取记录 {check.label}，检查对象 {name}",
        f"# 检查组：{team}",
        "# 填写说明：全部内容填好后把 status 改为 已办结；result 从以下类别中选一：",
        f"#   {categories}",
        "# major_violation 为 true（发现重大违法行为）时，须经集中审理（ssj report review）后才能公开（第二十条）。",
        "# 证据材料用 ssj report evidence 本文件 材料文件 添加（自动计算 SHA-256）。",
        f"draw: {_q(check.label)}",
        f"draw_hash: {_q(check.record['hash'])}",
        f"section: {check.section_id}",
        f"entity: {_q(check.entity)}",
        f"checklist_item: {_q(item_id) if item_id else 'null'}",
        "status: 草稿                     # 草稿 / 已办结",
        "check_dates: []                  # 检查日期，如 [2026-12-03]",
        f"method: {item.method[0] if item else '现场'}                     # 现场 / 书面",
        "contents:                        # 本次检查覆盖的检查内容（来自抽查事项清单，可删去未检查的）",
        *[f"  - {_q(c)}" for c in (item.contents if item else [])],
        "inspectors:                      # 实际参加检查的人员工号：至少 2 人，须为本组成员（含回避替补）",
        *[f"  - {_q(i)}" for i in check.team],
        "findings: \"\"                     # 现场检查情况",
        "result: \"\"                       # 检查结果类别",
        "handling: \"\"                     # 处理意见",
        "suggestions: \"\"                  # 建议",
        "rectification_deadline: null     # 整改期限，如 2026-12-31",
        "evidence: []                     # 证据材料（path 与 sha256）",
        "major_violation: false           # 是否发现重大违法行为",
        "review: null                     # 集中审理（第二十条）：date、decision、penalty、signed_by",
    ]
    if not item:
        lines.insert(13, "# 注意：这次抽取没有对应的抽查事项，请手工填写检查内容")
    return "\n".join(lines) + "\n"


def check_reports(data: Dataset, today: dt.date) -> None:
    """Cross-checks of every report against its draw, the team, certificates, evidence and categories."""
    seen: dict[tuple[str, str], int] = {}
    for index, report in enumerate(data.reports):
        key = (report.draw_hash, report.entity)
        if key in seen:
            path = data.where[("reports", seen[key])][0]
            data.report_at("reports", index, f"同一抽取、同一单位已有检查报告：{path}", ("entity",))
            continue
        seen[key] = index
        for loc, message, severity in _report_problems(data, report, today):
            data.report_at("reports", index, message, loc, severity)


def _report_problems(data: Dataset, report: Report, today: dt.date) -> list[Finding]:
    problems = _completeness(report)
    section = data.section(report.section)
    if section is None:
        return [*problems, (("section",), f"科室“{report.section}”不存在", "error")]
    records = data.ledger(section.id)
    record = next((r for r in records if r.get("hash") == report.draw_hash and r.get("type") == "draw"), None)
    if record is None:
        return [*problems, (("draw_hash",), f"{section.name}的台账中没有这条抽取记录（draw_hash 不符）", "error")]
    if not _same_draw(data, report.draw, section.id, record["seq"]):
        problems.append((("draw",), f"draw 应为 {address(section, record['seq'])}（与 draw_hash 指向的记录一致）", "error"))
    if voided_by(records, record["hash"]) is not None:
        problems.append((("draw",), f"抽取 {address(section, record['seq'])} 已作废，不应有检查报告", "error"))
    if report.entity not in {a["entity"] for a in record["assignments"]}:
        return [*problems, (("entity",), f"单位 {report.entity} 不在抽取 {address(section, record['seq'])} 的结果中", "error")]
    problems += _team_problems(data, report, record, records)
    problems += _content_problems(data, report, record)
    problems += _timing_problems(report)
    problems += _evidence_problems(data, report)
    return problems


def _same_draw(data: Dataset, text: str, section_id: str, seq: int) -> bool:
    try:
        name, number = parse_address(text)
        return number == seq and resolve_section(data.sections, name).id == section_id
    except SsjError:
        return False


def _team_problems(data: Dataset, report: Report, record: dict[str, Any],
                   records: list[dict[str, Any]]) -> list[Finding]:
    team = current_team(record, report.entity, recusals_of(records, record["hash"]))
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
    if item is not None and report.method not in item.method:
        problems.append((("method",), f"检查方式“{report.method}”不在抽查事项 {item.id} 允许的方式中（{'、'.join(item.method)}）", "error"))
    category = categories.get(report.result or "")
    if report.status == "已办结" and report.check_dates and category is not None and category.serious:
        listed = {c.entity for c in data.credit if c.in_force_on(max(report.check_dates))}
        if report.entity not in listed:
            problems.append((("result",), f"结果为“{report.result}”，建议列入诚信档案（第二十三条）：ssj credit add {report.entity} …", "warning"))
    return problems


def _completeness(report: Report) -> list[Finding]:
    """A finished report holds everything 第十九条 asks for."""
    missing = [title for name, title in REQUIRED_WHEN_FINISHED if not getattr(report, name)]
    if report.status != "已办结" or not missing:
        return []
    return [(("status",), f"状态为“已办结”的报告必须填写：{'、'.join(missing)}（第十九条）", "error")]


def _timing_problems(report: Report) -> list[Finding]:
    if not report.check_dates:
        return []
    last = max(report.check_dates)
    problems: list[Finding] = []
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


def _edit(ws: Workspace, report_file: Path) -> tuple[str, Any]:
    target = report_file if report_file.is_absolute() else (Path.cwd() / report_file)
    if not report_file.is_absolute() and not target.exists() and (ws.root / report_file).exists():
        target = ws.root / report_file  # data/reports/… as the help shows it, with --repo from elsewhere
    try:
        rel = target.resolve().relative_to(ws.root.resolve()).as_posix()
    except ValueError:
        raise SsjError(f"{report_file} 不在数据仓库 {ws.root} 中") from None
    if not rel.startswith(paths.REPORTS_DIR + "/") or not target.is_file():
        raise SsjError(f"{rel} 不是 {paths.REPORTS_DIR}/ 下的检查报告文件")
    from . import yamlio

    return rel, yamlio.load_round_trip(rel, target.read_bytes())


def _save(ws: Workspace, rel: str, document: Any, before_write: Any = None) -> None:
    """Validate, then (``before_write``, e.g. copying evidence, and) write: a refused edit changes nothing."""
    from pydantic import ValidationError

    from . import yamlio
    from .fsutil import write_atomic
    from .schema_errors import translate

    data = yamlio.dump_round_trip(document)
    try:
        Report.model_validate(yamlio.load(rel, data))
    except ValidationError as exc:
        raise SsjError(f"{rel}：{translate(exc.errors()[0], Report)}") from None
    if before_write is not None:
        before_write()
    write_atomic(ws.root / rel, data)


def record_review(ws: Workspace, report_file: Path, day: dt.date, decision: str, penalty: str | None,
                  signed_by: str) -> str:
    """Write the central review (集中审理, 第二十条) into a report with a major violation."""
    rel, document = _edit(ws, report_file)
    if not document.get("major_violation"):
        raise RuleError(f"{rel} 没有标记重大违法行为（major_violation: true），无需集中审理")
    if not decision.strip() or not signed_by.strip():
        raise SsjError("请写明审理意见（--decision）和签发人（--signed-by）")
    review: dict[str, Any] = {"date": day, "decision": decision.strip(), "signed_by": signed_by.strip()}
    if penalty and penalty.strip():
        review["penalty"] = penalty.strip()
    document["review"] = review
    _save(ws, rel, document)
    return rel


def add_evidence(ws: Workspace, report_file: Path, source: Path, note: str | None) -> tuple[str, str]:
    """Copy an evidence file into ``data/evidence/…`` (unless it is there already) and pin its SHA-256."""
    import shutil

    rel, document = _edit(ws, report_file)
    if not source.is_file():
        raise SsjError(f"找不到证据文件 {source}")
    resolved = source.resolve()
    root = ws.root.resolve()
    content = resolved.read_bytes()
    digest = sha256_hex(content)
    target = resolved
    if not resolved.is_relative_to(root / paths.EVIDENCE_DIR):
        target = root / paths.EVIDENCE_DIR / Path(rel).parent.name / Path(rel).stem / source.name
        if target.exists() and target.read_bytes() != content:  # kept evidence is never overwritten
            raise SsjError(f"{target.relative_to(root).as_posix()} 已有同名文件且内容不同：已登记的证据材料不能覆盖，"
                           "请把新文件改名后再添加")
    stored = target.relative_to(root).as_posix()

    def copy() -> None:
        if target != resolved and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(resolved, target)

    entry: dict[str, Any] = {"path": stored, "sha256": digest}
    if note:
        entry["note"] = note
    evidence = document.get("evidence") or []
    evidence.append(entry)
    document["evidence"] = evidence
    _save(ws, rel, document, copy)
    return stored, digest
