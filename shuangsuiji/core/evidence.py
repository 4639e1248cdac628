"""The evidence a draw or an announcement keeps for the rest rule and for rotation (SPEC §4, §5): not the
companies and pairs themselves, which anyone derives from the ledgers, but the records that give them.

Both fields have one shape, ``{"records": [<record hash>, …], "count": n}``, the hashes sorted and each once:

- ``rested``: every draw or targeted check with an inspection dated within ``rest_days`` before the draw's
  date, as the ledgers stood when it was written (voids recorded before it applied); ``count`` is how many
  companies of the 风险 and 一般 strata it left out for them (第十六条);
- ``recent``: every record whose inspections (recusals recorded before the draw applied) show a member of the
  draw's teams at one of its selected companies within a year; ``count`` is how many such (inspector,
  company) pairs there are (第十七条). An announcement cites the records that show any eligible inspector at
  any company of its strata; its draw cites the same records.

Records written before 2026-12-08 list every company and pair with the record that justifies it, grouped by
record (:mod:`~shuangsuiji.core.listed`): they are read and checked as written. At province scale such a list
repeated a year of inspections in every draw (170,000 pairs, 16 MB, for 13,000 selected companies), which is
why the records are cited now.
"""

from __future__ import annotations

from shuangsuiji.core.listed import is_listed, listed_count
from shuangsuiji.core.text import is_hex64, is_int

#: the fields of both evidence objects
CITED_FIELDS = ("records", "count")


class EvidenceError(ValueError):
    """Evidence whose shape is not the one above, in words for the verifiers."""


def cited(records, count: int) -> dict:
    """The ``rested`` or ``recent`` field citing ``records`` (hashes) for ``count`` companies or pairs."""
    return {"records": sorted(set(records)), "count": count}


def evidence_count(field) -> int:
    """How many companies (rested) or pairs (recent) a field counts, in either form (0 when malformed)."""
    if is_listed(field):
        return listed_count(field)
    return field["count"] if isinstance(field, dict) and is_int(field.get("count")) else 0


def read_cited(field, name: str) -> tuple[list, int]:
    """``(record hashes, count)`` of a ``rested`` or ``recent`` field; :class:`EvidenceError` when malformed."""
    if isinstance(field, dict) and set(field) == {"list", "count"}:
        raise EvidenceError(f"{name} 是 2026-12-07 试用过的写法（一个名单文件逐条列出企业及其记录）：ssj 不读取这种写法，"
                            "应为 {records: [记录 hash…], count: 数量}")
    if not isinstance(field, dict) or set(field) != set(CITED_FIELDS):
        raise EvidenceError(f"{name} 应为 {{records: [记录 hash…], count: 数量}}")
    records, count = field["records"], field["count"]
    if not isinstance(records, list) or not all(is_hex64(r) for r in records):
        raise EvidenceError(f"{name}.records 应为记录 hash（64 位小写十六进制）的列表")
    if records != sorted(set(records)):
        raise EvidenceError(f"{name}.records 未按顺序排列或有重复")
    if not is_int(count) or count < 0:
        raise EvidenceError(f"{name}.count 应为不小于 0 的整数")
    return records, count
