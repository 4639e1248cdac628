"""第十六、十七条 as a verifier re-derives them (SPEC §4): the rest rule left out exactly the companies inspected
within the rest period, and rotation recorded exactly the team–company pairs seen within a year, each pair and
each left-out company justified by the record it names. A mixin of :class:`core.rederive.DrawChecks`."""

from __future__ import annotations

from shuangsuiji.core.inspections import (
    RESTING_STRATA,
    ROTATION_DAYS,
    day_number,
    justified,
    recent_pairs,
    resting,
)
from shuangsuiji.core.text import show_ids


class FairnessChecks:
    """Needs of its host: ``log`` (the inspection log), ``add`` (report a problem), ``rested_of``."""

    def check_rest(self, record: dict, strata: list) -> None:
        """第十六条: exactly the companies inspected within ``rest_days`` were left out, each with its reason."""
        rested = self.rested_of(record["rested"])
        if rested is None:
            return
        day, days = day_number(record["date"]), record["rest_days"]
        for entity, by in rested.items():
            if not justified(self.log.of([entity]), entity, by, day, days):
                self.add(f"企业 {entity} 被按休息期排除，但记录 {by[:12]}… 不能证明它在 {days} 天内被检查过")
        inside = [e for p in strata for e in p.ids]
        also = sorted(set(rested) & set(inside))
        if also:
            self.add(f"企业 {show_ids(also)} 既被排除又在名单中")
        checkable = [e for p in strata if p.name in RESTING_STRATA for e in p.ids]
        missed = sorted(resting(self.log.of(checkable), day, days))
        if missed:
            self.add(f"企业 {show_ids(missed)} 在 {days} 天内已被检查过，本应按休息期排除（第十六条：防止检查过多）")

    def check_rotation(self, record: dict, outcome, recorded: dict) -> None:
        """Rotation: exactly the pairs of team members and selected companies seen within a year, each justified."""
        day = day_number(record["date"])
        members = [m for team in outcome.teams for m in team]
        should = recent_pairs(self.log.of(outcome.order), members, day)
        missing = sorted(set(should) - set(recorded))
        if missing:
            self.add(f"检查人员与企业的近一年检查关系漏记了 {len(missing)} 对（如 {missing[0][0]} → {missing[0][1]}）：轮换规则没有按记录执行")
        chosen, team = set(outcome.order), set(members)
        outside = sorted(pair for pair in recorded if pair[0] not in team or pair[1] not in chosen)
        if outside:
            self.add(f"近一年检查关系（recent）只能列出检查组成员与被抽中企业之间的关系，记录中有 {outside[0][0]} → {outside[0][1]}")
        self.check_recent_by(recorded, day, should)

    def check_recent_by(self, recorded: dict, day: int, latest: dict | None = None) -> None:
        """Every rotation pair is shown by the record its ``by`` names: that inspector at that company within a
        year (a listed pair the log does not show at all fails here too). ``latest``: :func:`recent_pairs` of
        the same day, whose record for a pair needs no second look (it was found so)."""
        latest = latest or {}
        doubtful = [(pair, by) for pair, by in recorded.items() if latest.get(pair) != by]
        for (inspector, entity), by in sorted(doubtful):
            if not justified(self.log.of([entity]), entity, by, day, ROTATION_DAYS, inspector):
                self.add(f"记录 {by[:12]}… 不能证明 {inspector} 在一年内检查过企业 {entity}")
                return
