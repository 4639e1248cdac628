"""第十六、十七条 as a verifier re-derives them (SPEC §4): the rest rule left out every company inspected within
the rest period, and rotation blocked every team member who saw a selected company within a year; each field
cites exactly the records the log gives (:mod:`~shuangsuiji.core.evidence`). A mixin of
:class:`core.rederive.DrawChecks`."""

from __future__ import annotations

from shuangsuiji.core.inspections import RESTING_STRATA, day_number, resting, rotation
from shuangsuiji.core.listed import ListedChecks
from shuangsuiji.core.text import show_ids


class FairnessChecks(ListedChecks):
    """Needs of its host: ``log`` (the inspection log), ``add`` (report a problem), ``cited_of``."""

    def check_rest(self, record: dict, strata: list) -> None:
        """第十六条: ``rested`` cites every record with an inspection inside the rest period, and no company those
        inspections reached is left in a resting stratum. (How many it left out needs the registry: inside
        git ``ssj verify-ledger`` checks ``count`` against the data at the draw's commit.)"""
        found = self.cited_of(record["rested"], "rested")
        if found is None:
            return
        if isinstance(found, dict):  # listed, as written before 2026-12-08
            self.check_rest_listed(record, strata, found)
            return
        day, days = day_number(record["date"]), record["rest_days"]
        self.compare_cited("rested", f"休息期（{days} 天）内有检查的记录", found[0], self.log.records_within(day, days))
        checkable = [e for p in strata if p.name in RESTING_STRATA for e in p.ids]
        missed = sorted(resting(self.log.of(checkable), day, days))
        if missed:
            self.add(f"企业 {show_ids(missed)} 在 {days} 天内已被检查过，本应按休息期排除（第十六条：防止检查过多）")

    def rotation_of(self, record: dict, entities, inspectors) -> tuple[set, set]:
        """``(pairs, records)`` of rotation for these companies and inspectors on the record's date, from the log."""
        return rotation(self.log.of(entities), inspectors, day_number(record["date"]))

    def check_rotation(self, found: tuple, pairs: set, records: set, people: str = "检查组成员",
                       companies: str = "被抽中企业") -> None:
        """Rotation: ``recent`` cites exactly the records that show one of ``people`` at one of ``companies``
        within a year (``records``, from :meth:`rotation_of`), and counts those pairs (``pairs``): a draw's team
        members and selected companies, or an announcement's pool and strata."""
        self.compare_cited("recent", f"一年内{people}检查过{companies}的记录", found[0], records)
        if found[1] != len(pairs):
            self.add(f"recent.count 应为 {len(pairs)}（{people}与{companies}之间一年内的检查关系数），记录为 {found[1]}")

    def compare_cited(self, name: str, what: str, recorded: list, should: set) -> None:
        """A field's cited records are exactly ``should``: a record left out hides an inspection, one too many
        blocks or rests what it should not."""
        missing, extra = sorted(should - set(recorded)), sorted(set(recorded) - should)
        if missing:
            rule = "休息期规则（第十六条）" if name == "rested" else "轮换规则（第十七条）"
            self.add(f"{name} 漏引了 {len(missing)} 条{what}（如 {missing[0][:12]}…）：{rule}没有按台账执行")
        if extra:
            self.add(f"{name} 引用的记录 {extra[0][:12]}… 不是{what}（共 {len(extra)} 条多引）")


