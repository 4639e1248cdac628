"""Tickets (shuangsuiji.sampling) against the consistent_sampler package, ratios and exact sample sizes."""

from __future__ import annotations

import random
import string
import unicodedata
from decimal import Decimal

import consistent_sampler
import pytest

from shuangsuiji.core import tickets as sampling
from shuangsuiji.core.ratio import format_ratio, parse_ratio, sample_size

# ---------------------------------------------------------------------------------------------------
# The package's published doctest vectors
# ---------------------------------------------------------------------------------------------------

AB130 = "0.26299714122838008416507544297546663599715395525154425586041245287750224561854"


def test_first_fraction_published_vector():
    assert sampling.first_fraction("AB-130", "01382438112797316654") == AB130
    assert consistent_sampler.first_fraction("AB-130", "01382438112797316654") == AB130


def test_sampler_published_order():
    ids = ["ab-1", "ab-2", "cd-1", "ef-3"]
    assert [t.id for t in sampling.rank(ids, "314159")] == ["cd-1", "ef-3", "ab-1", "ab-2"]
    assert list(consistent_sampler.sampler(ids, seed=314159, output="id")) == ["cd-1", "ef-3", "ab-1", "ab-2"]


def test_sampler_published_tickets_truncated():
    # The doctest prints tickets trimmed to 9 significant digits; ours are the full strings they start.
    published = {"cd-1": "0.317685817", "ef-3": "0.832984519", "ab-1": "0.9098039269", "ab-2": "0.9231549043"}
    for ticket in sampling.rank(list(published), "314159"):
        assert ticket.ticket.startswith(published[ticket.id])
        assert consistent_sampler.trim(ticket.ticket) == published[ticket.id]


def test_ticket_heap_published_vector():
    published = {
        "cat": "0.24866413894129579898796850445568128508290132707747976039848637531569373309555",
        "dog": "0.33886035615681875183111698317327684455682722683976874746986356932751818935066",
        "fish": "0.74685932088827950509145941729789143204056041958068799542050396198792954500593",
        "goat": "0.49599842072022713663423753308080171636735689997237236247068925068573448764387",
    }
    got = {t.id: t.ticket for t in sampling.tickets(["dog", "cat", "fish", "goat"], "xy()134!g2n")}
    assert got == published
    assert [t.id for t in sampling.rank(list(published), "xy()134!g2n")] == ["cat", "dog", "goat", "fish"]


def test_smallest_ticket_has_leading_zeros_kept():
    # A ticket is zero-padded to at least 64 digits before reversal: reversed padding becomes trailing zeros,
    # so every ticket has at least 66 characters and starts with "0.".
    for ticket in sampling.tickets([f"id-{n}" for n in range(200)], "padding"):
        assert ticket.ticket.startswith("0.") and len(ticket.ticket) >= 66
        assert ticket.ticket[2:].isdigit()


# ---------------------------------------------------------------------------------------------------
# Cross-check on random populations: exactly the package's order
# ---------------------------------------------------------------------------------------------------

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
HANZI = "汝州市安和新材料科技有限公司烟花爆竹零售点加油站化工产品经营部煤山街道庙下镇𠀋记"


def uscc_like(rng: random.Random) -> str:
    return "9" + rng.choice("123") + "410482" + "".join(rng.choice(USCC_CHARS) for _ in range(10))


def chinese_id(rng: random.Random) -> str:
    return "".join(rng.choice(HANZI) for _ in range(rng.randint(2, 12))) + str(rng.randint(0, 999))


def ascii_id(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits + "-_#") for _ in range(rng.randint(1, 10)))


def population(round_: int) -> tuple[list[str], str]:
    rng = random.Random(20261201 + round_)
    makers = [uscc_like, chinese_id, ascii_id]
    ids = {rng.choice(makers)(rng) for _ in range(rng.randint(1, 300))}
    seeds = ["".join(rng.choice(string.digits) for _ in range(20)), "骰子 3-1-4-1-5-9", f"福彩第{round_}期 07 12 33"]
    return sorted(ids), seeds[round_ % 3]


