"""Questions asked of the ledgers through the index: a plan item's draws, what waits, what was published, and
every record of the bureau newest first."""

from __future__ import annotations

from dataclasses import dataclass, field

from shuangsuiji.core.chain import BUREAU
from shuangsuiji.core.evidence import evidence_count
from shuangsuiji.core.inspections import RESTING_STRATA, Inspection, day_number, inspected
from shuangsuiji.core.listed import is_listed, read_listed
from shuangsuiji.core.lists import ListFolder
from shuangsuiji.core.recusal import teams_after
from shuangsuiji.ledger.addresses import BUREAU_SECTION, address
from shuangsuiji.ledger.index import Index
from shuangsuiji.ledger.store import Record
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.models import Section
from shuangsuiji.workspace import LISTS_DIR, Workspace, locked


def open_index(ws: Workspace) -> Index:
    """The index of ``ws``'s ledgers, brought up to date under the write lock (a writer may be appending)."""
    with locked(ws.state_dir):
        return Index(ws).refresh()


def draws_used(index: Index, item_id: str, year: int) -> int:
    """Non-void draws made against ``item_id`` dated in ``year`` (第十六条 frequency)."""
    return len(index.plan_draws(item_id, year))


def published_keys(index: Index) -> set[tuple[str, str]]:
    """(draw hash, entity) of every result a ``publish`` record has put out."""
    return {(p["draw"], p["entity"]) for _, r in index.records(BUREAU, ["publish"]) for p in r.get("published", [])}


def all_records(index: Index, data: Dataset) -> list[tuple[Section, Record]]:
    """Every record of every section's ledger and of the bureau's own (局台账), newest first."""
    rows = []
    for section in [*data.sections, BUREAU_SECTION]:
        rows += [(section, r) for _, r in index.records(section.id)]
    return sorted(rows, key=lambda row: (row[1]["at"], row[1]["seq"]), reverse=True)


@dataclass(frozen=True)
class PopulationChange:
    """How a draw's population differs from the previous draw (or failed attempt) of the same plan item."""

    #: the earlier record compared with, None for the item's first draw
    previous: Record | None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: (company, stratum before, stratum now); 休息期 counts as a stratum
    moved: list[tuple[str, str, str]] = field(default_factory=list)


def population_change(lists: ListFolder, index: Index, record: Record) -> PopulationChange | None:
    """The change against the previous draw of the same plan item (SPEC §4), or None without a plan item."""
    if not record.get("plan_item"):
        return None
    earlier = [r for _, r in index.records(record["section"], ["draw", "failed"])
               if r.get("plan_item") == record["plan_item"] and r["seq"] < record["seq"]]
    if not earlier:
        return PopulationChange(None)
    previous = earlier[-1]
    before, now = _placement(previous, lists), _placement(record, lists)
    for placement, other, drawn in ((before, now, previous), (now, before, record)):
        resting = {e for e, name in other.items() if name in RESTING_STRATA and e not in placement}
        placement.update(dict.fromkeys(rested_among(index, lists, drawn, resting), "休息期"))
    moved = [(e, before[e], now[e]) for e in sorted(set(now) & set(before)) if now[e] != before[e]]
    return PopulationChange(previous, sorted(set(now) - set(before)), sorted(set(before) - set(now)), moved)


def population_changes(ws: Workspace, index: Index, record: Record, section: Section | None = None) -> list[str]:
    """How a draw's population differs from the previous draw of the same plan item (SPEC §4), in words:
    companies added, removed, moved between strata — so that a registry trimmed the day before shows to whoever
    signs the sheet. ``section`` (the draw's) names the earlier draw as people address it (``二股-3``)."""
    change = population_change(ListFolder(str(ws.root / LISTS_DIR)), index, record)
    return change_lines(change, section)


