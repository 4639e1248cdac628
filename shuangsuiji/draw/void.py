"""``ssj void``: abandon a draw (or an unused announcement) with its reason; it stays in the ledger for all to see."""

from __future__ import annotations

import datetime as dt

from shuangsuiji.core.words import RECORD_TYPES
from shuangsuiji.errors import RuleError, SsjError
from shuangsuiji.ledger.addresses import Located, address, locate, parse_address
from shuangsuiji.ledger.index import Index
from shuangsuiji.ledger.store import Record
from shuangsuiji.ledger.writing import Written, git_state, operator_name, stamp, write
from shuangsuiji.registry.loading import Dataset, load_bureau
from shuangsuiji.registry.lookup import resolve_section
from shuangsuiji.registry.privacy import refuse_private
from shuangsuiji.workspace import REPORTS_DIR, Workspace


def refuse_if_void(found: Located, index: Index) -> None:
    """Nothing more may follow a voided draw."""
    void = index.voided(found.record["hash"])
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


def refuse_if_documents(found: Located, index: Index) -> None:
    """A draw for which 抽查文书 were issued stays: the papers went to the companies, the checks have begun."""
    documents = index.follows(found.record["hash"], "document")
    if documents:
        numbers = "、".join(d["number"] for d in documents[:3]) + ("等" if len(documents) > 3 else "")
        raise RuleError(
            f"{found.label} 已开具 {len(documents)} 份抽查文书（{numbers}），文书已交给被检查单位，检查已经开展，不能作废："
            "请按这次抽取完成检查，个别单位确实无法检查的，在检查报告中写明结果"
        )


def _refuse_if_checked(ws: Workspace, data: Dataset, found: Located, index: Index) -> None:
    """A draw whose checks have begun (a report exists) or whose results were published stays."""
    published = index.published(found.record["hash"])
    if published:
        raise RuleError(
            f"{found.label} 已有 {len(published)} 家单位的检查结果公开，不能作废：公开的结果和它所依据的抽取都要保留"
        )
    refuse_if_documents(found, index)
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
    refuse_private(reason, "作废原因")
    data = load_bureau(ws)
    state = git_state(ws, require_clean=False)
    at = now or data.now()

    def build(index: Index) -> Record:
        found = locate(index, data, draw_address, kind=None)
        if found.record["type"] not in ("draw", "announce"):
            what = RECORD_TYPES.get(found.record["type"], found.record["type"])
            raise SsjError(f"{found.label} 是一条“{what}”记录：只能作废抽取或抽取公告")
        if found.record["type"] == "draw":
            _refuse_if_checked(ws, data, found, index)
        refuse_if_void(found, index)
        used = index.follows(found.record["hash"], "draw") + index.follows(found.record["hash"], "failed")
        if used:
            raise RuleError(f"公告 {found.label} 已用于抽取 {address(found.section, used[0]['seq'])}：请作废那次抽取")
        targets.append(found)
        return stamp("void", at, operator_name(ws, operator), draw=found.record["hash"], reason=reason.strip())

    targets: list[Located] = []

    def message(record: Record) -> str:
        return f"作废 {targets[0].label}（{address(targets[0].section, record['seq'])}）：{record['reason']}"

    section = resolve_section(data.sections, parse_address(draw_address)[0])
    return write(ws, section.id, build, message, state, label=lambda r: address(section, r["seq"]))
