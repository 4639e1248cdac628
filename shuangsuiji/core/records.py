"""What each record must be (SPEC §5), checked in the order the records were written: voids, recusals,
targeted checks and the bureau's own records here; draws, failed draws and announcements in
:mod:`~shuangsuiji.core.rederive`. Used by ``ssj verify-ledger`` and by the bundle's ``verify.py``."""

from __future__ import annotations

from shuangsuiji.core.announced import item_key, numbers_seen
from shuangsuiji.core.chain import BUREAU, Entry, read_record_at
from shuangsuiji.core.documents import DOCUMENT_KINDS, split_document_number
from shuangsuiji.core.draw import MIN_TEAM_SIZE
from shuangsuiji.core.inspections import day_number
from shuangsuiji.core.recusal import apply_recusals, replacement_for, team_map
from shuangsuiji.core.rederive import DrawChecks, selected_ids
from shuangsuiji.core.text import is_at, is_date, is_hex64, is_int, show, show_ids
from shuangsuiji.core.words import RECORD_TYPES, RECUSAL_REASONS, TARGETED_BASES

VOID_FIELDS = ("draw", "reason")
RECUSAL_FIELDS = ("draw", "entity", "inspector", "replacement", "reason", "from_section")
TARGETED_FIELDS = ("section", "date", "basis", "reference", "reason", "entities", "inspectors")
PLAN_APPROVAL_FIELDS = ("year", "plan", "meeting", "approved_on", "approver", "digest")
CHECKLIST_APPROVAL_FIELDS = ("digest", "meeting", "approver", "date")
PUBLISH_FIELDS = ("manifest_digest", "sections", "from", "to", "results")
DOCUMENT_FIELDS = ("number", "kind", "draw", "entity", "sha256")


