"""Finding sections and ledger records by the names people use: 二股, 安全监管二股, ergu, 二股-3."""

from __future__ import annotations

import re

from .errors import SsjError
from .models import Section

_ADDRESS = re.compile(r"^(?P<section>.+?)[-－](?P<seq>\d+)$")


def resolve_section(sections: list[Section], text: str) -> Section:
    """The section named by id, full name or short name; refuses with the list of valid names."""
    wanted = text.strip()
    for section in sections:
        if wanted in (section.id, section.name, *section.short_names):
            return section
    valid = "；".join(f"{s.name}（{'、'.join([*s.short_names, s.id])}）" for s in sections)
    raise SsjError(f"没有科室“{wanted}”。可用的科室：{valid}")


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
