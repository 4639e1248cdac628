"""Reading across ledgers: every record of the bureau, and the repair of a torn ledger."""

from __future__ import annotations

from shuangsuiji.errors import SsjError
from shuangsuiji.ledger.store import Record, locked, read, repair
from shuangsuiji.registry.loading import Dataset, load_bureau
from shuangsuiji.registry.lookup import resolve_section
from shuangsuiji.registry.models import Section
from shuangsuiji.workspace import BUREAU_LEDGER, Workspace, ledger_path


def all_records(ws: Workspace, data: Dataset) -> list[tuple[Section, Record]]:
    """Every record of every section's ledger, newest first."""
    rows = []
    for section in data.sections:
        rows += [(section, r) for r in read(ws.root / ledger_path(section.id))]
    return sorted(rows, key=lambda row: (row[1]["at"], row[1]["seq"]), reverse=True)


def repair_ledger(ws: Workspace, section_text: str) -> tuple[int, bytes]:
    """Cut a torn last line off one ledger (``bureau`` for the bureau-wide ledger)."""
    if section_text.strip() in ("bureau", "局"):
        rel = BUREAU_LEDGER
    else:
        rel = ledger_path(resolve_section(load_bureau(ws).sections, section_text).id)
    path = ws.root / rel
    if not path.exists():
        raise SsjError(f"{rel} 不存在")
    with locked(ws.state_dir):
        return repair(path)
