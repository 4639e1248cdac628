"""Questions asked of ledger records: what voided a draw, its recusals, which results are out, how many draws a
plan item has used, which announcements wait — and every record of the bureau, newest first."""

from __future__ import annotations

from shuangsuiji.core.chain import parse_ledger
from shuangsuiji.ledger.store import Record, read
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.models import Section
from shuangsuiji.registry.sources import Files
from shuangsuiji.workspace import BUREAU_LEDGER, Workspace, ledger_path


def voided_by(records: list[Record], draw_hash: str) -> Record | None:
    """The void record of a draw, if it was voided."""
    return next((r for r in records if r["type"] == "void" and r["draw"] == draw_hash), None)


def recusals_of(records: list[Record], draw_hash: str) -> list[Record]:
    """Every recusal of a draw, in ledger order."""
    return [r for r in records if r["type"] == "recusal" and r["draw"] == draw_hash]


def published_keys(bureau_records: list[Record]) -> set[tuple[str, str]]:
    """(draw hash, entity) of every result a ``publish`` record has put out."""
    return {(p["draw"], p["entity"]) for r in bureau_records if r["type"] == "publish" for p in r.get("published", [])}


def published_of(ws: Workspace, draw_hash: str) -> set[str]:
    """The companies of a draw whose results a ``publish`` record has put out."""
    return {entity for h, entity in published_keys(read(ws.root / BUREAU_LEDGER)) if h == draw_hash}


def draws_used(records: list[Record], item_id: str, year: int) -> int:
    """Non-void draws made against ``item_id`` in calendar year ``year`` among ``records`` (第十六条 frequency).

    Given the records before a draw, this is what that draw counted; so the verifier re-counts it the same way.
    """
    voided = {r.get("draw") for r in records if r and r.get("type") == "void"}
    return sum(1 for r in records if r and r.get("type") == "draw" and r.get("plan_item") == item_id
               and str(r.get("date", "")).startswith(f"{year}-") and r.get("hash") not in voided)


def pending_announcements(records: list[Record], plan_item: str | None = None) -> list[Record]:
    """Announcements not yet drawn on and not voided (of ``plan_item``, when given)."""
    done = {r["draw"] for r in records if r["type"] == "void"}
    done |= {r["announcement"] for r in records if r["type"] == "draw" and r.get("announcement")}
    return [r for r in records if r["type"] == "announce" and r["hash"] not in done
            and (plan_item is None or r.get("plan_item") == plan_item)]


def all_records(ws: Workspace, data: Dataset) -> list[tuple[Section, Record]]:
    """Every record of every section's ledger, newest first."""
    rows = []
    for section in data.sections:
        rows += [(section, r) for r in read(ws.root / ledger_path(section.id))]
    return sorted(rows, key=lambda row: (row[1]["at"], row[1]["seq"]), reverse=True)


class Ledgers:
    """The readable records of each section's ledger behind a files view, read once each.

    Lenient on purpose: the checks of reports and the selection of results read what is there, and
    ``ssj verify-ledger`` is the one that judges a damaged ledger.
    """

    def __init__(self, files: Files | None) -> None:
        self.files = files
        self._records: dict[str, list[Record]] = {}

    def of(self, section_id: str) -> list[Record]:
        """The records of one section's ledger that could be read."""
        if section_id not in self._records:
            raw = self.files.read(ledger_path(section_id)) if self.files is not None else None
            records = parse_ledger(raw)[0] if raw else []
            self._records[section_id] = [r for r in records if isinstance(r, dict)]
        return self._records[section_id]
