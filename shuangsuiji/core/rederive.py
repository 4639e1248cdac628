"""Re-deriving a recorded draw (SPEC §4, §5) with the very functions that made it: strata, selections, teams,
reserve and assignments; and an announced draw against its announcement."""

from __future__ import annotations

import unicodedata

from shuangsuiji.core.canonical import canonical, digest
from shuangsuiji.core.draw import Refused, assign, form_teams, relevant_conflicts, select
from shuangsuiji.core.ratio import recorded_ratio
from shuangsuiji.core.text import is_date, is_hex64, is_int, short_ticket, show, show_ids
from shuangsuiji.core.words import FAIRNESS_LEVELS, STRATUM_NAMES

DRAW_FIELDS = (
    "section", "plan_item", "checklist_item", "date", "seed", "seed_source", "fairness", "announcement",
    "ratio", "team_size", "strata", "inspectors", "conflicts", "assignments", "inputs", "commit", "dirty",
)
ANNOUNCE_MATCHED = ("section", "plan_item", "date", "ratio", "team_size", "seed_source")
SYSTEM_SEED_DIGITS = 20


class DrawFacts:
    """What later records need of a draw: where it is, and its re-derived teams (None if not derivable)."""

    def __init__(self, line: int, record: dict) -> None:
        self.line = line
        self.record = record
        self.teams: list | None = None  # list of lists of inspector ids, once re-derived
        self.reserve: list = []
        self.team_of: dict = {}  # entity -> team index
        self.conflicts: set = set()  # (inspector, entity)


def same_json(left, right) -> bool:
    """Equal as JSON values (so that 1 and true, or 1 and "1", never count as the same)."""
    try:
        return canonical(left) == canonical(right)
    except ValueError:
        return False



