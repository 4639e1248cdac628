"""Seeds (shuangsuiji.core.seeds, SPEC §4 fairness levels): the lottery grammar of each game — count, range,
distinct numbers, the special ball — and the canonical announced seed, so that one real result gives exactly one
seed; the witnessed seed as the SHA-256 of the RFC 8785 form of the entries (checked with the ``rfc8785``
package and hashlib); the system seed's form."""

from __future__ import annotations

import hashlib

import pytest
import rfc8785

from shuangsuiji.core.seeds import (
    GAME_NAMES,
    SeedError,
    announced_seed,
    canonical_result,
    check_announced_seed,
    check_witnesses,
    game_named,
    is_system_seed,
    parse_source,
    witnessed_seed,
)

SSQ = {"game": "双色球", "period": "2026140"}
DLT = {"game": "大乐透", "period": "2026101"}
QLC = {"game": "七乐彩", "period": "2026055"}
FC3D = {"game": "福彩3D", "period": "2026300"}
PL3 = {"game": "排列三", "period": "2026301"}
PL5 = {"game": "排列五", "period": "2026330"}


# ---------------------------------------------------------------------------------------------------
# Sources: game and period
# ---------------------------------------------------------------------------------------------------

def test_the_built_in_games():
    assert set(GAME_NAMES) == {"双色球", "大乐透", "七乐彩", "福彩3D", "排列三", "排列五"}


@pytest.mark.parametrize(("text", "expected"), [
    ("双色球:2026140", SSQ),
    ("福彩双色球:2026140", SSQ),
    ("双色球：2026140", SSQ),  # full-width colon, as a Chinese input method types it
    (" 体彩大乐透 : 2026101 ", DLT),
    ("七乐彩:2026055", QLC),
    ("福彩3D:2026300", FC3D),
    ("排列三:2026301", PL3),
    ("排列五:2026330", PL5),
])
def test_source_accepted(text, expected):
    assert parse_source(text) == expected


@pytest.mark.parametrize("text", [
    "双色球2026140",  # no colon
    "双色球:202614",  # six digits
    "双色球:20261400",
    "双色球:1926140",  # not a year of this century
    "双色球:2026000",  # no draw number 000
    "双色球:2026 140",
    "双色球:",
    "快乐8:2026140",  # not a built-in game
    ":2026140",
])
def test_source_refused(text):
    with pytest.raises(SeedError):
        parse_source(text)


def test_game_refused_in_chinese():
    with pytest.raises(SeedError, match="不认识的开奖来源"):
        game_named("刮刮乐")


# ---------------------------------------------------------------------------------------------------
# One result, one seed: canonical text per game
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "texts", "canonical"), [
    # SPEC §4's own example: two-digit numbers, ascending within each group, groups joined by +
    (SSQ, ["03 08 12 19 25 31 + 07", "03 08 12 19 25 31+07", "31 25 19 12 08 03 + 7", "3 8 12 19 25 31+07",
           "03,08,12,19,25,31+07", "03，08，12，19，25，31＋07", "03、08、12、19、25、31 + 07", "０３ ０８ １２ １９ ２５ ３１ + ０７",
           "  03  08 12 19 25 31 +  07  "],
     "双色球2026140:03 08 12 19 25 31+07"),
    (SSQ, ["01 02 03 04 05 33 + 16"], "双色球2026140:01 02 03 04 05 33+16"),
    (DLT, ["35 01 12 07 22 + 12 01", "01 07 12 22 35 + 1 12"], "大乐透2026101:01 07 12 22 35+01 12"),
    (QLC, ["30 01 02 03 04 05 06 + 07", "1 2 3 4 5 6 30 + 7"], "七乐彩2026055:01 02 03 04 05 06 30+07"),
    # digit games keep the draw order, one digit each, repeats allowed
    (PL5, ["1 2 3 4 5", "12345", "1,2,3,4,5"], "排列五2026330:1 2 3 4 5"),
    (PL5, ["5 4 3 2 1", "54321"], "排列五2026330:5 4 3 2 1"),
    (PL5, ["0 0 0 0 0"], "排列五2026330:0 0 0 0 0"),
    (FC3D, ["0 0 7", "007", "０ ０ ７"], "福彩3D2026300:0 0 7"),
    (PL3, ["9 1 9", "919"], "排列三2026301:9 1 9"),
])
def test_canonical_result(source, texts, canonical):
    got = {canonical_result(source, text) for text in texts}
    assert got == {canonical}