class RecordChecker(DrawChecks):
    """Checks each record of the bureau's ledgers, in the order they were written (see ``core/ledgers``)."""

    def check(self, entry: Entry) -> None:
        """One record: its type's rules against everything written before it."""
        self.begin(entry)
        record = entry.record
        kind = record.get("type")
        handler = getattr(self, f"on_{kind}", None) if isinstance(kind, str) and kind in RECORD_TYPES else None
        if handler is None:
            if "type" in record:
                self.add(f"未知的记录类型 {show(kind)}")
            return
        if record.get("section") is not None and "section" in record:
            self.check_section(record)
        handler(record)

    def check_section(self, record: dict) -> None:
        section = record.get("section")
        if section != self.ledger:
            self.add(f"这条记录属于科室 {show(section)}，却写在 {show(self.ledger)} 的台账里")

    # -- what follows a draw -------------------------------------------------------------------------

    def same_ledger(self, target) -> tuple:
        """(info, record) of an earlier record of this ledger with hash ``target``, or (None, None)."""
        info = self.known.get(target) if is_hex64(target) else None
        if info is None or info.ledger != self.ledger:
            return None, None
        return info, read_record_at(info.path, info.offset)

    def on_void(self, record: dict) -> None:
        if not self.require(record, VOID_FIELDS):
            return
        if not isinstance(record["reason"], str) or not record["reason"].strip():
            self.add("作废必须写明原因（reason）")
        target = record["draw"]
        info, voided = self.same_ledger(target)
        if voided is None or voided.get("type") not in ("draw", "announce"):
            self.add(f"作废的抽取或公告不存在（本台账在这条记录之前没有 hash 为 {show(target, 20)} 的抽取或公告记录）")
            return
        if target in self.voided:
            self.add(f"{self.place(info)} 的记录已在 {self.voided[target]} 作废过；一条记录只能作废一次")
            return
        if voided["type"] == "announce" and target in self.announcement_used:
            self.add(f"{self.place(info)} 的公告已用于抽取（{self.announcement_used[target]}），不能再作废公告（应作废那次抽取）")
            return
        if target in self.published:
            self.add(f"{self.place(info)} 的抽取已有检查结果在 {self.published[target]} 公开，不能再作废")
        if target in self.documented:
            self.add(f"{self.place(info)} 的抽取已开具抽查文书，文书已交给被检查单位，不能再作废")
        self.voided[target] = self.here()
        self.pending.pop(target, None)
        self.announced_pairs.pop(target, None)
        if numbers_seen(record, voided):
            self.spent.setdefault(item_key(voided), self.place(info))
        if voided["type"] == "draw":
            self.log.void(target, selected_ids(voided))

    def on_recusal(self, record: dict) -> None:
        if not self.require(record, RECUSAL_FIELDS):
            return
        if record["reason"] not in RECUSAL_REASONS:
            self.add("回避原因应为 {} 之一，记录为 {}".format("、".join(RECUSAL_REASONS), show(record["reason"])))
        target = record["draw"]
        info, drawn = self.same_ledger(target)
        if drawn is None or drawn.get("type") != "draw":
            self.add(f"回避所指的抽取不存在（本台账在这条记录之前没有 hash 为 {show(target, 20)} 的抽取记录）")
            return
        if target in self.voided:
            self.add(f"{self.place(info)} 的抽取已在 {self.voided[target]} 作废，不能再回避换人")
        if target in self.underivable:
            self.add(f"所指的抽取（{self.place(info)}）本身无法复核，这次回避换人也无法复核")
            return
        entity, inspector, replacement = record["entity"], record["inspector"], record["replacement"]
        teams_of = self.teams_of(target, drawn)
        if not isinstance(entity, str) or entity not in teams_of:
            self.add(f"企业 {show(entity)} 不是 {self.place(info)} 抽取中被抽中的企业")
            return
        teams, index = drawn["inspectors"]["teams"], teams_of[entity]
        if not (is_int(index) and isinstance(teams, list) and 0 <= index < len(teams) and isinstance(teams[index], list)):
            self.add(f"所指的抽取（{self.place(info)}）记录的分组与检查组对不上，这次回避换人无法复核")
            return
        history = self.recusals.setdefault((target, entity), [])
        team = apply_recusals(teams[index], entity, history)
        if inspector not in team:
            self.add(f"回避的检查人员 {show(inspector)} 不在企业 {entity} 当前的检查组（{show_ids(team)}）里")
            return
        if not isinstance(replacement, str):
            self.add("回避记录必须写明替补人员（replacement）：没有人可替补时不能记录回避，应另行处理或作废抽取")
            return
        borrowed = self.borrowed(record, drawn)
        if borrowed is False:
            return
        expected = replacement_for(drawn, entity, inspector, history, borrowed, teams_of)
        history.append({"entity": entity, "inspector": inspector, "replacement": replacement})
        if replacement != expected:
            where = f"{borrowed['section']} 的人员按种子排序后" if borrowed else "后备名单中"
            self.add(f"替补人员应为 {show(expected) if expected is not None else '无人可替补'}（{where}第一位不在该组、未曾为该企业回避"
                     f"且与该企业无利害冲突的人员），记录为 {show(replacement)}")
        self.log.replace(target, entity, inspector, replacement)

    def borrowed(self, record: dict, drawn: dict):
        """The other section's pool a recusal drew from (None: the draw's own reserve; False: malformed)."""
        section = record["from_section"]
        if section is None:
            return None
        pool, conflicts = record.get("pool"), record.get("pool_conflicts")
        if not isinstance(section, str) or section == self.ledger or section == BUREAU:
            self.add(f"from_section 应为另一个科室的编号，记录为 {show(section)}")
            return False
        if not (isinstance(pool, list) and pool and all(isinstance(i, str) for i in pool)
                and pool == sorted(set(pool))):
            self.add("从其他科室抽调替补时，pool 应为该科室在抽取日符合条件的人员编号（非空、已排序、不重复）")
            return False
        pairs = self.pair_list(conflicts, "pool_conflicts")
        if pairs is None:
            return False
        if any(i not in pool or e != record["entity"] for i, e in pairs):
            self.add("pool_conflicts 只能列出 pool 中的人员与这家企业之间申报的利害关系")
            return False
        if not self._pool_belongs(section, pool, drawn):
            return False
        return {"section": section, "pool": pool, "conflicts": conflicts}

    def _pool_belongs(self, section: str, pool: list, drawn: dict) -> bool:
        """The borrowed pool holds the other section's people: nobody of the draw's own pool, and nobody whom the
        draw or announcement of a section other than ``section`` counted as its own on the draw's date."""
        own = sorted(set(pool) & set(drawn["inspectors"]["eligible"]))
        if own:
            self.add(f"pool 中的 {show_ids(own)} 是本科室这次抽取的检查人员，不是从 {section} 抽调的")
            return False
        on = self.pools_on.get(drawn["date"], {})
        elsewhere = sorted(i for i in pool if on.get(i, section) != section)
        if elsewhere:
            self.add(f"pool 中的 {elsewhere[0]} 在 {drawn['date']} 是 {on[elsewhere[0]]} 的检查人员（见该科室当天的记录），"
                     f"不属于 {section}")
            return False
        return True

    def teams_of(self, target: str, drawn: dict) -> dict:
        """``{entity: team}`` of a draw, re-derived (the last one is kept: recusals come in runs)."""
        if self._teams_of[0] != target:
            self._teams_of = (target, team_map(drawn))
        return self._teams_of[1]

    # -- the other record types ------------------------------------------------------------------------

    def on_targeted(self, record: dict) -> None:
        if not self.require(record, TARGETED_FIELDS):
            return
        if record["basis"] not in TARGETED_BASES:
            self.add("定向检查的依据应为 {} 之一，记录为 {}".format("、".join(TARGETED_BASES), show(record["basis"])))
        lists = [record[name] for name in ("entities", "inspectors")]
        if not all(isinstance(v, list) and v and all(isinstance(i, str) for i in v) for v in lists):
            self.add("entities 和 inspectors 应为非空的编号（字符串）列表")
            return
        if len(set(record["inspectors"])) < MIN_TEAM_SIZE:
            self.add(f"检查人员至少 {MIN_TEAM_SIZE} 名（第十八条）")
        if not is_date(record["date"]):
            self.add("date 不是有效日期（YYYY-MM-DD）：{}".format(show(record["date"])))
            return
        if is_at(record.get("at")) and record["at"][:10] != record["date"]:
            self.add(f"非随机检查的日期 {record['date']} 与记录时间 {record['at']} 不是同一天：不得补录或提前记录（第十五条）")
        team = tuple(record["inspectors"])
        self.log.add(record.get("hash", ""), day_number(record["date"]), [(e, team) for e in record["entities"]])

    def on_plan_approval(self, record: dict) -> None:
        if self.require(record, PLAN_APPROVAL_FIELDS) and is_hex64(record["digest"]):
            self.approved_plans.add(record["digest"])

    def on_checklist_approval(self, record: dict) -> None:
        if self.require(record, CHECKLIST_APPROVAL_FIELDS) and is_hex64(record["digest"]):
            self.note_checklist_approval(record)

    def on_publish(self, record: dict) -> None:
        if not self.require(record, PUBLISH_FIELDS):
            return
        published = record.get("published")
        for result in published if isinstance(published, list) else []:
            if isinstance(result, dict) and is_hex64(result.get("draw")):
                self.published.setdefault(result["draw"], self.here())

    def on_document(self, record: dict) -> None:
        """A numbered 抽查文书 (SPEC §9): for a company its draw selected, of a draw that stands; a 整改复查意见书
        only after a 责令限期整改指令书 for the same company and draw; each number once, each series (the number's
        prefix and section) one kind in one ledger."""
        if not self.require(record, DOCUMENT_FIELDS):
            return
        info = self.known.get(record["draw"]) if is_hex64(record["draw"]) else None
        if info is None or info.type != "draw" or info.ledger != self.ledger:
            self.add("文书所属的抽取不在本科室此前的台账中")
        elif record["draw"] in self.voided:
            self.add("文书所属的抽取已作废")
        elif record["entity"] not in selected_ids(read_record_at(info.path, info.offset)):
            self.add(f"文书的被检查单位 {show(record['entity'])} 不在所属抽取 {self.place(info)} 的抽中名单中")
        if record["kind"] not in DOCUMENT_KINDS:
            self.add(f"文书种类 {show(record['kind'])} 不是 {'、'.join(DOCUMENT_KINDS)} 之一")
        key = (record["draw"], record["entity"])
        if record["kind"] == "整改复查意见书" and key not in self.ordered:
            self.add("整改复查意见书之前没有同一抽取、同一单位的责令限期整改指令书")
        if record["kind"] == "责令限期整改指令书":
            self.ordered.add(key)
        self.check_series(record)
        if record["number"] in self.documents:
            self.add(f"文书编号 {record['number']} 已在 {self.documents[record['number']]} 使用过，编号不得重复")
        self.documents[record["number"]] = self.here()
        self.documented.add(record["draw"])

    def check_series(self, record: dict) -> None:
        """The number is ``<prefix>〔<year of the record>〕<section>-<serial>``, and each (prefix, section) series
        belongs to one kind and one ledger."""
        parts = split_document_number(record["number"])
        if parts is None:
            self.add(f"文书编号 {show(record['number'])} 格式不对（应如 汝应急现记〔2026〕二股-001）")
            return
        prefix, year, section, _ = parts
        if is_at(record.get("at")) and year != int(record["at"][:4]):
            self.add(f"文书编号 {record['number']} 的年份 {year} 不是开具的年份 {record['at'][:4]}")
        owner = self.series.setdefault((prefix, section), (record["kind"], self.ledger))
        if owner != (record["kind"], self.ledger):
            self.add(f"文书编号 {record['number']} 的编号系列此前用于 {owner[1]} 台账的{owner[0]}，不能再用于{record['kind']}")

