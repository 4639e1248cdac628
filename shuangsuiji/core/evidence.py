"""The evidence a draw or an announcement keeps for the rest rule and for rotation (SPEC §4, §5): who was left
out of the 风险 and 一般 strata and which record shows it (``rested``), and which team member inspected which
selected company within a year, and in which record (``recent``).

Each is one list file (SPEC §5 lists), named in the record as ``{"list": "<digest>", "count": n}``; its entries
are ``"<entity> <record hash>"`` (rested) and ``"<inspector> <entity> <record hash>"`` (recent), so they sort by
company id, then by inspector. Records written before 2026-12-08 keep the same evidence grouped by record, one
list file per group (``[{"by", "entities", "count"}]`` and ``[{"inspector", "by", "entities", "count"}]``): at
county scale that was ~250 list files and ~45 KB per draw, so new records use one file each; both forms are read.
"""

from __future__ import annotations

import re

from shuangsuiji.core.lists import list_digest
from shuangsuiji.core.text import is_hex64, is_int

#: the fields of the compact form
COMPACT = ("list", "count")


class EvidenceError(ValueError):
    """Evidence whose shape is not one of the two forms, in words for the verifiers."""


def rested_field(by_entity: dict) -> tuple:
    """``({"list", "count"}, entries)`` for ``{entity: record hash}``: the field and its list file's entries."""
    entries = sorted(f"{entity} {record}" for entity, record in by_entity.items())
    return {"list": list_digest(entries), "count": len(entries)}, entries


def recent_field(by_pair: dict) -> tuple:
    """``({"list", "count"}, entries)`` for ``{(inspector, entity): record hash}``."""
    entries = sorted(f"{inspector} {entity} {record}" for (inspector, entity), record in by_pair.items())
    return {"list": list_digest(entries), "count": len(entries)}, entries


def evidence_count(field) -> int:
    """How many companies (rested) or pairs (recent) a field holds, in either form (0 when malformed)."""
    if isinstance(field, dict):
        return field["count"] if is_int(field.get("count")) else 0
    if isinstance(field, list):
        return sum(g["count"] for g in field if isinstance(g, dict) and is_int(g.get("count")))
    return 0


def read_rested(field, get) -> dict:
    """``{entity: record hash}`` of a ``rested`` field; ``get(digest)`` reads a list file."""
    return {key[0]: by for key, by in _read(field, get, "rested", 1).items()}


def read_recent(field, get) -> dict:
    """``{(inspector, entity): record hash}`` of a ``recent`` field."""
    return _read(field, get, "recent", 2)


def _read(field, get, name: str, width: int) -> dict:
    """``{key tuple: record hash}``; :class:`EvidenceError` (or the list reader's error) when malformed."""
    if isinstance(field, dict):
        return _compact(field, get, name, width)
    if isinstance(field, list):
        return _grouped(field, get, name, width)
    raise EvidenceError(f"{name} 应为 {{list, count}}（或此前记录的分组列表）")


def _compact(field: dict, get, name: str, width: int) -> dict:
    if set(field) != set(COMPACT) or not is_hex64(field["list"]) or not is_int(field["count"]):
        raise EvidenceError(f"{name} 应为 {{list: 名单摘要, count: 条数}}")
    entries = get(field["list"])
    entry = _ENTRY[width].fullmatch
    found: dict = {}
    for text in entries:  # one pattern per entry: a recent list at 100,000 companies holds ~170,000
        parts = entry(text)
        if parts is None:
            raise EvidenceError(f"{name} 的名单中有一项格式不对：{text[:80]!r}")
        found[parts.groups()[:width]] = parts[width + 1]
    if len(found) != len(entries):  # the same key twice: named (found again, only on this path)
        seen: set = set()
        twice = next(key for key in (text.rsplit(" ", 1)[0] for text in entries) if key in seen or seen.add(key))
        raise EvidenceError(f"{name} 的名单中 {twice} 出现了两次")
    if field["count"] != len(entries):
        raise EvidenceError(f"{name}：count 应为 {len(entries)}")
    return found


#: an entry of each width: ids without spaces, then a record hash
_ENTRY = {width: re.compile(" ".join(["([^ ]+)"] * width) + " ([0-9a-f]{64})") for width in (1, 2)}


def _grouped(groups: list, get, name: str, width: int) -> dict:
    fields = ("inspector", "by", "entities", "count") if width == 2 else ("by", "entities", "count")
    if not all(isinstance(g, dict) and set(g) == set(fields) for g in groups):
        raise EvidenceError(f"{name} 应为 {{{', '.join(fields)}}} 列表")
    keys = [tuple(g[f] for f in fields if f in ("inspector", "by")) for g in groups]
    if keys != sorted(keys) or len(set(keys)) != len(keys):
        raise EvidenceError(f"{name} 未按顺序排列或有重复")
    found: dict = {}
    for group in groups:
        if not is_hex64(group["by"]):
            raise EvidenceError(f"{name} 的 by 应为记录的 hash")
        ids = get(group["entities"])
        if group["count"] != len(ids):
            raise EvidenceError(f"{name}：count 应为 {len(ids)}")
        for entity in ids:
            key = (group["inspector"], entity) if width == 2 else (entity,)
            if key in found:
                raise EvidenceError(f"{name} 中 {' '.join(key)} 出现了两次")
            found[key] = group["by"]
    return found
