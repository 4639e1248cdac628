"""Record addresses (SPEC §5): ``二股-3`` is record 3 of 二股's ledger, and back again."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shuangsuiji.core.words import RECORD_TYPES
from shuangsuiji.errors import SsjError
from shuangsuiji.ledger.index import Index
from shuangsuiji.ledger.store import Record
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.lookup import resolve_section
from shuangsuiji.registry.models import Section
from shuangsuiji.workspace import BUREAU_LEDGER

_ADDRESS = re.compile(r"^(?P<section>.+?)[-－](?P<seq>\d+)$")
#: how people address a record of the bureau's own ledger (plan and 清单 approvals, publications): 局台账-3
BUREAU_ADDRESS = "局台账"
#: the bureau ledger as a "section" for addresses and display (it has no specialties: no draw is made on it)
#: what a clerk may type for the bureau ledger
BUREAU_NAMES = (BUREAU_ADDRESS, BUREAU_LEDGER, "局")
BUREAU_SECTION = Section.model_construct(id=BUREAU_LEDGER, name="局台账", short_names=[BUREAU_ADDRESS], specialties=[])

def parse_address(text: str) -> tuple[str, int]:
    """Split ``二股-3`` into (``二股``, 3)."""
    match = _ADDRESS.match(text.strip())
    if match is None:
        raise SsjError(f"记录编号“{text}”格式不对：应写成“科室简称-序号”，例如 二股-3")
    return match.group("section"), int(match.group("seq"))


def address(section: Section, seq: int) -> str:
    """The address people see: the first short name (or the id) and the sequence number."""
    name = section.short_names[0] if section.short_names else section.id
    return f"{name}-{seq}"


@dataclass(frozen=True)
class Located:
    """A record found by its address, with the section it belongs to."""

    section: Section
    record: Record

    @property
    def label(self) -> str:
        return address(self.section, self.record["seq"])


def locate(index: Index, data: Dataset, text: str, kind: str | None = "draw") -> Located:
    """The record addressed as ``二股-3``; with ``kind``, refuse records of another type."""
    name, seq = parse_address(text)
    bureau = name.strip() in BUREAU_NAMES
    section = BUREAU_SECTION if bureau else resolve_section(data.sections, name)
    record = index.record(section.id, seq)
    if record is None:
        count = index.count(section.id)
        last = f"最后一条是 {address(section, count - 1)}" if count else "台账还是空的"
        raise SsjError(f"没有记录 {address(section, seq)}（{section.name}{last}）")
    if kind is not None and record["type"] != kind:
        what = RECORD_TYPES.get(record["type"], record["type"])
        raise SsjError(f"{address(section, seq)} 是一条“{what}”记录，不是{RECORD_TYPES.get(kind, kind)}记录")
    return Located(section, record)
