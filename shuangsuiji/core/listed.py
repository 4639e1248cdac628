"""The rest and rotation evidence as records written before 2026-12-08 list it, read and checked as written:
a ledger is never rewritten, and the shipped example bureau's history has such records.

Those records list every company left out and every rotation pair with the record that justifies it, grouped by
record, one list file per group: ``rested`` as ``[{"by", "entities", "count"}]`` sorted by ``by``, ``recent``
as ``[{"inspector", "by", "entities", "count"}]`` sorted by (inspector, by). ssj writes the cited form now
(:mod:`~shuangsuiji.core.evidence`); the verifiers check a listed record by the rules it was written under:

- rest: every listed company justified by its ``by`` (that record shows it inspected within ``rest_days``),
  none of them in the strata, and no company of a resting stratum inspected within ``rest_days``;
- rotation: the listed pairs are exactly the (team member, selected company) pairs the log shows within a year,
  each justified by its ``by``; for an announced draw, the announced pairs between its teams and its companies.
"""

from __future__ import annotations

from shuangsuiji.core.inspections import RESTING_STRATA, ROTATION_DAYS, day_number, resting, within
from shuangsuiji.core.text import is_at, is_hex64, moment, show_ids

_RESTED = ("by", "entities", "count")
_RECENT = ("inspector", "by", "entities", "count")


class ListedError(ValueError):
    """Listed evidence whose shape is wrong, in words for the verifiers."""


#: records written from this moment on cite (``core/evidence.py``); only earlier ones may list
LISTED_UNTIL = "2026-12-08T00:00:00+08:00"


def is_listed(field) -> bool:
    """Is this evidence in the listed form of records written before 2026-12-08?"""
    return isinstance(field, list)


def listed_too_late(at) -> bool:
    """Was a record written at ``at`` (ISO 8601) too late for the listed form? (Nobody chooses the form.)"""
    return is_at(at) and moment(at) >= moment(LISTED_UNTIL)


def read_listed(groups: list, get, name: str) -> dict:
    """``{entity: by}`` (rested) or ``{(inspector, entity): by}`` (recent); ``get(digest)`` reads a list file."""
    fields = _RECENT if name == "recent" else _RESTED
    if not all(isinstance(g, dict) and set(g) == set(fields) for g in groups):
        raise ListedError(f"{name} 应为 {{{', '.join(fields)}}} 列表")
    if not all(is_hex64(g["by"]) and isinstance(g.get("inspector", ""), str) for g in groups):
        raise ListedError(f"{name} 的 by 应为记录的 hash" + ("，inspector 应为字符串" if name == "recent" else ""))
    keys = [tuple(g[f] for f in fields if f in ("inspector", "by")) for g in groups]
    if keys != sorted(keys) or len(set(keys)) != len(keys):
        raise ListedError(f"{name} 未按顺序排列或有重复")
    found: dict = {}
    for group in groups:
        ids = get(group["entities"])
        if group["count"] != len(ids):
            raise ListedError(f"{name}：count 应为 {len(ids)}")
        for entity in ids:
            key = (group["inspector"], entity) if name == "recent" else entity
            if key in found:
                raise ListedError(f"{name} 中 {key if isinstance(key, str) else ' '.join(key)} 出现了两次")
            found[key] = group["by"]
    return found


def listed_count(groups: list) -> int:
    """How many companies or pairs a listed field holds (0 when malformed)."""
    return sum(g["count"] for g in groups if isinstance(g, dict) and isinstance(g.get("count"), int))


def justified(inspections: dict, entity: str, record: str, day: int, days: int, inspector: str | None = None) -> bool:
    """Does ``record`` show ``entity`` inspected (by ``inspector``, when given) within ``days`` before ``day``?"""
    return any(v.record == record and within(v, day, days) and (inspector is None or inspector in v.inspectors)
               for v in inspections.get(entity, ()))


class ListedChecks:
    """The checks of listed evidence; a mixin of :class:`~shuangsuiji.core.fairness.FairnessChecks`' host."""

    def check_rest_listed(self, record: dict, strata: list, rested: dict) -> None:
        day, days = day_number(record["date"]), record["rest_days"]
        for entity, by in rested.items():
            if not justified(self.log.of([entity]), entity, by, day, days):
                self.add(f"企业 {entity} 被按休息期排除，但记录 {by[:12]}… 不能证明它在 {days} 天内被检查过")
        also = sorted(set(rested) & {e for p in strata for e in p.ids})
        if also:
            self.add(f"企业 {show_ids(also)} 既被排除又在名单中")
        checkable = [e for p in strata if p.name in RESTING_STRATA for e in p.ids]
        missed = sorted(resting(self.log.of(checkable), day, days))
        if missed:
            self.add(f"企业 {show_ids(missed)} 在 {days} 天内已被检查过，本应按休息期排除（第十六条：防止检查过多）")

    def check_rotation_listed(self, record: dict, outcome, recorded: dict, announced: set | None) -> None:
        members = [m for team in outcome.teams for m in team]
        if announced is not None:
            chosen = set(outcome.order)
            if set(recorded) != {(i, e) for i, e in announced if i in members and e in chosen}:
                self.add("近一年检查关系（recent）应为公告所列关系中本次检查组成员与被抽中企业之间的那些")
            return
        should = self.rotation_of(record, outcome.order, members)[0]
        missing = sorted(should - set(recorded))
        if missing:
            self.add(f"检查人员与企业的近一年检查关系漏记了 {len(missing)} 对（如 {missing[0][0]} → {missing[0][1]}）：轮换规则没有按记录执行")
        chosen, team = set(outcome.order), set(members)
        outside = sorted(pair for pair in recorded if pair[0] not in team or pair[1] not in chosen)
        if outside:
            self.add(f"近一年检查关系（recent）只能列出检查组成员与被抽中企业之间的关系，记录中有 {outside[0][0]} → {outside[0][1]}")
        self.check_listed_by(record, recorded)

    def check_listed_by(self, record: dict, recorded: dict) -> None:
        """Every listed rotation pair is shown by the record its ``by`` names (the first one that is not, named)."""
        day = day_number(record["date"])
        for (inspector, entity), by in sorted(recorded.items()):
            if not justified(self.log.of([entity]), entity, by, day, ROTATION_DAYS, inspector):
                self.add(f"记录 {by[:12]}… 不能证明 {inspector} 在一年内检查过企业 {entity}")
                return