@pytest.mark.parametrize(("source", "text"), [
    # 双色球: 6 distinct of 01–33 + 1 of 01–16
    (SSQ, "03 08 12 19 25 + 07"),  # five red balls
    (SSQ, "03 08 12 19 25 31 32 + 07"),  # seven
    (SSQ, "03 08 12 19 25 31"),  # no blue ball
    (SSQ, "03 08 12 19 25 31 + 07 08"),  # two blue balls
    (SSQ, "03 08 12 19 25 31 + 07 + 01"),
    (SSQ, "03 08 12 19 25 34 + 07"),  # red above 33
    (SSQ, "00 08 12 19 25 31 + 07"),  # red below 01
    (SSQ, "03 08 12 19 25 31 + 17"),  # blue above 16
    (SSQ, "03 08 12 19 25 31 + 00"),
    (SSQ, "03 03 12 19 25 31 + 07"),  # repeated red
    (SSQ, "3 08 12 19 25 03 + 07"),  # 3 and 03 are the same ball
    (SSQ, "003 08 12 19 25 31 + 07"),  # three digits
    (SSQ, "03 08 12 19 25 3a + 07"),
    (SSQ, "03 08 12 19 25 -31 + 07"),
    (SSQ, "03 08 12 19 25 31 + 7.0"),
    (SSQ, ""),
    (SSQ, "+"),
    # 大乐透: 5 distinct of 01–35 + 2 distinct of 01–12
    (DLT, "01 07 12 22 36 + 01 12"),
    (DLT, "01 07 12 22 35 + 01 13"),
    (DLT, "01 07 12 22 35 + 05 05"),  # back balls repeated
    (DLT, "01 07 12 22 35 + 05"),
    (DLT, "01 07 12 22 + 01 12"),
    (DLT, "01 01 12 22 35 + 01 12"),
    # 七乐彩: 7 distinct of 01–30 + a special of 01–30 not among them
    (QLC, "01 02 03 04 05 06 07 + 07"),  # special among the seven
    (QLC, "01 02 03 04 05 06 31 + 08"),
    (QLC, "01 02 03 04 05 06 07 + 31"),
    (QLC, "01 02 03 04 05 06 + 08"),
    (QLC, "01 02 03 04 05 06 07"),
    # digit games: exactly 3 or 5 single digits
    (PL5, "1 2 3 4"),
    (PL5, "123456"),
    (PL5, "1 2 3 4 10"),
    (PL5, "01 2 3 4 5"),  # a two-character token is not a digit
    (PL5, "1 2 3 4 5 + 6"),
    (FC3D, "1 2"),
    (FC3D, "1234"),
    (PL3, "1 2 x"),
])
def test_invalid_result_refused(source, text):
    with pytest.raises(SeedError) as info:
        canonical_result(source, text)
    assert source["game"] in str(info.value) or "号码" in str(info.value)


def test_announced_seed_joins_sources_in_order():
    sources = [SSQ, PL5]
    seed = announced_seed(sources, ["31 25 19 12 08 03 + 7", "12345"])
    assert seed == "双色球2026140:03 08 12 19 25 31+07|排列五2026330:1 2 3 4 5"
    swapped = announced_seed([PL5, SSQ], ["12345", "03 08 12 19 25 31 + 07"])
    assert swapped == "排列五2026330:1 2 3 4 5|双色球2026140:03 08 12 19 25 31+07"


@pytest.mark.parametrize("results", [[], ["03 08 12 19 25 31 + 07"], ["03 08 12 19 25 31 + 07", "12345", "12345"]])
def test_one_result_per_source(results):
    with pytest.raises(SeedError, match="--seed"):
        announced_seed([SSQ, PL5], results)


def test_check_announced_seed_accepts_only_the_canonical_text():
    sources = [SSQ, PL5]
    check_announced_seed("双色球2026140:03 08 12 19 25 31+07|排列五2026330:1 2 3 4 5", sources)
    for seed in [
        "双色球2026140:3 8 12 19 25 31+7|排列五2026330:1 2 3 4 5",  # not two-digit
        "双色球2026140:31 25 19 12 08 03+07|排列五2026330:1 2 3 4 5",  # not ascending
        "双色球2026140:03 08 12 19 25 31 + 07|排列五2026330:1 2 3 4 5",  # spaces around +
        "双色球2026140:03 08 12 19 25 31+07|排列五2026330:12345",
        "排列五2026330:1 2 3 4 5|双色球2026140:03 08 12 19 25 31+07",  # sources swapped
        "双色球2026141:03 08 12 19 25 31+07|排列五2026330:1 2 3 4 5",  # another period
        "双色球2026140:03 08 12 19 25 31+07",  # one source missing
        "双色球2026140:03 08 12 19 25 34+07|排列五2026330:1 2 3 4 5",  # not a valid result
    ]:
        with pytest.raises(SeedError):
            check_announced_seed(seed, sources)


