"""Inspection reports (第十九条): a prefilled file per drawn company, its review (第二十条) and evidence.

The checks ``ssj check`` runs on reports live in :mod:`report_checks`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shuangsuiji.core.canonical import sha256_hex
from shuangsuiji.core.recusal import current_team
from shuangsuiji.core.rederive import selected_ids
from shuangsuiji.errors import RuleError, SsjError
from shuangsuiji.ledger.addresses import locate
from shuangsuiji.ledger.queries import open_index
from shuangsuiji.registry.commits import Saved, save
from shuangsuiji.registry.loading import Dataset, load_bureau
from shuangsuiji.registry.models import Report
from shuangsuiji.workspace import EVIDENCE_DIR, REPORTS_DIR, Workspace


def report_path(section_id: str, seq: int, entity: str) -> str:
    """``data/reports/<section id>/<section id>-<seq>-<company id>.yaml``."""
    return f"{REPORTS_DIR}/{section_id}/{section_id}-{seq}-{entity}.yaml"


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
    index = open_index(ws)
    try:
        found = locate(index, data, draw_address)
        void, recusals = index.voided(found.record["hash"]), index.follows(found.record["hash"], "recusal")
    finally:
        index.close()
    if void is not None:
        raise RuleError(f"{found.label} 已作废，不能为它填写检查报告")
    selected = selected_ids(found.record)
    if entity not in selected:
        raise SsjError(f"单位 {entity} 不在 {found.label} 的抽取结果中（例如：{'、'.join(selected[:5])} …）")
    team = current_team(found.record, entity, recusals)
    return DrawnCheck(found.section.id, found.record["seq"], found.record, entity, team, found.label)


def new_report(ws: Workspace, draw_address: str, entity: str, commit: bool = True) -> Saved:
    """Write (and commit) a report file prefilled from the draw (team, 执法证号, checklist contents); refuse to
    overwrite."""
    data = load_bureau(ws)
    check = drawn_check(ws, data, draw_address, entity.strip())
    rel = report_path(check.section_id, check.seq, check.entity)
    if (ws.root / rel).exists():
        raise SsjError(f"检查报告已存在：{rel}（直接编辑该文件即可）")
    content = _template(data, check).encode("utf-8")
    return save(ws, "ssj report new", {rel: content}, f"检查报告：{check.label} {check.entity}", commit=commit)


def new_reports(ws: Workspace, draw_address: str, commit: bool = True) -> Saved:
    """A prefilled report for every company of the draw that has none yet, in one commit (``ssj report new --all``)."""
    data = load_bureau(ws)
    index = open_index(ws)
    try:
        found = locate(index, data, draw_address)
    finally:
        index.close()
    files = {}
    for entity in selected_ids(found.record):
        check = drawn_check(ws, data, draw_address, entity)
        rel = report_path(check.section_id, check.seq, check.entity)
        if not (ws.root / rel).exists():
            files[rel] = _template(data, check).encode("utf-8")
    if not files:
        raise SsjError(f"{found.label} 抽中的单位都已有检查报告（data/reports/{found.section.id}/）")
    return save(ws, "ssj report new --all", files, f"检查报告：{found.label} 抽中的 {len(files)} 家单位", commit=commit)


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
        "rectification_deadline: null     # 整改期限，如 2026-12-31（后续处置有 责令限期整改 时必填）",
        "follow_up: []                    # 后续处置：责令限期整改、立案查处、移送、抄告、无需处置（可多选）",
        "follow_up_to: null               # 移送或抄告的机关",
        "evidence: []                     # 证据材料（path 与 sha256）",
        "major_violation: false           # 是否发现重大违法行为",
        "review: null                     # 集中审理（第二十条）：date、decision、penalty、cosigned_by、number、signed_by",
        "rechecks: []                     # 整改复查：用 ssj report recheck 添加（date、outcome、document）",
        "materials: []                    # 书面检查：要求提交的材料，每项 name、due（提交期限）、received（收到日期）",
        "closed: null                     # 结案日期：整改复查、集中审理都完成后用 ssj report close",
    ]
    if not item:
        lines.insert(13, "# 注意：这次抽取没有对应的抽查事项，请手工填写检查内容")
    return "\n".join(lines) + "\n"


def _open(ws: Workspace, report_file: Path) -> tuple[str, Any]:
    """A report to add to (review, evidence, 复查): refused once its case is closed (结案 is final)."""
    rel, document = _edit(ws, report_file)
    closed = document.get("closed")
    if closed:
        raise RuleError(f"{rel} 已于 {closed} 结案：结案后的报告不再补充审理、证据或复查。确需更正的，经本局批准后"
                        "手工改正报告并在 git 提交说明中写明原因")
    return rel, document


def _edit(ws: Workspace, report_file: Path) -> tuple[str, Any]:
    target = report_file if report_file.is_absolute() else (Path.cwd() / report_file)
    if not report_file.is_absolute() and not target.exists() and (ws.root / report_file).exists():
        target = ws.root / report_file  # data/reports/… as the help shows it, with --repo from elsewhere
    try:
        rel = target.resolve().relative_to(ws.root.resolve()).as_posix()
    except ValueError:
        raise SsjError(f"{report_file} 不在数据仓库 {ws.root} 中") from None
    if not rel.startswith(REPORTS_DIR + "/") or not target.is_file():
        raise SsjError(f"{rel} 不是 {REPORTS_DIR}/ 下的检查报告文件")
    from shuangsuiji.registry import yamlio

    return rel, yamlio.load_round_trip(rel, target.read_bytes())


@dataclass(frozen=True)
class _Edit:
    """What an edit of a report is, for its commit: ``ssj report <command>`` and what it did (``整改复查``)."""

    command: str
    what: str
    commit: bool


def _save(ws: Workspace, rel: str, document: Any, edit: _Edit, detail: str = "",
          before_write: Any = None) -> Saved:
    """Validate, then (``before_write``, e.g. copying evidence, and) write and commit: a refused edit changes nothing."""
    from pydantic import ValidationError

    from shuangsuiji.registry import yamlio
    from shuangsuiji.registry.messages import translate

    data = yamlio.dump_round_trip(document)
    try:
        Report.model_validate(yamlio.load(rel, data))
    except ValidationError as exc:
        raise SsjError(f"{rel}：{translate(exc.errors()[0], Report)}") from None
    subject = f"{edit.what}：{document.get('draw')} {document.get('entity')}{detail}"
    return save(ws, f"ssj report {edit.command}", {rel: data}, subject, commit=edit.commit, before_write=before_write)


@dataclass(frozen=True)
class ReviewRequest:
    """What ``ssj report review`` is given."""

    day: dt.date
    decision: str
    number: str
    cosigned: tuple[str, ...]
    signed_by: str
    penalty: str | None = None
    #: replace an existing review (a correction; git keeps the old one)
    amend: bool = False


def record_review(ws: Workspace, report_file: Path, review: ReviewRequest, commit: bool = True) -> Saved:
    """Write the central review (集中审理, 第二十条) into a report with a major violation: 会签 by the sections
    concerned, with the decision's 文号, signed by a 局领导 in office on its date; refuses anything else."""
    from shuangsuiji.registry.lookup import resolve_section
    from shuangsuiji.registry.models.report import Review
    from shuangsuiji.reports.review import review_problems

    rel, document = _open(ws, report_file)
    if not document.get("major_violation"):
        raise RuleError(f"{rel} 没有标记重大违法行为（major_violation: true），无需集中审理")
    if document.get("review") and not review.amend:
        raise RuleError(f"{rel} 已有集中审理记录（{document['review'].get('date')}）：确需更正时加 --amend，原记录被替换，"
                        "git 历史中保留原来的内容")
    if not review.decision.strip() or not review.signed_by.strip():
        raise SsjError("请写明审理意见（--decision）和签发人（--signed-by）")
    data = load_bureau(ws)
    entry: dict[str, Any] = {"date": review.day, "decision": review.decision.strip(),
                             "cosigned_by": [resolve_section(data.sections, s).id for s in review.cosigned],
                             "number": review.number.strip(), "signed_by": review.signed_by.strip()}
    if review.penalty and review.penalty.strip():
        entry["penalty"] = review.penalty.strip()
    problems = review_problems(data, str(document.get("section")), Review.model_validate(entry))
    if problems:
        raise RuleError("集中审理不符合第二十条：" + "；".join(message for _, message in problems))
    document["review"] = entry
    return _save(ws, rel, document, _Edit("review", "更正集中审理" if review.amend else "集中审理", commit))