class DrawChecks:
    """What every record check shares (problems found, what earlier records left), and the checks of ``draw``
    records; :class:`~shuangsuiji.core.records.RecordChecker` adds the other record types."""

    def __init__(self) -> None:
        self.problems: list = []
        self.line = 0
        self.draws: dict = {}  # hash -> _Draw
        self.announces: dict = {}  # hash -> (line, record)
        self.announcement_used: dict = {}  # announce hash -> line of the draw that used it
        self.voided: dict = {}  # draw hash -> line of the void
        self.recusals: dict = {}  # (draw hash, entity) -> [recusal records], in order
        self.section: str | None = None
        self.section_line = 0

    def add(self, message: str) -> None:
        self.problems.append((self.line, message))

    def require(self, record: dict, fields) -> bool:
        missing = [name for name in fields if name not in record]
        if missing:
            self.add("{} 记录缺少字段 {}".format(record.get("type"), "、".join(missing)))
        return not missing

    def check_section(self, record: dict) -> None:
        section = record.get("section")
        if not isinstance(section, str) or not section:
            self.add("section 应为非空字符串")
            return
        if self.section is None:
            self.section, self.section_line = section, self.line
        elif section != self.section:
            self.add(
                f"每个科室一个台账文件：本文件第 {self.section_line} 行起属于 {show(self.section)}，这条记录却属于 {show(section)}"
            )

    def draw(self, record: dict) -> None:
        info = DrawFacts(self.line, record)
        if is_hex64(record.get("hash")) and record["hash"] not in self.draws:
            self.draws[record["hash"]] = info
        if not self.require(record, DRAW_FIELDS):
            return
        self.check_section(record)
        self.draw_fields(record)
        derived = self.derive(record)
        if derived is None:
            return
        strata, merged, eligible = derived
        self.check_fairness(record, strata, eligible)
        self.derive_teams(record, info, merged, eligible)

    def draw_fields(self, record: dict) -> None:
        if record["plan_item"] is not None and not isinstance(record["plan_item"], str):
            self.add("plan_item 应为字符串或 null")
        if record["checklist_item"] is not None and not isinstance(record["checklist_item"], str):
            self.add("checklist_item 应为字符串或 null")
        if not is_date(record["date"]):
            self.add("date 不是有效日期（YYYY-MM-DD）：{}".format(show(record["date"])))
        if not isinstance(record["seed_source"], str):
            self.add("seed_source 应为字符串")
        inputs = record["inputs"]
        if not isinstance(inputs, dict) or not all(is_hex64(value) for value in inputs.values()):
            self.add("inputs 应为 {文件路径: SHA-256} 对象")
        if record["commit"] is not None and not isinstance(record["commit"], str):
            self.add("commit 应为字符串或 null")
        if not isinstance(record["dirty"], bool):
            self.add("dirty 应为 true 或 false")

    def derive(self, record: dict):
        """Check the strata and re-derive their selections; returns (strata, merged, eligible) or None."""
        seed = record["seed"]
        if not isinstance(seed, str) or not seed:
            self.add("seed 应为非空字符串")
            return None
        if seed != unicodedata.normalize("NFC", seed.strip()):
            self.add("seed 未去掉首尾空白或不是 NFC 形式（记录的应是实际使用的种子）")
        floor = None
        if record["ratio"] is not None:
            try:
                floor = recorded_ratio(record["ratio"])
            except ValueError as error:
                self.add(f"ratio：{error}")
        team_size = record["team_size"]
        if not is_int(team_size) or team_size < 2:
            self.add("team_size 应为不小于 2 的整数（第十八条：每组至少 2 名检查人员）")
            return None
        strata = record["strata"]
        if not isinstance(strata, list) or not strata:
            self.add("strata 应为非空列表")
            return None
        merged: list = []
        seen_ids: dict = {}
        names: set = set()
        ok = True
        for number, stratum in enumerate(strata, 1):
            chosen = self.derive_stratum(number, stratum, (floor, record["ratio"]), seed, seen_ids, names)
            if chosen is None:
                ok = False
                continue
            merged.extend(chosen)
        if not ok:
            return None
        merged.sort()
        eligible = self.inspector_pool(record, team_size)
        return None if eligible is None else (strata, merged, eligible)

    def derive_stratum(self, number: int, stratum, floor: tuple, seed: str, seen_ids: dict, names: set):
        """One stratum's checks and re-derived selection (``None`` when it cannot be re-derived)."""
        label = f"第 {number} 层"
        if not isinstance(stratum, dict) or not all(
            name in stratum for name in ("name", "ratio", "population", "k", "selected")
        ):
            self.add(f"{label} 应含 name、ratio、population、k、selected")
            return None
        name = stratum["name"]
        label = f"第 {number} 层（{name}）"
        if name not in STRATUM_NAMES:
            self.add("{}：层名 {} 不是 {} 之一".format(label, show(name), "、".join(STRATUM_NAMES)))
        elif name in names:
            self.add(f"{label}：层名重复")
        names.add(name if isinstance(name, str) else repr(name))
        try:
            ratio = recorded_ratio(stratum["ratio"])
        except ValueError as error:
            self.add(f"{label}：{error}")
            return None
        if floor[0] is not None and ratio < floor[0]:
            self.add("{}：比例 {} 低于本次抽取的比例下限 {}".format(label, stratum["ratio"], floor[1]))
        population = stratum["population"]
        if not isinstance(population, list) or not all(isinstance(item, str) for item in population):
            self.add(f"{label}：population 应为编号（字符串）列表")
            return None
        ordered = self.check_population(label, population, seen_ids)
        k, chosen = select(population, ratio, seed)
        if stratum["k"] != k or not is_int(stratum["k"]):
            self.add(
                "{}：k 应为 {}（⌈{} × {}⌉），记录为 {}".format(label, k, stratum["ratio"], len(population), show(stratum["k"]))
            )
        self.compare_selected(label, chosen, stratum["selected"])
        return chosen if ordered else None

    def check_population(self, label: str, population: list, seen_ids: dict) -> bool:
        """Sorted, without repeats, and no company in two strata; reports and returns False otherwise."""
        ok = True
        for position in range(1, len(population)):
            if not population[position - 1] < population[position]:
                self.add(
                    f"{label}：population 未按编号排序或有重复（{show(population[position - 1])} 与 {show(population[position])}）"
                )
                ok = False
                break
        for item in population:
            if item in seen_ids:
                self.add(f"{label}：企业 {item} 同时出现在{seen_ids[item]}，一家企业只能属于一层")
                return False
            seen_ids[item] = label
        return ok

    def inspector_pool(self, record: dict, team_size: int):
        """The recorded inspector pool, once its shape holds (None otherwise)."""
        inspectors = record["inspectors"]
        if not isinstance(inspectors, dict) or not all(
            name in inspectors for name in ("eligible", "team_size", "teams", "reserve")
        ):
            self.add("inspectors 应含 eligible、team_size、teams、reserve")
            return None
        eligible = inspectors["eligible"]
        if not isinstance(eligible, list) or not all(isinstance(item, str) for item in eligible):
            self.add("inspectors.eligible 应为检查人员编号（字符串）列表")
            return None
        if len(set(eligible)) != len(eligible):
            self.add("inspectors.eligible 中有重复的检查人员")
            return None
        if inspectors["team_size"] != team_size or not is_int(inspectors["team_size"]):
            self.add("inspectors.team_size（{}）与 team_size（{}）不一致".format(show(inspectors["team_size"]), team_size))
        return eligible

    def compare_selected(self, label: str, chosen: list, recorded) -> None:
        if not isinstance(recorded, list):
            self.add(f"{label}：selected 应为列表")
            return
        for position, (ticket, item) in enumerate(chosen):
            if position >= len(recorded):
                self.add(f"{label}：应抽中 {len(chosen)} 家企业，记录只有 {len(recorded)} 家")
                return
            entry = recorded[position]
            if not isinstance(entry, dict) or entry.get("id") != item or entry.get("ticket") != ticket:
                got = (
                    "{}（票号 {}）".format(show(entry.get("id")), short_ticket(entry.get("ticket")))
                    if isinstance(entry, dict) else show(entry)
                )
                self.add(
                    f"{label}：被抽中的第 {position + 1} 家应为 {show(item)}（票号 {short_ticket(ticket)}），记录为 {got}"
                )
                return
        if len(recorded) > len(chosen):
            self.add(f"{label}：应抽中 {len(chosen)} 家企业，记录却有 {len(recorded)} 家")

    def check_fairness(self, record: dict, strata: list, eligible: list) -> None:
        fairness = record["fairness"]
        announcement = record["announcement"]
        if fairness not in FAIRNESS_LEVELS:
            self.add(f"fairness 应为 announced、system 或 operator 之一，记录为 {show(fairness)}")
            return
        seed = record["seed"]
        if fairness == "system" and not (len(seed) == SYSTEM_SEED_DIGITS and seed.isascii() and seed.isdigit()):
            self.add("fairness 为 system（系统随机）时种子应为 20 位数字")
        if fairness != "announced":
            if announcement is not None:
                self.add("不是“事先公告”的抽取，announcement 应为 null")
            return
        if not is_hex64(announcement):
            self.add("“事先公告”的抽取必须写明所依据公告的 hash（announcement）")
            return
        found = self.announces.get(announcement)
        if found is None:
            self.add(f"所依据的公告不存在（本文件在这一行之前没有 hash 为 {announcement[:12]}… 的公告记录）")
            return
        self.check_announced(record, found, strata, eligible)

    def check_announced(self, record: dict, found: tuple, strata: list, eligible: list) -> None:
        announce_line, announce = found
        announcement = record["announcement"]
        if announcement in self.voided:
            self.add(f"所依据的公告已在第 {self.voided[announcement]} 行作废，不能再按它抽取")
        used = self.announcement_used.get(announcement)
        if used is not None:
            self.add(f"第 {announce_line} 行的公告已被第 {used} 行的抽取用过；一份公告只能用于一次抽取（重抽需要新的公告）")
        else:
            self.announcement_used[announcement] = self.line
        seed = record.get("seed")
        if announce.get("seed_rule") and not (isinstance(seed, str) and seed.isascii() and seed.isdigit()):
            self.add(f"第 {announce_line} 行的公告规定种子只取公布号码中的数字，记录的种子 {show(seed)} 不符合")
        for name in ANNOUNCE_MATCHED:
            if name in announce and not same_json(record.get(name), announce[name]):
                self.add(
                    f"{name} 与第 {announce_line} 行的公告不一致：公告为 {show(announce[name])}，抽取为 {show(record.get(name))}"
                )
        population = sorted(item for stratum in strata for item in stratum["population"])
        expected = {
            "population_digest": digest(population),
            "pool_digest": digest(sorted(eligible)),
            "strata_digest": digest([[s["name"], s["ratio"], s["population"]] for s in strata]),
        }
        words = {"population_digest": "企业名单", "pool_digest": "检查人员名单", "strata_digest": "分层"}
        for name, value in expected.items():
            if announce.get(name) != value:
                self.add(f"{words[name]}摘要（{name}）与第 {announce_line} 行公告的不符：名单在公告之后被改动过")

    def derive_teams(self, record: dict, info: DrawFacts, merged: list, eligible: list) -> None:
        team_size = record["team_size"]
        inspectors = record["inspectors"]
        selected = [item for _, item in merged]
        try:
            teams, reserve = form_teams(eligible, record["seed"], team_size, len(selected))
        except Refused:
            self.add(
                f"无法组成检查组（抽中 {len(selected)} 家企业，符合条件的检查人员 {len(eligible)} 名，每组 {team_size} 名），这次抽取本不应成立"
            )
            teams, reserve = [], sorted(eligible)
        self.compare_teams(teams, inspectors["teams"])
        if teams and inspectors["reserve"] != reserve:
            self.add("后备人员（reserve）应为 {}，记录为 {}".format(show_ids(reserve), show(inspectors["reserve"])))
        conflicts = self.conflicts(record["conflicts"], set(eligible), set(selected))
        info.conflicts = conflicts
        if not teams:
            return
        relevant = set(relevant_conflicts(conflicts, eligible, selected))
        try:
            expected = assign(selected, teams, relevant)
        except Refused as refusal:
            self.add(f"企业 {refusal.entity} 与所有检查组都有利害冲突，这次抽取本不应成立")
            return
        self.compare_assignments(expected, record["assignments"])
        info.teams, info.reserve = teams, reserve
        info.team_of = {a["entity"]: a["team"] for a in expected}

    def compare_teams(self, teams: list, recorded_teams) -> None:
        if not isinstance(recorded_teams, list):
            self.add("inspectors.teams 应为列表")
            return
        for j in range(max(len(teams), len(recorded_teams))):
            want = teams[j] if j < len(teams) else None
            got = recorded_teams[j] if j < len(recorded_teams) else None
            if want != got:
                if want is None:
                    self.add(f"应只有 {len(teams)} 个检查组，记录却有 {len(recorded_teams)} 个")
                elif got is None:
                    self.add(f"应有 {len(teams)} 个检查组，记录只有 {len(recorded_teams)} 个")
                else:
                    self.add(f"检查组 {j} 应为 {show_ids(want)}，记录为 {show(got)}")
                return

    def conflicts(self, recorded, eligible: set, selected: set) -> set:
        result: set = set()
        if not isinstance(recorded, list):
            self.add("conflicts 应为列表")
            return result
        previous = None
        for entry in recorded:
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("inspector"), str)
                and isinstance(entry.get("entity"), str)
            ):
                self.add(f"conflicts 的每一项应为 {{inspector, entity}}：{show(entry)}")
                continue
            pair = (entry["inspector"], entry["entity"])
            if pair[0] not in eligible:
                self.add(f"利害冲突中的检查人员 {pair[0]} 不在符合条件的检查人员名单里")
            if pair[1] not in selected:
                self.add(f"利害冲突中的企业 {pair[1]} 不是这次被抽中的企业")
            if previous is not None and not previous < pair:
                self.add("conflicts 未按检查人员、企业排序或有重复（{} / {}）".format(*pair))
            previous = pair
            result.add(pair)
        return result

    def compare_assignments(self, expected: list, recorded) -> None:
        if not isinstance(recorded, list):
            self.add("assignments 应为列表")
            return
        for index, want in enumerate(expected):
            if index >= len(recorded):
                self.add(f"应有 {len(expected)} 条分组（assignments），记录只有 {len(recorded)} 条")
                return
            got = recorded[index]
            team = got.get("team") if isinstance(got, dict) else None
            if not isinstance(got, dict) or got.get("entity") != want["entity"] or not same_json(team, want["team"]):
                self.add(
                    "分组第 {} 条应为企业 {} → 检查组 {}，记录为 {}".format(index + 1, want["entity"], want["team"], show(got))
                )
                return
        if len(recorded) > len(expected):
            self.add(f"应有 {len(expected)} 条分组（assignments），记录却有 {len(recorded)} 条")