@pytest.mark.parametrize("round_", range(24))
def test_rank_is_the_packages_sampler_order(round_):
    ids, seed = population(round_)
    shuffled = list(ids)
    random.Random(round_).shuffle(shuffled)
    expected = list(consistent_sampler.sampler(shuffled, seed=seed, output="id"))
    assert [t.id for t in sampling.rank(shuffled, seed)] == expected
    k = max(1, len(ids) // 7)
    assert [t.id for t in sampling.smallest(shuffled, seed, k)] == expected[:k]
    assert all(t.ticket == consistent_sampler.first_fraction(t.id, seed) for t in sampling.tickets(ids[:20], seed))


def test_inspector_seed_suffix():
    assert sampling.inspector_seed("12345") == "12345|inspectors"
    ids = ["RZ005", "RZ006", "RZ007", "RZ008", "RZ009", "RZ010"]
    expected = list(consistent_sampler.sampler(ids, seed="12345|inspectors", output="id"))
    assert [t.id for t in sampling.rank(ids, sampling.inspector_seed("12345"))] == expected


def test_smallest_of_nothing_and_k_zero():
    assert sampling.smallest([], "s", 3) == []
    assert sampling.smallest(["a", "b"], "s", 0) == []
    assert [t.id for t in sampling.smallest(["a", "b"], "s", 5)] == [t.id for t in sampling.rank(["a", "b"], "s")]


def test_ties_broken_by_id():
    # Two ids cannot share a ticket in practice; the Ticket tuple still orders (ticket, id).
    assert sorted([sampling.Ticket("0.5", "b"), sampling.Ticket("0.5", "a")])[0].id == "a"


@pytest.mark.parametrize(("given", "expected"), [
    ("  12345\t", "12345"),
    ("e\u0301", "\u00e9"),  # NFC
    ("福彩 2026140 期", "福彩 2026140 期"),
])
def test_normalize_seed(given, expected):
    assert sampling.normalize_seed(given) == expected
    assert unicodedata.is_normalized("NFC", sampling.normalize_seed(given))


@pytest.mark.parametrize("empty", ["", "   ", "\t\n", "\u3000"])
def test_empty_seed_refused(empty):
    with pytest.raises(ValueError, match="随机种子不能为空"):
        sampling.normalize_seed(empty)


# ---------------------------------------------------------------------------------------------------
# Ratios
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value", "stored"), [
    ("0.1", Decimal("0.1"), "0.1"),
    (".5", Decimal("0.5"), "0.5"),
    ("1", Decimal("1"), "1"),
    ("1.0", Decimal("1"), "1"),
    ("10%", Decimal("0.1"), "0.1"),
    ("12.5%", Decimal("0.125"), "0.125"),
    ("100%", Decimal("1"), "1"),
    (" 0.25 ", Decimal("0.25"), "0.25"),
    ("0.10", Decimal("0.1"), "0.1"),
    ("１０％", Decimal("0.1"), "0.1"),  # full width, as a Chinese input method types it (NFKC)
    ("０．１", Decimal("0.1"), "0.1"),
    ("10％", Decimal("0.1"), "0.1"),
    ("１２.５%", Decimal("0.125"), "0.125"),
])
def test_ratio_accepted(text, value, stored):
    parsed = parse_ratio(text)
    assert parsed == value
    assert format_ratio(parsed) == stored


@pytest.mark.parametrize(("text", "phrase"), [
    ("0", "超出范围"),
    ("0%", "超出范围"),
    ("1.5", "超出范围"),
    ("101%", "超出范围"),
    ("-0.1", "无效"),
    ("abc", "无效"),
    ("1e-1", "无效"),
    ("", "无效"),
    ("0.1.2", "无效"),
    ("%", "无效"),
    ("½", "无效"),
    ("１ｅ－１", "无效"),  # NFKC gives 1e-1: still an exponent
    ("－０.１", "无效"),
    ("0.1 0.2", "无效"),
])
def test_ratio_refused_in_chinese(text, phrase):
    with pytest.raises(ValueError, match=phrase) as info:
        parse_ratio(text)
    assert "比例" in str(info.value)


def test_ratio_from_yaml_float_and_bool():
    assert parse_ratio(0.1) == Decimal("0.1")  # repr(0.1) == "0.1", never the binary expansion
    with pytest.raises(ValueError, match="比例"):
        parse_ratio(True)  # type: ignore[arg-type]


def test_format_ratio_never_uses_an_exponent():
    assert format_ratio(Decimal("1E+0")) == "1"
    assert format_ratio(Decimal("0.0000001")) == "0.0000001"
    assert format_ratio(Decimal("0.50")) == "0.5"


# ---------------------------------------------------------------------------------------------------
# Exact sample sizes
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("n", "ratio", "k"), [
    (100, "0.07", 7),  # 0.07 * 100 in floats is 7.000000000000001 → ceil would give 8
    (31, "0.1", 4),
    (30, "0.1", 3),
    (10, "0.3", 3),  # 0.3 * 10 in floats is 3.0000000000000004
    (100, "0.29", 29),  # 0.29 * 100 in floats is 28.999999999999996
    (3, "0.01", 1),  # k ≥ 1 when N ≥ 1
    (1, "0.0001", 1),
    (7, "1", 7),
    (0, "0.5", 0),
    (0, "1", 0),
    (1000, "0.125", 125),
    (1001, "0.125", 126),
])
def test_sample_size_exact(n, ratio, k):
    assert sample_size(n, ratio) == k
    assert sample_size(n, Decimal(ratio)) == k


def test_sample_size_is_at_least_one_and_at_most_n():
    for n in range(1, 60):
        for ratio in ("0.001", "0.05", "0.33", "0.999", "1"):
            k = sample_size(n, ratio)
            assert 1 <= k <= n
            assert (k - 1) < Decimal(ratio) * n <= k or k == 1