def add_evidence(ws: Workspace, report_file: Path, source: Path, note: str | None,
                 commit: bool = True) -> tuple[str, str, Saved]:
    """Copy an evidence file into ``data/evidence/…`` (unless it is there already) and pin its SHA-256; the report
    and the evidence file are committed together."""
    import shutil

    rel, document = _open(ws, report_file)
    if not source.is_file():
        raise SsjError(f"找不到证据文件 {source}")
    resolved = source.resolve()
    root = ws.root.resolve()
    content = resolved.read_bytes()
    digest = sha256_hex(content)
    target = resolved
    if not resolved.is_relative_to(root / EVIDENCE_DIR):
        target = root / EVIDENCE_DIR / Path(rel).parent.name / Path(rel).stem / source.name
        if target.exists() and target.read_bytes() != content:  # kept evidence is never overwritten
            raise SsjError(f"{target.relative_to(root).as_posix()} 已有同名文件且内容不同：已登记的证据材料不能覆盖，"
                           "请把新文件改名后再添加")
    stored = target.relative_to(root).as_posix()

    def copy() -> list[str]:
        if target != resolved and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(resolved, target)
        return [stored]

    entry: dict[str, Any] = {"path": stored, "sha256": digest}
    if note:
        entry["note"] = note
    evidence = document.get("evidence") or []
    evidence.append(entry)
    document["evidence"] = evidence
    saved = _save(ws, rel, document, _Edit("evidence", "证据材料", commit), f" {source.name}", copy)
    return stored, digest, saved


