"""The meaning of a ledger's records (SPEC §5): every draw and recusal re-derived, voids and announcements
checked against the records before them. Used by ``ssj verify-ledger`` and by the bundle's ``verify.py``.
"""

from __future__ import annotations

from shuangsuiji.core.chain import read_ledger
from shuangsuiji.core.ratio import recorded_ratio
from shuangsuiji.core.recusal import apply_recusals
from shuangsuiji.core.rederive import DrawChecks
from shuangsuiji.core.text import is_date, is_hex64, is_int, show, show_ids
from shuangsuiji.core.words import RECUSAL_REASONS, TARGETED_BASES

ANNOUNCE_FIELDS = (
    "section", "plan_item", "date", "ratio", "team_size", "seed_source",
    "population_digest", "pool_digest", "strata_digest",
)
VOID_FIELDS = ("draw", "reason")
RECUSAL_FIELDS = ("draw", "entity", "inspector", "replacement", "reason")
TARGETED_FIELDS = ("section", "date", "basis", "reference", "reason", "entities", "inspectors")
PLAN_APPROVAL_FIELDS = ("year", "plan", "meeting", "approved_on", "approver", "digest")
PUBLISH_FIELDS = ("manifest_digest", "sections", "from", "to", "results")


class RecordChecker(DrawChecks):
    """Checks one ledger file's records in order; ``problems`` collects ``(line, message)``."""

    def run(self, records) -> list:
        handlers = {
            "draw": self.draw, "announce": self.announce, "void": self.void, "recusal": self.recusal,
            "targeted": self.targeted, "plan_approval": self.plan_approval, "publish": self.publish,
        }
        for index, record in enumerate(records):
            if record is None:
                continue
            self.line = index + 1
            kind = record.get("type")
            handler = handlers.get(kind) if isinstance(kind, str) else None
            if handler is None:
                if "type" in record:
                    self.add(f"未知的记录类型 {show(kind)}")
                continue
            handler(record)
        return self.problems

    # -- other record types -------------------------------------------------------------------------

    def announce(self, record: dict) -> None:
        if is_hex64(record.get("hash")) and record["hash"] not in self.announces:
            self.announces[record["hash"]] = (self.line, record)
        if not self.require(record, ANNOUNCE_FIELDS):
            return
        self.check_section(record)
        if record["plan_item"] is not None and not isinstance(record["plan_item"], str):
            self.add("plan_item 应为字符串或 null")
        if not is_date(record["date"]):
            self.add("date 不是有效日期（YYYY-MM-DD）：{}".format(show(record["date"])))
        if record["ratio"] is not None:
            try:
                recorded_ratio(record["ratio"])
            except ValueError as error:
                self.add(f"ratio：{error}")
        if not is_int(record["team_size"]) or record["team_size"] < 2:
            self.add("team_size 应为不小于 2 的整数")
        if not isinstance(record["seed_source"], str) or not record["seed_source"].strip():
            self.add("公告必须写明将来种子的公开来源（seed_source）")
        for name in ("population_digest", "pool_digest", "strata_digest"):
            if not is_hex64(record[name]):
                self.add(f"{name} 不是 64 位小写十六进制摘要")

    def void(self, record: dict) -> None:
        if not self.require(record, VOID_FIELDS):
            return
        target = record["draw"]
        if not isinstance(record["reason"], str) or not record["reason"].strip():
            self.add("作废必须写明原因（reason）")
        found = self.draws.get(target) if is_hex64(target) else None
        announced = self.announces.get(target) if is_hex64(target) else None
        if found is None and announced is None:
            self.add(f"作废的抽取或公告不存在（本文件在这一行之前没有 hash 为 {show(target, 20)} 的抽取或公告记录）")
            return
        line = found.line if found is not None else announced[0] if announced is not None else 0
        if target in self.voided:
            self.add(f"第 {line} 行的记录已在第 {self.voided[target]} 行作废过；一条记录只能作废一次")
            return
        if announced is not None and target in self.announcement_used:
            self.add(f"第 {line} 行的公告已在第 {self.announcement_used[target]} 行用于抽取，不能再作废公告（应作废那次抽取）")
            return
        self.voided[target] = self.line

    def recusal(self, record: dict) -> None:
        if not self.require(record, RECUSAL_FIELDS):
            return
        if record["reason"] not in RECUSAL_REASONS:
            self.add("回避原因应为 {} 之一，记录为 {}".format("、".join(RECUSAL_REASONS), show(record["reason"])))
        target = record["draw"]
        found = self.draws.get(target) if is_hex64(target) else None
        if found is None:
            self.add(f"回避所指的抽取不存在（本文件在这一行之前没有 hash 为 {show(target, 20)} 的抽取记录）")
            return
        if target in self.voided:
            self.add(f"第 {found.line} 行的抽取已在第 {self.voided[target]} 行作废，不能再回避换人")
        entity, inspector, replacement = record["entity"], record["inspector"], record["replacement"]
        if found.teams is None:
            self.add(f"所指的第 {found.line} 行抽取本身无法复核，这次回避换人也无法复核")
            return
        if not isinstance(entity, str) or entity not in found.team_of:
            self.add(f"企业 {show(entity)} 不是第 {found.line} 行抽取中被抽中的企业")
            return
        history = self.recusals.setdefault((target, entity), [])
        team = apply_recusals(found.teams[found.team_of[entity]], entity, history)
        history.append(record)
        if inspector not in team:
            self.add(f"回避的检查人员 {show(inspector)} 不在企业 {entity} 当前的检查组（{show_ids(team)}）里")
            return
        if not isinstance(replacement, str):
            self.add("回避记录必须写明替补人员（replacement）：没有人可替补时不能记录回避，应另行处理或作废抽取")
            return
        stepped_aside = {earlier.get("inspector") for earlier in history}  # includes this record's inspector
        expected = next((c for c in found.reserve if c not in team and c not in stepped_aside
                         and (c, entity) not in found.conflicts), None)
        if replacement != expected:
            self.add(
                "替补人员应为 {}（后备名单中第一位不在该组、未曾为该企业回避且与该企业无利害冲突的人员），记录为 {}".format(
                    show(expected) if expected is not None else "无人可替补", show(replacement)
                )
            )

    def targeted(self, record: dict) -> None:
        if not self.require(record, TARGETED_FIELDS):
            return
        self.check_section(record)
        if record["basis"] not in TARGETED_BASES:
            self.add("定向检查的依据应为 {} 之一，记录为 {}".format("、".join(TARGETED_BASES), show(record["basis"])))
        for name in ("entities", "inspectors"):
            value = record[name]
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                self.add(f"{name} 应为编号（字符串）列表")

    def plan_approval(self, record: dict) -> None:
        self.require(record, PLAN_APPROVAL_FIELDS)

    def publish(self, record: dict) -> None:
        self.require(record, PUBLISH_FIELDS)


def check_records(records) -> list:
    """Check the meaning of one ledger file's records, in file order: ``[(line_number, message), …]``.

    ``records`` is what :func:`~shuangsuiji.core.chain.read_ledger` returns (``records[i]`` is line ``i + 1``;
    ``None`` entries are skipped). Every draw is re-derived from its record alone; voids, recusals and
    announcements are checked against the earlier records of the same file.
    """
    return RecordChecker().run(records)


def check_ledger(path):
    """:func:`~shuangsuiji.core.chain.read_ledger` and :func:`check_records` together: ``(records, problems)``
    sorted by line."""
    records, problems = read_ledger(path)
    problems = problems + check_records(records)
    problems.sort(key=lambda problem: problem[0])
    return records, problems
