"""Re-checking one draw or announcement against the bureau's files as they were at its commit (SPEC §5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from shuangsuiji.core.canonical import digest, id_list_digest, sha256_hex
from shuangsuiji.core.ratio import format_ratio
from shuangsuiji.ledger.store import Record
from shuangsuiji.registry.eligibility import declared_conflicts, draw_population
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.sources import GitTree


def compare_inputs(tree: GitTree, inputs: dict[str, str]) -> list[str]:
    """Each input file's SHA-256 against the file at the record's commit."""
    messages = []
    for path, recorded in sorted(inputs.items()):
        content = tree.read(path)
        if content is None:
            messages.append(f"输入文件 {path} 在所依据的提交中不存在")
        elif sha256_hex(content) != recorded:
            messages.append(f"输入文件 {path} 的 SHA-256 与所依据的提交中的文件不符")
    return messages


def compare_population(data: Dataset, record: Record) -> list[str]:
    """The strata, inspector pool and conflicts of a draw (or an announcement's digests) against ``data``."""
    section = next((s for s in data.sections if s.id == record["section"]), None)
    if section is None:
        return [f"当时的数据中没有科室 {record['section']}"]
    day = dt.date.fromisoformat(record["date"])
    plan = data.plans.get(day.year)
    item = next((i for i, _ in plan.all_items() if i.id == record["plan_item"]), None) if plan else None
    if item is None:
        return [f"当时的 {day.year} 年计划中没有计划事项 {record['plan_item']}"]
    floor = Decimal(record["ratio"]) if record.get("ratio") else None
    strata, pool = draw_population(data, section, item, floor, day)
    if record["type"] == "announce":
        return _compare_announcement(data, record, strata, pool)
    expected = [(s.name, format_ratio(s.ratio), sorted(s.population)) for s in strata]
    recorded = [(s["name"], s["ratio"], s["population"]) for s in record["strata"]]
    messages = []
    if expected != recorded:
        messages.append("各层名单或比例与当时数据文件得出的不一致（分层、在营状态、黑名单或计划比例被改动）")
    if pool != record["inspectors"]["eligible"]:
        messages.append("符合条件的执法人员名单与当时数据文件得出的不一致")
    selected = {a["entity"] for a in record["assignments"]}
    conflicts = sorted((i, e) for i, e in declared_conflicts(data) if e in selected and i in set(pool))
    if conflicts != [(c["inspector"], c["entity"]) for c in record["conflicts"]]:
        messages.append("记录中的利害关系申报与当时 data/inspectors.yaml 中的申报不一致")
    return messages


def _compare_announcement(data: Dataset, record: Record, strata: list[Any], pool: list[str]) -> list[str]:
    messages = []
    if "conflicts_digest" in record:  # announcements before conflicts were digested have none
        population = {i for s in strata for i in s.population}
        conflicts = sorted((i, e) for i, e in declared_conflicts(data) if i in set(pool) and e in population)
        if digest([[i, e] for i, e in conflicts]) != record["conflicts_digest"]:
            messages.append("公告的利害关系申报摘要与当时 data/inspectors.yaml 中的申报不一致")
    if id_list_digest([i for s in strata for i in s.population]) != record["population_digest"]:
        messages.append("公告的检查对象名单摘要与当时数据文件得出的不一致")
    if id_list_digest(pool) != record["pool_digest"]:
        messages.append("公告的执法人员名单摘要与当时数据文件得出的不一致")
    if digest([[s.name, format_ratio(s.ratio), sorted(s.population)] for s in strata]) != record.get("strata_digest"):
        messages.append("公告的分层摘要与当时数据文件得出的不一致")
    return messages
