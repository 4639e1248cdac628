"""Ratios and sample sizes in exact decimal arithmetic (SPEC §4): never floats."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from fractions import Fraction

from shuangsuiji.core.text import show

_DECIMAL = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)$")
_RECORDED = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)")


def parse_ratio(text: str | int | float | Decimal) -> Decimal:
    """Parse ``0.1``, ``.5``, ``1`` or ``10%`` into a Decimal in (0, 1]; refuse anything else.

    Full-width input (``１０％``, ``０.１``, as a Chinese input method types it) is read after NFKC.
    """
    raw = _as_text(text).strip()
    plain = unicodedata.normalize("NFKC", raw).strip()
    percent = plain.endswith("%")
    number = plain[:-1].strip() if percent else plain
    if not _DECIMAL.match(number):
        raise ValueError(f"比例“{raw}”无效：请写成小数（如 0.1）或百分数（如 10%）")
    value = Decimal(number) / 100 if percent else Decimal(number)
    if not Decimal(0) < value <= Decimal(1):
        raise ValueError(f"比例“{raw}”超出范围：必须大于 0 且不大于 1（即 100%）")
    return value


def _as_text(value: str | int | float | Decimal) -> str:
    # YAML reads an unquoted 0.1 as a float; repr() gives back the shortest literal that was typed.
    if isinstance(value, bool):
        raise ValueError("比例不能是真/假值")
    return repr(value) if isinstance(value, float) else str(value)


def format_ratio(value: Decimal) -> str:
    """The canonical decimal string of a ratio: ``0.1``, ``0.25``, ``1`` (no exponent, no trailing zeros)."""
    text = format(value.normalize(), "f")
    return text


def percent(value: object) -> str:
    """A ratio as a clerk reads it, exactly: ``"0.1"`` → ``10%``, ``"0.125"`` → ``12.5%``, ``"1"`` → ``100%``
    (the record keeps the decimal; anything that is not a ratio is shown as it is)."""
    try:
        scaled = Decimal(str(value)) * 100
    except ArithmeticError:
        return str(value)
    if not scaled.is_finite():
        return str(value)
    return format(scaled.normalize(), "f") + "%"


def recorded_ratio(text: object) -> Fraction:
    """The exact ratio a record holds: a plain decimal string in (0, 1] such as ``"0.1"`` (no exponent, no %)."""
    if not isinstance(text, str) or not _RECORDED.fullmatch(text):
        raise ValueError(f"比例 {show(text)} 不是小数字符串（应写成 \"0.1\" 这样的形式）")
    value = Fraction(text)
    if not 0 < value <= 1:
        raise ValueError(f"比例 {show(text)} 不在 (0, 1] 范围内")
    return value


def sample_size(population: int, ratio: Decimal | Fraction | str) -> int:
    """k = ⌈r·N⌉ computed exactly; at least 1 when N ≥ 1 (``ratio`` a Decimal, a Fraction or a recorded string)."""
    if not isinstance(population, int) or isinstance(population, bool) or population < 0:
        raise ValueError("总数必须是非负整数")
    if population == 0:
        return 0
    if isinstance(ratio, str):
        ratio = recorded_ratio(ratio)
    elif not isinstance(ratio, (Decimal, Fraction)):
        raise ValueError(f"比例 {show(ratio)} 应为小数字符串、Decimal 或 Fraction")
    exact = (ratio if isinstance(ratio, Fraction) else Fraction(ratio)) * population
    return max(1, min(population, math.ceil(exact)))



RISK_CLASSES = ("A", "B", "C", "D")


def stratum_ratios(item_ratio: Decimal, risk_ratios: dict, multiplier: Decimal,
                   floor: Decimal | None = None) -> dict:
    """Each stratum's ratio under a plan item (SPEC §4, 第十六条), exact and capped at 1.

    ``floor`` (``--ratio``) raises the base before the multiplier applies and never lowers a plan ratio:
    b = max(item ratio, floor); 一般 b; 风险X max(plan ratio for X, floor); 黑名单 and 问题 min(1, m × b), never
    below the largest 风险 ratio so computed; 重点 1.
    """
    one = Decimal(1)
    base = min(one, max(item_ratio, floor) if floor is not None else item_ratio)
    risks = {}
    for risk in RISK_CLASSES:
        planned = risk_ratios.get(risk, item_ratio)
        risks[f"风险{risk}"] = min(one, max(planned, floor) if floor is not None else planned)
    raised = max(min(one, multiplier * base), *risks.values())
    return {"重点": one, "黑名单": raised, "问题": raised, **risks, "一般": base}
