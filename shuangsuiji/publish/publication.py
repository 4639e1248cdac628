"""``ssj publish``: build the bundle, then record its manifest digest in the bureau ledger (SPEC §6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from shuangsuiji.audit.check import load_checked
from shuangsuiji.core.ledgers import verify_ledgers
from shuangsuiji.errors import Problem, RuleError, SsjError
from shuangsuiji.ledger.index import Index
from shuangsuiji.ledger.queries import open_index
from shuangsuiji.ledger.store import Record
from shuangsuiji.ledger.writing import Written, git_state, operator_name, stamp, write
from shuangsuiji.plan.checklist import checklist_problem
from shuangsuiji.plan.status import PendingResult, plan_status
from shuangsuiji.publish.bundle import remove, write_bundle, zip_folder, zip_path
from shuangsuiji.publish.selection import Disclosure, Selection, collect
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.lookup import resolve_section
from shuangsuiji.workspace import BUREAU_LEDGER, LEDGER_DIR, Workspace


@dataclass(frozen=True)
class Published:
    """Where the bundle went, what it disclosed, and the finished results still waiting for publication."""

    folder: Path
    archive: Path
    disclosure: Disclosure
    written: Written
    #: finished results not in this bundle nor any earlier one (第二十二条 deadlines), as of the publication
    pending: list[PendingResult] = field(default_factory=list)


def perform_publish(
    ws: Workspace, sections: list[str], start: dt.date | None, end: dt.date | None, out: Path | None,
    operator: str | None, allow_dirty: bool = False, now: dt.datetime | None = None, allow_empty: bool = False,
) -> Published:
    """Build the bundle for the selection; refuses when nothing is ready to be published, unless ``allow_empty``
    (a bundle of the plan, the 清单, their approvals and every ledger, as at the start of a year).

    Everything that can fail happens before the ``publish`` record is written: after it, only the staged
    folder is renamed and zipped.
    """
    data = load_checked(ws)
    unapproved = checklist_problem(data)
    if unapproved is not None:  # the bundle's verify.py refuses a 清单 that is not the one last approved
        raise RuleError(unapproved[1].replace("审批前不能抽取：", "公开材料只能公开经审批的清单，审批前不能公开："))
    at = now or data.now()
    chosen = [resolve_section(data.sections, s) for s in sections] if sections else list(data.sections)
    if start and end and start > end:
        raise SsjError(f"起始日期 {start} 晚于截止日期 {end}")
    state = git_state(ws, require_clean=True, allow_dirty=allow_dirty, needed_by="公开材料")
    _refuse_unsound_ledgers(ws)
    index = open_index(ws)
    try:
        disclosure = collect(data, Selection(chosen, start, end), at, index)
        if not disclosure.results and not allow_empty:
            waiting = f"；另有 {len(disclosure.waiting_review)} 项待集中审理" if disclosure.waiting_review else ""
            raise SsjError(f"所选范围内没有已办结、可以公开的检查结果{waiting}（检查报告 status 为“已办结”才会公开）。"
                           "如只公开计划、清单及其审批记录和全部台账（例如年初公开计划），加 --allow-empty")
        if not sections and disclosure.results:  # cover only the sections that have results, unless asked otherwise
            covered = {r["section"] for r in disclosure.results}
            disclosure = collect(data, Selection([s for s in chosen if s.name in covered], start, end), at, index)
        dirty = sorted({d["address"] for d in disclosure.draws if d.get("dirty")})
        if dirty:
            raise SsjError(f"抽取 {'、'.join(dirty)} 基于未提交的数据（--allow-dirty），其结果不能公开："
                           "没有人能从公开材料复核它读到的名单。请作废它（ssj void）并在提交数据后重新抽取")
        heads = index.heads()
    finally:
        index.close()
    folder = _target(ws, out, at)
    pending = _still_pending(ws, data, disclosure, at.date())
    staging = folder.with_name(folder.name + ".part")
    remove(staging)
    digest = write_bundle(staging, disclosure, ws.root / LEDGER_DIR, heads)

    def build(index: Index) -> Record:
        return stamp("publish", at, operator_name(ws, operator), manifest_digest=digest,
                     sections=[s.id for s in disclosure.selection.sections], **{"from": _iso(start), "to": _iso(end)},
                     results=len(disclosure.results), published=disclosure.published, commit=state.commit)

    def message(record: Record) -> str:
        return f"公开 {record['results']} 项抽查结果（清单摘要 {digest[:12]}）"

    try:
        written = write(ws, BUREAU_LEDGER, build, message, state)
    except BaseException:
        remove(staging)
        raise
    staging.rename(folder)
    return Published(folder, zip_folder(folder), disclosure, written, pending)


def _refuse_unsound_ledgers(ws: Workspace) -> None:
    """A bundle carries only ledgers that verify: every chain, every record re-derived (SPEC §5, §6)."""
    verified = verify_ledgers(str(ws.root / LEDGER_DIR))
    problems = [Problem(Path(path).relative_to(ws.root).as_posix() if Path(path).is_absolute() else path, line, message)
                for path, line, message in verified.problems]
    if problems:
        raise SsjError(f"台账核验不通过，不能公开（{len(problems)} 个问题；详见 ssj verify-ledger）", problems)


def _still_pending(ws: Workspace, data: Dataset, disclosure: Disclosure, today: dt.date) -> list[PendingResult]:
    """Finished results that neither this bundle nor an earlier one publishes (computed before anything is written)."""
    _, pending = plan_status(ws, data, today.year, today)
    now_published = {(p["draw"], p["entity"]) for p in disclosure.published}
    in_bundle = {data.where[("reports", i)][0] for i, r in enumerate(data.reports) if (r.draw_hash, r.entity) in now_published}
    return [p for p in pending if p.report not in in_bundle]


def _target(ws: Workspace, out: Path | None, at: dt.datetime) -> Path:
    folder = out if out is not None else ws.root / "publish" / f"公示-{at:%Y%m%d-%H%M%S}"
    if folder.exists():
        raise SsjError(f"输出目录 {folder} 已存在：请换一个目录（公开材料一经生成不覆盖）")
    if zip_path(folder).exists():
        raise SsjError(f"压缩包 {zip_path(folder)} 已存在：请换一个输出目录（公开材料一经生成不覆盖）")
    folder.parent.mkdir(parents=True, exist_ok=True)
    return folder


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
