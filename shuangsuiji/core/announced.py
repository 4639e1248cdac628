"""Checking an announcement (``announce``) and the seed of a draw (SPEC §4 seeds and fairness levels, §5): the
announced draw is its announcement plus the lottery result, drawn after the numbers existed.

:class:`AnnouncementChecks` is a part of :class:`~shuangsuiji.core.rederive.DrawChecks`: it uses that class's
state (``known``, ``pending``, ``voided`` …) and its list readers.
"""

from __future__ import annotations

from shuangsuiji.core.inspections import ANNOUNCED_DRAW_LAG_DAYS, day_number, days_too_late
from shuangsuiji.core.seeds import (
    SeedError,
    check_announced_seed,
    check_witnesses,
    is_system_seed,
    parse_source,
    period_problem,
    witnessed_seed,
)
from shuangsuiji.core.text import is_at, is_date, is_hex64, is_int, moment, show
from shuangsuiji.core.words import FAIRNESS_LEVELS

ANNOUNCE_FIELDS = (
    "section", "plan_item", "plan_digest", "checklist_item", "checklist", "date", "ratio", "rest_days", "sources",
    "not_before", "strata", "rested", "inspectors", "conflicts", "recent", "commit",
)
#: what an announced draw takes over from its announcement, unchanged
ANNOUNCED = ("plan_item", "plan_digest", "checklist_item", "checklist", "date", "ratio", "rest_days", "rested")


def item_key(record: dict) -> tuple:
    """(section, plan item) of a draw or announcement: what "the same draw to come" means for announcements."""
    item = record.get("plan_item")
    return str(record.get("section")), item if isinstance(item, str) else None


def sorted_pairs(entries) -> list:
    """``[(inspector, entity)]`` of recorded conflict or rotation entries, sorted."""
    return sorted((e["inspector"], e["entity"]) for e in entries)


def numbers_seen(void: dict, voided: dict) -> bool:
    """Was this a void after the lottery numbers of an announcement were out: the announcement itself, voided
    at or after its ``not_before``, or a draw made on one? Then its plan item gets no new announcement: otherwise
    an operator could void and announce again until one of several sets of numbers gave the wanted result."""
    if voided["type"] == "draw":
        return voided.get("fairness") == "announced"
    not_before = voided.get("not_before")
    return is_at(void.get("at")) and is_at(not_before) and moment(void["at"]) >= moment(not_before)