def evidence_lines(index: Index, data: Dataset, record: Record) -> list[str]:
    """The records a draw's rest and rotation evidence cites, by address (``一股-0``), in words for ``show``."""
    lines = []
    for name, what, cited_all in (("rested", "休息期依据的记录", "休息期内有检查的全部记录"),
                                  ("recent", "轮换依据的记录", "一年内检查组成员检查过被抽中单位")):
        field = record.get(name)
        if not is_listed(field):
            what += f"（{cited_all}）"
        else:  # written before 2026-12-08: the records its groups name for each company or pair
            what += "（按当时的写法，只列出被排除单位或轮换关系所依据的记录）"
            field = {"records": sorted({g["by"] for g in field if isinstance(g, dict) and isinstance(g.get("by"), str)}),
                     "count": evidence_count(field)}
        if not isinstance(field, dict) or not field.get("records"):
            continue
        labels = []
        for place in sorted(index.place(digest) or (digest[:12], -1) for digest in field["records"]):
            section = data.section(place[0])
            labels.append(address(section, place[1]) if section else f"{place[0]}-{place[1]}" if place[1] >= 0 else place[0])
        more = f" 等 {len(labels)} 条" if len(labels) > 8 else ""
        pairs = f"，{field['count']} 对检查关系" if name == "recent" else ""
        lines.append(f"{what}：{'、'.join(labels[:8])}{more}{pairs}")
    return lines


def change_lines(change: PopulationChange | None, section: Section | None = None) -> list[str]:
    """A :class:`PopulationChange` in words (one line), for ``show``, the sheet and the page."""
    if change is None:
        return []
    if change.previous is None:
        return ["这是该计划事项的第一次抽取，没有可比较的上一次名单"]
    label = previous_label(change, section)
    if not (change.added or change.removed or change.moved):
        return [f"名单与上一次抽取（{label}）相同"]
    moved = [f"{e}（{a}→{b}）" for e, a, b in change.moved]
    return [f"与上一次抽取（{label}）相比：新增 {len(change.added)} 家{_some(change.added)}；"
            f"减少 {len(change.removed)} 家{_some(change.removed)}；变更分层 {len(moved)} 家{_some(moved)}"]


def previous_label(change: PopulationChange, section: Section | None) -> str:
    """The address of the earlier draw compared with (``二股-3``; the ledger id when the section is unknown)."""
    assert change.previous is not None
    seq = change.previous["seq"]
    return address(section, seq) if section is not None else f"{change.previous['section']}-{seq}"


def _placement(record: Record, lists: ListFolder) -> dict[str, str]:
    """{company: its stratum} of a draw."""
    return {e: s["name"] for s in record["strata"] for e in lists.get(s["population"])}


def rested_among(index: Index, lists: ListFolder, record: Record, companies: set[str]) -> set[str]:
    """Those of ``companies`` that the records a draw's ``rested`` cites inspected: the ones it left out for the
    rest rule, when ``companies`` are out of its population and in a resting stratum of the draw compared with
    (a company that closed on the same days as it rested shows as resting: only the registry could tell)."""
    cited = record.get("rested")
    if is_listed(cited):  # written before 2026-12-08: the companies are listed
        return set(read_listed(cited, lists.get, "rested")) & companies
    digests = cited.get("records", []) if isinstance(cited, dict) else []
    return {e for digest in digests if (found := index.by_hash(digest)) for e in inspected(found[1]) if e in companies}


def visits_as_announced(index: Index, note: Record, entities: list[str]) -> dict[str, list[Inspection]]:
    """The inspections of ``entities`` in the records an announcement's ``recent`` cites, as they stood when it
    was written: the recusals recorded before it applied, later recusals and voids not (SPEC §4: inspections
    recorded between an announcement and its draw do not change the draw)."""
    wanted = set(entities)
    found: dict[str, list[Inspection]] = {}
    for digest in note["recent"]["records"]:
        located = index.by_hash(digest)
        if located is None:
            continue  # the announced draw then cannot verify: verify-ledger names the missing record
        ledger, record = located
        if record["type"] == "targeted":
            visits = {e: record["inspectors"] for e in record["entities"]}
        else:
            visits = teams_after(record, [r for r in index.follows(digest, "recusal") if _before(ledger, r, note)])
        for entity, team in visits.items():
            if entity in wanted:
                found.setdefault(entity, []).append(Inspection(day_number(record["date"]), digest, tuple(team)))
    return found


def _before(ledger: str, record: Record, note: Record) -> bool:
    """Was ``record`` (of ``ledger``) written before the announcement ``note``? Its own ledger's order, or the
    heads the announcement pinned."""
    if ledger == note["section"]:
        return record["seq"] < note["seq"]
    head = note.get("heads", {}).get(ledger)
    return isinstance(head, dict) and record["seq"] <= head.get("seq", -1)


def _some(ids: list[str], limit: int = 5) -> str:
    return f"（{'、'.join(ids[:limit])}{'等' if len(ids) > limit else ''}）" if ids else ""