def record_recheck(ws: Workspace, report_file: Path, day: dt.date, outcome: str, document: str | None,
                   note: str | None, commit: bool = True) -> Saved:
    """Add a 整改复查 to a report with a 责令限期整改 order; refuses what the follow-up rules refuse."""
    from shuangsuiji.registry.models.report import Recheck
    from shuangsuiji.reports.followup import follow_up_problems

    rel, document_yaml = _open(ws, report_file)
    entry: dict[str, Any] = {"date": day, "outcome": outcome}
    if document and document.strip():
        entry["document"] = document.strip()
    if note and note.strip():
        entry["note"] = note.strip()
    Recheck.model_validate(entry)
    rechecks = list(document_yaml.get("rechecks") or [])
    rechecks.append(entry)
    document_yaml["rechecks"] = rechecks
    _refuse_follow_up(ws, rel, document_yaml, follow_up_problems)
    _refuse_uncited(ws, rel, document_yaml)
    return _save(ws, rel, document_yaml, _Edit("recheck", "整改复查", commit), f" {day} {outcome}")


def _refuse_uncited(ws: Workspace, rel: str, document_yaml: Any) -> None:
    """A 复查 after its 指令书, citing a 复查意见书 issued for this company of this draw (as ssj check requires)."""
    from shuangsuiji.ledger.queries import open_index
    from shuangsuiji.registry import yamlio
    from shuangsuiji.reports.checks import recheck_document_problems

    report = Report.model_validate(yamlio.load(rel, yamlio.dump_round_trip(document_yaml)))
    index = open_index(ws)
    try:
        found = index.by_hash(report.draw_hash)
        errors = [m for _, m, _ in recheck_document_problems(index, report, found[1])] if found else []
    finally:
        index.close()
    if errors:
        raise RuleError(f"{rel}：" + "；".join(errors))


def close_case(ws: Workspace, report_file: Path, day: dt.date, commit: bool = True) -> Saved:
    """Close the case of a report (结案) once every 整改 order has its 复查 and nothing else is open."""
    from shuangsuiji.reports.followup import closing_problems

    rel, document_yaml = _edit(ws, report_file)
    if document_yaml.get("closed"):
        raise RuleError(f"{rel} 已于 {document_yaml['closed']} 结案")
    document_yaml["closed"] = day
    _refuse_follow_up(ws, rel, document_yaml, lambda data, report, today: closing_problems(report, report.closed, today))
    return _save(ws, rel, document_yaml, _Edit("close", "结案", commit), f" {day}")


def _refuse_follow_up(ws: Workspace, rel: str, document_yaml: Any, rules: Any) -> None:
    """Refuse an edit after which the report breaks a follow-up rule (errors only; warnings stay for ssj check)."""
    from pydantic import ValidationError

    from shuangsuiji.registry import yamlio
    from shuangsuiji.registry.messages import translate

    try:
        report = Report.model_validate(yamlio.load(rel, yamlio.dump_round_trip(document_yaml)))
    except ValidationError as exc:
        raise SsjError(f"{rel}：{translate(exc.errors()[0], Report)}") from None
    data = load_bureau(ws)
    errors = [message for _, message, severity in rules(data, report, data.today()) if severity == "error"]
    if errors:
        raise RuleError(f"{rel}：" + "；".join(errors))
