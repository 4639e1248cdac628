"""Which seed a draw uses, and its fairness level (SPEC §4): announced results, witnesses' entries, the
operator's computer, or a typed seed — and the minimum level a plan item may require."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from shuangsuiji.core.seeds import SeedError, announced_seed, normalize_entry, witnessed_seed
from shuangsuiji.core.tickets import normalize_seed
from shuangsuiji.core.words import FAIRNESS_SHORT
from shuangsuiji.draw.parameters import DrawOptions
from shuangsuiji.errors import RuleError, SsjError
from shuangsuiji.ledger.store import Record
from shuangsuiji.registry.models import PlanItem

SYSTEM_SEED_SOURCE = "系统随机数：抽取时由操作员电脑上的安全随机数生成器（Python secrets）产生的 20 位十进制数"
OPERATOR_SEED_SOURCE = "操作员输入"
WITNESSED_SEED_SOURCE = "现场见证人各自输入的数（种子为其输入记录的 SHA-256）"
#: which levels satisfy a plan item's minimum
_SATISFIES = {"announced": {"announced"}, "witnessed": {"announced", "witnessed"}}


@dataclass(frozen=True)
class Seed:
    """A draw's seed with what the record says of it."""

    seed: str
    source: str
    fairness: str
    witnesses: list[dict[str, str]] | None = None


def choose_seed(options: DrawOptions, announced: Record | None) -> Seed:
    """The seed of this draw: from its announcement's results, its witnesses, the operator, or the system."""
    if announced is not None:
        if options.witnesses:
            raise SsjError("按公告抽取时种子来自公告指定的开奖结果，不能再用见证人输入")
        if not options.seeds:
            sources = "、".join(f"{s['game']}第{s['period']}期" for s in announced["sources"])
            raise SsjError(f"按公告抽取必须用 --seed 依次给出公告指定的开奖结果（{sources}），每个来源一个 --seed")
        try:
            seed = announced_seed(announced["sources"], list(options.seeds))
        except SeedError as error:
            raise SsjError(str(error)) from None
        return Seed(seed, "公告指定的开奖结果：" + seed, "announced")
    if options.witnesses:
        if options.seeds:
            raise SsjError("现场见证的抽取由见证人输入种子，不能再写 --seed")
        witnesses = [{"name": normalize_entry(name), "value": normalize_entry(value)} for name, value in options.witnesses]
        try:
            return Seed(witnessed_seed(witnesses), WITNESSED_SEED_SOURCE, "witnessed", witnesses)
        except SeedError as error:
            raise SsjError(str(error)) from None
    if not options.seeds:
        return Seed("".join(secrets.choice("0123456789") for _ in range(20)), SYSTEM_SEED_SOURCE, "system")
    if len(options.seeds) > 1:
        raise SsjError("只有按公告抽取（--announcement）才能给出多个 --seed")
    try:
        seed = normalize_seed(options.seeds[0])
    except ValueError as exc:
        raise SsjError(f"{exc}：请给出非空的种子，或不写 --seed 让系统生成") from None
    return Seed(seed, (options.seed_source or OPERATOR_SEED_SOURCE).strip(), "operator")


def require_level(item: PlanItem | None, fairness: str) -> None:
    """Refuse a draw below the fairness level its plan item requires (``seed: announced`` / ``witnessed``)."""
    if item is None or item.seed is None or fairness in _SATISFIES[item.seed]:
        return
    how = ("先用 ssj announce 公告，开奖后按公告抽取" if item.seed == "announced"
           else "请至少两名见证人到场，用 ssj draw --witness 姓名 逐一输入")
    raise RuleError(f"计划事项 {item.id} 要求公平性等级不低于“{FAIRNESS_SHORT[item.seed]}”，"
                    f"本次为“{FAIRNESS_SHORT[fairness]}”：{how}")
