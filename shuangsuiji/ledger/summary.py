"""One line about any ledger record, for ``ssj log`` and the published list of records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shuangsuiji.core.words import FAIRNESS_SHORT, RECORD_TYPES


def describe(record: dict[str, Any], addresses: Mapping[str, str] | None = None) -> str:
    """One line about any ledger record, for ``ssj log`` and the published list of records.

    ``addresses`` maps record hashes to addresses (``二股-3``), so that a void or recusal names its draw.
    """
    kind = record.get("type", "")
    known = addresses or {}
    if kind == "draw":
        selected = sum(s["k"] for s in record["strata"])
        announced = known.get(record.get("announcement") or "")
        basis = f"（按公告 {announced}）" if announced else ""
        return (f"抽取日期 {record['date']}，抽中 {selected} 家，{len(record['inspectors']['teams'])} 组，"
                f"{FAIRNESS_SHORT[record['fairness']]}{basis}")
    if kind == "announce":
        return f"公告 {record['date']} 抽取；种子来源：{record['seed_source']}"
    if kind == "void":
        target = known.get(record["draw"])
        return f"作废 {target}：{record['reason']}" if target else f"作废原因：{record['reason']}"
    if kind == "recusal":
        target = known.get(record["draw"])
        where = f"{target}，" if target else ""
        return f"回避替换：{record['inspector']} → {record['replacement']}（{where}{record['entity']}，{record['reason']}）"
    if kind == "targeted":
        return f"非随机检查（{record['basis']}，{record['reference']}）：{len(record['entities'])} 家"
    return RECORD_TYPES.get(kind, kind)
