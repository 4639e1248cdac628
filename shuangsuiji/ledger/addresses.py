"""Record addresses (SPEC §5): ``二股-3`` is record 3 of 二股's ledger, and back again."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shuangsuiji.errors import SsjError
from shuangsuiji.ledger.store import Record, read
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.lookup import resolve_section
from shuangsuiji.registry.models import Section
from shuangsuiji.workspace import Workspace, ledger_path

_ADDRESS = re.compile(r"^(?P<section>.+?)[-－](?P<seq>\d+)$")

#: The words a refusal uses for a record of each type.
_KIND_WORDS = {"draw": "抽取（draw）", "announce": "抽取公告（announce）"}


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
    """A record found by its address, with the section it belongs to and its whole ledger."""

    section: Section
    record: Record
    records: list[Record]

    @property
    def label(self) -> str:
        return address(self.section, self.record["seq"])


def locate(ws: Workspace, data: Dataset, text: str, kind: str | None = "draw") -> Located:
    """The record addressed as ``二股-3``; with ``kind``, refuse records of another type."""
    name, seq = parse_address(text)
    section = resolve_section(data.sections, name)
    records = read(ws.root / ledger_path(section.id))
    if seq >= len(records):
        last = f"最后一条是 {address(section, len(records) - 1)}" if records else "台账还是空的"
        raise SsjError(f"没有记录 {address(section, seq)}（{section.name}{last}）")
    record = records[seq]
    if kind is not None and record["type"] != kind:
        raise SsjError(f"{address(section, seq)} 是一条“{record['type']}”记录，不是{_KIND_WORDS.get(kind, kind)}记录")
    return Located(section, record, records)
