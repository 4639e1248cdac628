"""Words people read: fairness levels and record types, in Chinese a citizen understands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FAIRNESS = {
    "announced": "事先公告（最可信）：抽取的参数和名单在随机种子产生之前就已公告，种子来自公告指定的公开来源（如彩票开奖号码），任何人都无法事先挑选结果",
    "system": "系统随机：种子由电脑在抽取时用安全随机数自动生成，操作员不能指定种子；但外部无法证明没有在别处多次试抽后只提交了满意的一次",
    "operator": "人工输入（可信度最低）：种子由操作员输入且没有事先公告，不能排除事先试抽后挑选结果的可能",
}

FAIRNESS_SHORT = {"announced": "事先公告", "system": "系统随机", "operator": "人工输入"}

RECORD_TYPES = {
    "draw": "随机抽取",
    "announce": "抽取公告",
    "void": "作废",
    "recusal": "回避替换",
    "targeted": "非随机检查",
    "plan_approval": "计划审批",
    "publish": "结果公开",
}


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
