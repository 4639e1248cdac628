"""``ssj publish``: build the bundle, then record its manifest digest in the bureau ledger (SPEC §6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .bundle import remove, write_bundle, zip_folder
from .disclosure import Disclosure, Selection, collect
from .errors import SsjError
from .ledger import Record
from .lookup import resolve_section
from .recording import Written, git_state, operator_name, stamp, write
from .workspace import Workspace


@dataclass(frozen=True)
class Published:
    """Where the bundle went and what it disclosed."""

    folder: Path
    archive: Path
    disclosure: Disclosure
    written: Written


def perform_publish(
    ws: Workspace, sections: list[str], start: dt.date | None, end: dt.date | None, out: Path | None,
    operator: str | None, allow_dirty: bool = False, now: dt.datetime | None = None,
) -> Published:
    """Build the bundle for the selection; refuses when nothing is ready to be published."""
    data = ws.load_checked()
    at = now or ws.now(data)
    chosen = [resolve_section(data.sections, s) for s in sections] if sections else list(data.sections)
    if start and end and start > end:
        raise SsjError(f"起始日期 {start} 晚于截止日期 {end}")
    disclosure = collect(data, Selection(chosen, start, end), at)
    if not disclosure.results:
        waiting = f"；另有 {len(disclosure.waiting_review)} 项待集中审理" if disclosure.waiting_review else ""
        raise SsjError(f"所选范围内没有已办结、可以公开的检查结果{waiting}（检查报告 status 为“已办结”才会公开）")
    if not sections:  # cover only the sections that have results, unless asked otherwise
        covered = {r["section"] for r in disclosure.results}
        disclosure = collect(data, Selection([s for s in chosen if s.name in covered], start, end), at)
    state = git_state(ws, require_clean=True, allow_dirty=allow_dirty)
    folder = _target(ws, out, at)
    staging = folder.with_name(folder.name + ".part")
    remove(staging)
    digest = write_bundle(staging, disclosure, data, disclosure.year)

    def build(previous: list[Record]) -> Record:
        return stamp("publish", at, operator_name(ws, operator), manifest_digest=digest,
                     sections=[s.id for s in disclosure.selection.sections], **{"from": _iso(start), "to": _iso(end)},
                     results=len(disclosure.results), published=disclosure.published, commit=state.commit)

    def message(record: Record) -> str:
        return f"公开 {record['results']} 项抽查结果（清单摘要 {digest[:12]}）"

    try:
        written = write(ws, paths.BUREAU_LEDGER, build, message, state)
    except BaseException:
        remove(staging)
        raise
    staging.rename(folder)
    return Published(folder, zip_folder(folder), disclosure, written)


def _target(ws: Workspace, out: Path | None, at: dt.datetime) -> Path:
    folder = out if out is not None else ws.root / "publish" / f"公示-{at:%Y%m%d-%H%M%S}"
    if folder.exists():
        raise SsjError(f"输出目录 {folder} 已存在：请换一个目录（公开材料一经生成不覆盖）")
    folder.parent.mkdir(parents=True, exist_ok=True)
    return folder


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