# ---------------------------------------------------------------------------------------------------
# Witnessed: SHA-256 hex of the RFC 8785 form of [{name, value}, …] in entry order
# ---------------------------------------------------------------------------------------------------

def expected_witnessed(witnesses):
    return hashlib.sha256(rfc8785.dumps(witnesses)).hexdigest()


@pytest.mark.parametrize("witnesses", [
    [{"name": "王纪检", "value": "20261201"}, {"name": "汝州市甲化工有限公司 李代表", "value": "7"}],
    [{"name": "A", "value": "1"}, {"name": "B", "value": "1"}],  # equal values are fine
    [{"name": "监督人", "value": "𠀋 \"quoted\" \\ back"}, {"name": "企业代表", "value": "é"},
     {"name": "第三人", "value": "\u0007bell"}],
])
def test_witnessed_seed_is_the_sha256_of_the_rfc8785_form(witnesses):
    seed = witnessed_seed(witnesses)
    assert seed == expected_witnessed(witnesses)
    assert len(seed) == 64 and all(c in "0123456789abcdef" for c in seed)


def test_witnessed_seed_by_hand():
    # RFC 8785: keys sorted, no white space, UTF-8 as is
    witnesses = [{"value": "42", "name": "张三"}, {"name": "李四", "value": "9"}]
    text = '[{"name":"张三","value":"42"},{"name":"李四","value":"9"}]'
    assert witnessed_seed(witnesses) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_witness_order_matters():
    a = {"name": "张三", "value": "42"}
    b = {"name": "李四", "value": "9"}
    assert witnessed_seed([a, b]) != witnessed_seed([b, a])
    assert witnessed_seed([b, a]) == expected_witnessed([b, a])


@pytest.mark.parametrize("witnesses", [
    [],
    [{"name": "张三", "value": "42"}],  # one witness is not enough
    [{"name": "张三", "value": "42"}, {"name": "张三", "value": "9"}],  # the same witness twice
    [{"name": "张三", "value": "42"}, {"name": "李四", "value": ""}],
    [{"name": "", "value": "42"}, {"name": "李四", "value": "9"}],
    [{"name": "张三", "value": " 42"}, {"name": "李四", "value": "9"}],  # not trimmed
    [{"name": "张三", "value": "e\u0301"}, {"name": "李四", "value": "9"}],  # not NFC
    [{"name": "张三", "value": 42}, {"name": "李四", "value": "9"}],
    [{"name": "张三", "value": "42", "phone": "13800000000"}, {"name": "李四", "value": "9"}],
    "张三,李四",
])
def test_bad_witness_lists_refused(witnesses):
    with pytest.raises(SeedError):
        check_witnesses(witnesses)
    with pytest.raises(SeedError):
        witnessed_seed(witnesses)


# ---------------------------------------------------------------------------------------------------
# System seeds: 20 decimal digits
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("seed", "ok"), [
    ("01234567890123456789", True),
    ("0123456789012345678", False),
    ("012345678901234567890", False),
    ("0123456789012345678x", False),
    ("０１２３４５６７８９０１２３４５６７８９", False),  # full-width digits are not what ssj makes
    ("٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩", False),  # nor Arabic-Indic ones
])
def test_system_seed_form(seed, ok):
    assert is_system_seed(seed) is ok


@pytest.mark.parametrize(("source", "not_before", "words"), [
    ({"game": "双色球", "period": "2025001"}, "2026-12-08T21:30:00+08:00", "是 2025 年的一期，而公告写它在 2026-12-08 开奖"),
    ({"game": "双色球", "period": "2026160"}, "2026-12-08T21:30:00+08:00", "双色球到 2026-12-08 最多开奖 147 期"),
    ({"game": "福彩3D", "period": "2026343"}, "2026-12-08T21:30:00+08:00", "福彩3D到 2026-12-08 最多开奖 342 期"),
])
def test_a_period_that_cannot_be_drawn_at_the_announced_time(source, not_before, words):
    # 期号 restart each year; the game's draws by that day bound the number (pauses only lower it)
    from shuangsuiji.core.seeds import period_problem

    assert words in period_problem(source, not_before)


@pytest.mark.parametrize(("source", "not_before"), [
    ({"game": "双色球", "period": "2026140"}, "2026-12-08T21:30:00+08:00"),
    ({"game": "双色球", "period": "2027001"}, "2027-01-03T21:30:00+08:00"),  # 2027's first Sunday
    ({"game": "排列三", "period": "2026342"}, "2026-12-08T20:30:00+08:00"),
])
def test_a_period_the_game_can_reach_by_then(source, not_before):
    from shuangsuiji.core.seeds import period_problem

    assert period_problem(source, not_before) is None
