"""The bureau's recent inspections, and the two rules that read them (SPEC §4, 第十六、十七条):

- **rest**: a company inspected (selected in a non-void draw, or named in a targeted check) by any section within
  ``rest_days`` before a draw's date is left out of the 风险 and 一般 strata;
- **rotation**: a team with a member who inspected the company within :data:`ROTATION_DAYS` is passed over.

"Within N days before D" means 0 ≤ D − d < N for an inspection dated d. Voids and recusals recorded before a
draw count; what comes later does not change it. ssj keeps these facts in an index in ``.ssj/`` and the
verifiers in :class:`InspectionLog`; both hand them to the same rule functions below.
"""

from __future__ import annotations

import datetime as _dt
from typing import NamedTuple

REST_DAYS_DEFAULT = 90
ROTATION_DAYS = 365
#: an announced draw is made at most this many days after its announced date (older inspections are forgotten)
ANNOUNCED_DRAW_LAG_DAYS = 30
#: how far back the verifiers keep inspections: the longest look-back any draw may still need
KEPT_DAYS = ROTATION_DAYS + ANNOUNCED_DRAW_LAG_DAYS + 1


def days_too_late(day: str, announced: str) -> int:
    """How many days an announced draw on ``day`` (ISO date) is past its allowed lag after the announced date
    ``announced`` (0 or less: still in time). The one rule both ssj and the verifiers apply."""
    return day_number(day) - day_number(announced) - ANNOUNCED_DRAW_LAG_DAYS
#: strata the rest rule applies to (重点, 黑名单 and 问题 never leave anyone out)
RESTING_STRATA = ("风险A", "风险B", "风险C", "风险D", "一般")


class Inspection(NamedTuple):
    """One company inspected: its date (as a day number), the record that says so, and who went."""

    day: int
    record: str
    inspectors: tuple


def day_number(text: str) -> int:
    """``2026-12-01`` as a day number (``date.toordinal``)."""
    return _dt.date.fromisoformat(text).toordinal()


def within(inspection: Inspection, day: int, days: int) -> bool:
    """0 ≤ day − inspection.day < days."""
    return 0 <= day - inspection.day < days


class InspectionLog:
    """Every company's inspections as the records read so far stand (voids removed, recusals applied).

    Memory stays bounded: inspections older than :data:`KEPT_DAYS` before the newest record are forgotten.
    """

    def __init__(self) -> None:
        self._of: dict = {}  # entity -> list of Inspection
        self._teams: dict = {}  # intern: the same team tuple is shared by every company it visits
        self._days: dict = {}  # record -> its day, for every record with an inspection still counted

    def add(self, record: str, day: int, visits) -> None:
        """Inspections by ``record`` on ``day``: ``visits`` is ``[(entity, inspectors), …]``."""
        for entity, inspectors in visits:
            team = tuple(inspectors)
            team = self._teams.setdefault(team, team)
            self._of.setdefault(entity, []).append(Inspection(day, record, team))
            self._days[record] = day

    def records_within(self, day: int, days: int) -> set:
        """Every record with an inspection within ``days`` before ``day`` (what a ``rested`` field cites)."""
        return {record for record, seen in self._days.items() if 0 <= day - seen < days}

    def void(self, record: str, entities) -> None:
        """Forget the inspections of a voided draw (its selected companies)."""
        self._days.pop(record, None)
        for entity in entities:
            kept = [i for i in self._of.get(entity, ()) if i.record != record]
            if kept:
                self._of[entity] = kept
            else:
                self._of.pop(entity, None)

    def replace(self, record: str, entity: str, out: str, replacement: str) -> None:
        """A recusal: ``replacement`` went to ``entity`` for ``record`` instead of ``out``."""
        visits = self._of.get(entity, [])
        for n, visit in enumerate(visits):
            if visit.record == record and out in visit.inspectors:
                team = tuple(replacement if i == out else i for i in visit.inspectors)
                visits[n] = visit._replace(inspectors=self._teams.setdefault(team, team))

    def of(self, entities) -> dict:
        """``{entity: [Inspection, …]}`` for those of ``entities`` that were inspected."""
        found = {}
        for entity in entities:
            visits = self._of.get(entity)
            if visits:
                found[entity] = visits
        return found

    def forget_before(self, day: int) -> None:
        """Drop inspections older than ``day`` (call with the newest record's day − :data:`KEPT_DAYS`)."""
        self._days = {record: seen for record, seen in self._days.items() if seen >= day}
        for entity in list(self._of):
            kept = [i for i in self._of[entity] if i.day >= day]
            if kept:
                self._of[entity] = kept
            else:
                del self._of[entity]


def resting(inspections: dict, day: int, rest_days: int) -> set:
    """The companies of ``inspections`` inspected within ``rest_days`` before ``day`` (the rest rule)."""
    earliest = day - rest_days
    return {entity for entity, visits in inspections.items() if any(earliest < when <= day for when, _, _ in visits)}


def rotation(inspections: dict, inspectors, day: int) -> tuple[set, set]:
    """``(pairs, records)``: which of ``inspectors`` inspected which company within :data:`ROTATION_DAYS` before
    ``day`` as ``{(inspector, entity)}``, and every record that shows at least one of those pairs (what a
    ``recent`` field cites). ``inspections`` is ``{entity: [Inspection, …]}`` of the companies that matter."""
    pool = frozenset(inspectors)
    earliest = day - ROTATION_DAYS  # 0 ≤ day − d < ROTATION_DAYS: earliest < d ≤ day
    pairs: set = set()
    records: set = set()
    for entity, visits in inspections.items():  # 重点 companies are drawn every time: many visits each
        seen: set = set()
        for when, record, team in visits:
            if earliest < when <= day and not pool.isdisjoint(team):
                seen.update(team)
                records.add(record)
        pairs.update((inspector, entity) for inspector in seen & pool)
    return pairs, records


def selected_ids(record: dict) -> list:
    """Every company a draw record selected (all strata)."""
    strata = record.get("strata")
    return [entity for stratum in (strata if isinstance(strata, list) else []) if isinstance(stratum, dict)
            for entity in (stratum.get("selected") if isinstance(stratum.get("selected"), list) else [])]


def inspected(record: dict) -> list:
    """The companies a draw or targeted record inspected (a draw's selected companies, all strata)."""
    entities = record.get("entities") if record.get("type") == "targeted" else selected_ids(record)
    return [e for e in entities if isinstance(e, str)] if isinstance(entities, list) else []
