"""Where a seed comes from (SPEC §4, fairness levels), and the one canonical seed each source allows.

- ``announced``: one or more future public lottery results, named beforehand (game and 期号); the seed is the
  canonical text of the results, so one real result gives exactly one seed.
- ``witnessed``: at least two named witnesses each enter a value; the seed is the SHA-256 of their entries.
- ``system``: 20 decimal digits from the operator's computer; ``operator``: typed in without an announcement.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from shuangsuiji.core.canonical import canonical

SYSTEM_SEED_DIGITS = 20
MIN_WITNESSES = 2


class SeedError(ValueError):
    """A seed text, source or witness list that the rules of its fairness level do not allow."""


class Game:
    """A lottery whose published result can serve as a seed: its groups of numbers and their ranges."""

    def __init__(self, name: str, aliases: tuple, groups: tuple, digits: bool = False,
                 special_apart: bool = False, weekdays: tuple = (0, 1, 2, 3, 4, 5, 6)) -> None:
        self.name = name
        #: the days of the week it is drawn (Monday = 0); its 期号 restart at 001 every year
        self.weekdays = weekdays
        self.aliases = aliases
        #: (how many numbers, lowest, highest, distinct) per group, in the order they are published
        self.groups = groups
        #: single digits in draw order (福彩3D, 排列三/五) rather than balls sorted ascending
        self.digits = digits
        #: 七乐彩: the special number is not among the seven
        self.special_apart = special_apart


GAMES = (
    Game("双色球", ("福彩双色球",), ((6, 1, 33, True), (1, 1, 16, True)), weekdays=(1, 3, 6)),
    Game("大乐透", ("体彩大乐透", "超级大乐透"), ((5, 1, 35, True), (2, 1, 12, True)), weekdays=(0, 2, 5)),
    Game("七乐彩", ("福彩七乐彩",), ((7, 1, 30, True), (1, 1, 30, True)), special_apart=True, weekdays=(0, 2, 4)),
    Game("福彩3D", ("3D",), ((3, 0, 9, False),), digits=True),
    Game("排列三", ("排列3", "体彩排列三"), ((3, 0, 9, False),), digits=True),
    Game("排列五", ("排列5", "体彩排列五"), ((5, 0, 9, False),), digits=True),
)
GAME_NAMES = tuple(game.name for game in GAMES)
_PERIOD = re.compile(r"20[0-9]{2}[0-9]{3}")
_SEPARATORS = re.compile(r"[ ,，、]+")
_BALL = re.compile(r"[0-9]{1,2}")


def period_problem(source: dict, not_before: str) -> str | None:
    """Why a source's 期号 cannot be a draw at ``not_before`` (the announced time the numbers come out), or None.

    期号 restart every year, so the period's year is the year of its draw; and a period cannot be later in the year
    than the game's draws by that day allow (pauses, such as the Spring Festival, only lower the number). This
    catches a period drawn long ago; whether period N was really drawn after the announcement only the lottery's
    own calendar says — the public checks that on its official site (README: 抽取算法与独立复核)."""
    import datetime as dt

    try:
        game = game_named(str(source.get("game")))
        period = str(source.get("period"))
        day = dt.date.fromisoformat(str(not_before)[:10])
    except (SeedError, ValueError):
        return None  # reported by the grammar checks
    year, number = int(period[:4]), int(period[4:])
    if year != day.year:
        return (f"{game.name}第{period}期是 {year} 年的一期，而公告写它在 {day.isoformat()} 开奖："
                "期号每年从 001 重新编号，应写开奖当年的期号")
    first = dt.date(day.year, 1, 1)
    most = sum(1 for n in range((day - first).days + 1) if (first + dt.timedelta(days=n)).weekday() in game.weekdays)
    if number > most:
        return f"{game.name}到 {day.isoformat()} 最多开奖 {most} 期，没有第{period}期：请核对期号和开奖时间"
    return None


def game_named(text: str) -> Game:
    """The game called ``text`` (its name or an alias, as printed on the ticket)."""
    wanted = unicodedata.normalize("NFKC", text).strip()
    for game in GAMES:
        if wanted == game.name or wanted in game.aliases:
            return game
    raise SeedError(f"不认识的开奖来源“{text}”：可用 {'、'.join(GAME_NAMES)}")


def parse_source(text: str) -> dict:
    """``双色球:2026140`` → ``{"game": "双色球", "period": "2026140"}`` (the 期号 is seven digits: year and number)."""
    game_text, colon, period = unicodedata.normalize("NFKC", text).strip().partition(":")
    if not colon:
        raise SeedError(f"开奖来源“{text}”应写成“游戏:期号”，例如 双色球:2026140")
    game = game_named(game_text)
    period = period.strip()
    if not _PERIOD.fullmatch(period) or period.endswith("000"):
        raise SeedError(f"期号“{period}”无效：应为 7 位数字，前 4 位是年份，例如 2026140")
    return {"game": game.name, "period": period}


def canonical_result(source: dict, text: str) -> str:
    """The canonical text ``<game><period>:<numbers>`` of one published result; refuses anything else.

    Balls are written with two digits in ascending order inside each group, groups joined by ``+``
    (``双色球2026140:03 08 12 19 25 31+07``); digit games keep the draw order (``排列五2026330:1 2 3 4 5``).
    """
    game = game_named(str(source.get("game", "")))
    written = unicodedata.normalize("NFKC", text).strip()
    parts = written.split("+")
    if len(parts) != len(game.groups):
        shape = "+".join(f"{count} 个号码" for count, *_ in game.groups)
        raise SeedError(f"“{text}”不是一期{game.name}的开奖号码：应为 {shape}")
    groups = [_group(game, part, spec, text) for part, spec in zip(parts, game.groups)]
    if game.special_apart and groups[1][0] in groups[0]:
        raise SeedError(f"“{text}”不是一期{game.name}的开奖号码：特别号不能与基本号相同")
    if game.digits:
        numbers = " ".join(str(n) for n in groups[0])
    else:
        numbers = "+".join(" ".join(f"{n:02d}" for n in sorted(group)) for group in groups)
    return f"{game.name}{source['period']}:{numbers}"


def _group(game: Game, part: str, spec: tuple, text: str) -> list:
    count, low, high, distinct = spec
    stripped = part.strip(" ")
    if game.digits and stripped.isascii() and stripped.isdigit() and len(stripped) == count:
        tokens = list(stripped)  # 福彩3D and 排列 results are often written as one run of digits
    else:
        tokens = _SEPARATORS.split(stripped) if stripped else []
    if len(tokens) != count or not all(_BALL.fullmatch(t) and (not game.digits or len(t) == 1) for t in tokens):
        raise SeedError(f"“{text}”不是一期{game.name}的开奖号码：这一组应为 {count} 个号码（{low}–{high}），写成“{part.strip()}”")
    numbers = [int(t) for t in tokens]
    if any(not low <= n <= high for n in numbers):
        raise SeedError(f"“{text}”不是一期{game.name}的开奖号码：号码应在 {low:02d}–{high:02d} 之间")
    if distinct and len(set(numbers)) != count:
        raise SeedError(f"“{text}”不是一期{game.name}的开奖号码：同一组号码不能重复")
    return numbers


def announced_seed(sources: list, results: list) -> str:
    """The seed of an announced draw: the canonical results of its sources, in order, joined by ``|``."""
    if len(results) != len(sources):
        raise SeedError(f"公告指定了 {len(sources)} 个开奖来源，应依次给出 {len(sources)} 个 --seed（每个来源一个），实际给出 {len(results)} 个")
    return "|".join(canonical_result(source, text) for source, text in zip(sources, results))


def check_announced_seed(seed: str, sources: list) -> None:
    """Refuse a recorded seed that is not exactly the canonical results of ``sources`` (the verifiers' check)."""
    parts = seed.split("|")
    if len(parts) != len(sources):
        raise SeedError(f"种子应由公告的 {len(sources)} 个开奖结果组成，记录的种子有 {len(parts)} 段")
    for part, source in zip(parts, sources):
        prefix = f"{source.get('game')}{source.get('period')}:"
        if not part.startswith(prefix):
            raise SeedError(f"种子“{part}”不是公告指定的开奖来源 {prefix[:-1]} 的结果")
        written = canonical_result(source, part[len(prefix):])
        if written != part:
            raise SeedError(f"种子“{part}”不是开奖号码的规范写法（应为 {written}）")


def witnessed_seed(witnesses: list) -> str:
    """SHA-256 hex of the RFC 8785 form of ``[{name, value}, …]`` in entry order (values as entered, NFC)."""
    check_witnesses(witnesses)
    return hashlib.sha256(canonical([{"name": w["name"], "value": w["value"]} for w in witnesses])).hexdigest()


def normalize_entry(text: str) -> str:
    """A witness's name or value as recorded: NFC, surrounding white space removed."""
    return unicodedata.normalize("NFC", str(text)).strip()


def check_witnesses(witnesses) -> None:
    """At least two witnesses, each named once, each with a value, recorded as entered (NFC, trimmed)."""
    if not isinstance(witnesses, list) or len(witnesses) < MIN_WITNESSES:
        raise SeedError(f"“现场见证”至少需要 {MIN_WITNESSES} 名见证人各自输入一个数")
    names = set()
    for witness in witnesses:
        if not (isinstance(witness, dict) and set(witness) == {"name", "value"}
                and all(isinstance(witness[k], str) for k in ("name", "value"))):
            raise SeedError("见证人记录应为 {name, value}（均为文字）")
        if not witness["name"] or not witness["value"]:
            raise SeedError("每名见证人都要写明姓名并输入一个数")
        if witness["name"] != normalize_entry(witness["name"]) or witness["value"] != normalize_entry(witness["value"]):
            raise SeedError(f"见证人 {witness['name']} 的记录不是规范形式（NFC、去掉首尾空白）")
        if witness["name"] in names:
            raise SeedError(f"见证人 {witness['name']} 重复：每名见证人只能输入一次")
        names.add(witness["name"])


def is_system_seed(seed: str) -> bool:
    """20 ASCII decimal digits: the form of a seed ssj made itself."""
    return len(seed) == SYSTEM_SEED_DIGITS and seed.isascii() and seed.isdigit()