class AnnouncementChecks:
    """The checks of seeds and announcements (mixed into ``DrawChecks``)."""

    # -- seeds ------------------------------------------------------------------------------------

    def announcement_of(self, record: dict):
        """The pending announcement an announced draw fulfils (None for other levels or when it is missing)."""
        if record["fairness"] != "announced":
            if record["announcement"] is not None:
                self.add("不是“事先公告”的抽取，announcement 应为 null")
            return None
        target = record["announcement"]
        if not is_hex64(target) or target not in self.known:
            self.add("“事先公告”的抽取必须写明此前一条公告记录的 hash（announcement）")
            return None
        info = self.known[target]
        if info.type != "announce" or info.ledger != self.ledger:
            self.add(f"announcement 指向的 {self.place(info)} 不是本科室的抽取公告")
            return None
        if target in self.voided:
            self.add(f"所依据的公告 {self.place(info)} 已在 {self.voided[target]} 作废，不能再按它抽取")
        if target in self.announcement_used:
            self.add(f"公告 {self.place(info)} 已被 {self.announcement_used[target]} 用过；一份公告只能用于一次抽取")
            return None
        self.announcement_used[target] = self.here()
        return self.pending.pop(target, None)

    def check_seed(self, record: dict, announce) -> None:
        fairness, seed = record["fairness"], record["seed"]
        if fairness not in FAIRNESS_LEVELS:
            self.add(f"fairness 应为 {'、'.join(FAIRNESS_LEVELS)} 之一，记录为 {show(fairness)}")
            return
        if ("witnesses" in record) != (fairness == "witnessed"):
            self.add("只有“现场见证”的抽取才有 witnesses，且必须有")
        try:
            if fairness == "system" and not is_system_seed(seed):
                raise SeedError("fairness 为 system（系统随机）时种子应为 20 位数字")
            if fairness == "witnessed":
                check_witnesses(record.get("witnesses"))
                if witnessed_seed(record["witnesses"]) != seed:
                    raise SeedError("种子不是见证人输入值的 SHA-256（见证人的输入与种子对不上）")
            if fairness == "announced" and announce is not None:
                sources = announce["sources"]
                if not (isinstance(sources, list) and all(isinstance(s, dict) for s in sources)):
                    raise SeedError("所依据的公告没有有效的开奖来源（sources），无法核对种子")
                check_announced_seed(seed, sources)
                at = record["at"] if is_at(record.get("at")) else None
                if at is not None and is_at(announce["not_before"]) and moment(at) < moment(announce["not_before"]):
                    raise SeedError(f"抽取时间 {at} 早于公告规定的开奖时间 {announce['not_before']}：当时号码尚未公布")
                if at is not None and days_too_late(at[:10], announce["date"]) > 0:
                    raise SeedError(f"抽取比公告的日期晚了 {ANNOUNCED_DRAW_LAG_DAYS} 天以上，公告已失效")
        except SeedError as error:
            self.add(str(error))

    def compare_with_announcement(self, record, announce, strata, pool) -> tuple:
        """An announced draw is its announcement plus the seed: nothing else may differ. Returns the announced
        conflicts and rotation pairs: the draw is re-derived with those, and keeps exactly the ones of its teams
        and selected companies (a conflict left out would change the assignment unseen)."""
        for name in ANNOUNCED:
            if record.get(name) != announce.get(name):
                self.add(f"{name} 与公告不一致：公告为 {show(announce.get(name))}，抽取为 {show(record.get(name))}")
        recorded = [[s["name"], s["ratio"], s["population"], s["count"]] for s in record["strata"]]
        if recorded != [[s["name"], s["ratio"], s["population"], s["count"]] for s in announce["strata"]]:
            self.add("分层名单或比例与公告不一致：名单在公告之后被改动过")
        inspectors = announce["inspectors"]
        if list(pool) != [inspectors["eligible"], inspectors["team_size"], inspectors["reserve_size"]]:
            self.add("检查人员名单、每组人数或后备人数与公告不一致")
        return sorted_pairs(announce["conflicts"]), self.announced_pairs.pop(announce.get("hash"), set())

    # -- announce ---------------------------------------------------------------------------------

    def on_announce(self, record: dict) -> None:
        if not self.require(record, ANNOUNCE_FIELDS):
            return
        for name in ("plan_item", "checklist_item"):
            if record[name] is not None and not isinstance(record[name], str):
                self.add(f"{name} 应为字符串或 null")
        if not is_date(record["date"]) or not is_int(record["rest_days"]):
            self.add("date 应为有效日期，rest_days 应为整数")
            return
        self.check_announced_dates(record)
        self.check_sources(record["sources"])
        if isinstance(record["sources"], list) and is_at(record["not_before"]):
            for source in record["sources"]:
                problem = period_problem(source, record["not_before"]) if isinstance(source, dict) else None
                if problem:
                    self.add(problem)
        self.check_checklist(record)
        self.check_item_free(record)
        strata = self.populations(record["strata"], record["ratio"], with_selection=False)
        pool = self.pool(record["inspectors"], full=False)
        conflicts = self.pair_list(record["conflicts"], "conflicts")
        if strata is None or pool is None or conflicts is None:
            return
        self.remember_pool(record["date"], pool[0])
        self.check_rest(record, strata)
        found = self.cited_of(record["recent"], "recent")
        population = [e for p in strata for e in p.ids]
        inside, eligible = set(population), set(pool[0])
        if any(i not in eligible or e not in inside for i, e in conflicts):
            self.add("公告的 conflicts 只能列出符合条件的检查人员与各层企业之间申报的利害关系")
        pairs, records = self.rotation_of(record, population, pool[0])
        if isinstance(found, dict):  # listed, as written before 2026-12-08
            if set(found) != pairs:
                self.add("公告的近一年检查关系（recent）与台账不符：轮换规则无法按公告执行")
            else:
                self.check_listed_by(record, found)
        elif found is not None:
            self.check_rotation(found, pairs, records, people="符合条件的检查人员", companies="各层企业")
        if is_hex64(record.get("hash")):
            self.pending[record["hash"]] = record
            self.announced_pairs[record["hash"]] = pairs  # what its draw is re-derived with, as the log stands now

    def check_announced_dates(self, record: dict) -> None:
        """The numbers come out after the announcement and at most 30 days after the draw date it names; that
        date is not before the announcement's own (an announcement fixes a draw to come)."""
        at, not_before = record.get("at"), record["not_before"]
        if not is_at(not_before) or (is_at(at) and moment(not_before) <= moment(at)):
            self.add("not_before（开奖时间）应晚于公告时间：公告必须在号码产生之前发布")
            return
        if day_number(not_before[:10]) - day_number(record["date"]) > ANNOUNCED_DRAW_LAG_DAYS:
            self.add(f"开奖时间 {not_before} 比抽取日期 {record['date']} 晚 {ANNOUNCED_DRAW_LAG_DAYS} 天以上："
                     "公告的抽取到那时已失效")
        if is_at(at) and record["date"] < at[:10]:
            self.add(f"公告的抽取日期 {record['date']} 早于公告当天（{at[:10]}）：公告只能确定将来的抽取")

    def check_sources(self, sources) -> None:
        """Each source a game of the built-in list and a valid 期号, written as ssj writes it, each once."""
        if not (isinstance(sources, list) and sources and all(isinstance(s, dict) and set(s) == {"game", "period"}
                                                             for s in sources)):
            self.add("sources 应为 [{game, period}, …]（至少一个开奖来源）")
            return
        for source in sources:
            try:
                parsed = parse_source(f"{source['game']}:{source['period']}")
            except SeedError as error:
                self.add(f"开奖来源 {show(source)} 无效：{error}")
                continue
            if parsed != source:
                self.add(f"开奖来源 {show(source)} 不是规范写法（应为 {show(parsed)}）")
        if len({(str(s["game"]), str(s["period"])) for s in sources}) != len(sources):
            self.add("同一期开奖结果在 sources 中出现了两次：每个来源应是不同的一期")

    def check_item_free(self, record: dict) -> None:
        """One pending announcement per plan item; none after the item's numbers were seen and thrown away."""
        key = item_key(record)
        waiting = [h for h, note in self.pending.items() if item_key(note) == key]
        if waiting:
            self.add(f"计划事项 {show(key[1])} 已有一条待抽取的公告 {self.place(self.known[waiting[0]])}："
                     "同一事项同时只能有一条待抽取的公告（先按它抽取或作废它）")
        if key in self.spent:
            self.add(f"计划事项 {show(key[1])} 的 {self.spent[key]} 在开奖号码公布之后被作废，不能再为这一事项发新公告："
                     "否则看到号码后作废重来，就能在几组开奖号码中挑选抽取结果")
