"""The bureau's recent inspections (shuangsuiji.core.inspections, SPEC §4 rest rule and rotation, 第十六、十七条):
"within N days before D" is 0 ≤ D − d < N; only the 风险 and 一般 strata rest; void draws do not count, targeted
checks do, across sections; recusals change who went. Day differences are worked out by hand."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest
import rfc8785

from shuangsuiji.core.chain import Entry
from shuangsuiji.core.inspections import (
    REST_DAYS_DEFAULT,
    RESTING_STRATA,
    ROTATION_DAYS,
    Inspection,
    InspectionLog,
    day_number,
    inspected,
    resting,
    rotation,
    within,
)
from shuangsuiji.core.lists import ListFolder
from shuangsuiji.core.records import RecordChecker
from shuangsuiji.core.rederive import Population
from shuangsuiji.core.words import STRATUM_NAMES

DRAW_DAY = "2026-12-01"
H1, H2, H3 = ("1" * 64, "2" * 64, "3" * 64)


def test_constants_follow_the_spec():
    assert REST_DAYS_DEFAULT == 90
    assert ROTATION_DAYS == 365
    # 重点, 黑名单 and 问题 never leave anyone out; every 风险 class and 一般 do
    assert set(RESTING_STRATA) == {"风险A", "风险B", "风险C", "风险D", "一般"}
    assert not {"重点", "黑名单", "问题"} & set(RESTING_STRATA)
    assert set(RESTING_STRATA) <= set(STRATUM_NAMES)


def test_day_number_is_the_calendar_day():
    assert day_number("2026-12-01") == dt.date(2026, 12, 1).toordinal()
    assert day_number("2026-12-01") - day_number("2026-09-02") == 90  # Sep 2→Oct 2 30, →Nov 2 61, →Dec 1 90
    assert day_number("2025-01-01") - day_number("2024-02-28") == 308  # 2024 is a leap year
    with pytest.raises(ValueError):
        day_number("2026-02-30")


# ---------------------------------------------------------------------------------------------------
# Rest rule: 0 ≤ D − d < rest_days
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("inspected", "rests"), [
    ("2026-12-01", True),  # D − d = 0: the same day counts
    ("2026-11-30", True),  # 1
    ("2026-09-03", True),  # 89
    ("2026-09-02", False),  # 90: outside a 90-day rest
    ("2026-06-01", False),
    ("2026-12-02", False),  # after the draw date: never
])
def test_rest_boundaries(inspected, rests):
    log = InspectionLog()
    log.add(H1, day_number(inspected), [("E1", ("RZ1", "RZ2"))])
    got = resting(log.of(["E1"]), day_number(DRAW_DAY), 90)
    assert got == ({"E1"} if rests else set())
    assert log.records_within(day_number(DRAW_DAY), 90) == ({H1} if rests else set())


@pytest.mark.parametrize(("days", "rests"), [(0, False), (1, False), (2, False), (3, True), (30, True)])
def test_rest_days_of_a_plan_item(days, rests):
    log = InspectionLog()
    log.add(H1, day_number("2026-11-29"), [("E1", ("RZ1", "RZ2"))])  # D − d = 2
    assert (resting(log.of(["E1"]), day_number(DRAW_DAY), days) == {"E1"}) is rests


def test_within_by_hand():
    visit = Inspection(100, H1, ())
    assert [within(visit, day, 3) for day in (99, 100, 101, 102, 103)] == [False, True, True, True, False]


def test_the_rest_period_cites_every_record_with_an_inspection_inside_it():
    log = InspectionLog()
    log.add(H1, day_number("2026-10-01"), [("E1", ("RZ1", "RZ2")), ("E2", ("RZ1", "RZ2"))])
    log.add(H2, day_number("2026-11-15"), [("E1", ("RZ3", "RZ4"))])
    log.add(H3, day_number("2026-11-01"), [("E1", ("RZ5", "RZ6"))])  # written later, dated earlier
    assert resting(log.of(["E1", "E2", "E3"]), day_number(DRAW_DAY), 90) == {"E1", "E2"}
    assert log.records_within(day_number(DRAW_DAY), 90) == {H1, H2, H3}  # 61, 16 and 30 days before
    assert log.records_within(day_number(DRAW_DAY), 31) == {H2, H3}
    assert log.of(["E3"]) == {}


def test_void_draws_do_not_count():
    log = InspectionLog()
    log.add(H1, day_number("2026-11-01"), [("E1", ("RZ1", "RZ2")), ("E2", ("RZ1", "RZ2"))])
    log.add(H2, day_number("2026-11-02"), [("E2", ("RZ3", "RZ4"))])
    log.void(H1, ["E1", "E2"])
    assert resting(log.of(["E1", "E2"]), day_number(DRAW_DAY), 90) == {"E2"}
    assert rotation(log.of(["E1", "E2"]), ["RZ1", "RZ2", "RZ3"], day_number(DRAW_DAY)) == ({("RZ3", "E2")}, {H2})
    assert log.records_within(day_number(DRAW_DAY), 90) == {H2}  # a void draw is cited by nobody


def test_recusal_changes_who_went():
    log = InspectionLog()
    log.add(H1, day_number("2026-11-01"), [("E1", ("RZ1", "RZ2")), ("E2", ("RZ1", "RZ2"))])
    log.replace(H1, "E1", "RZ1", "RZ9")
    pairs, records = rotation(log.of(["E1", "E2"]), ["RZ1", "RZ2", "RZ9"], day_number(DRAW_DAY))
    assert pairs == {("RZ9", "E1"), ("RZ2", "E1"), ("RZ1", "E2"), ("RZ2", "E2")} and records == {H1}
    assert rotation(log.of(["E1"]), ["RZ1"], day_number(DRAW_DAY)) == (set(), set())  # RZ1 stepped aside at E1


# ---------------------------------------------------------------------------------------------------
# Rotation: 0 ≤ D − d < 365
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("inspected", "recent"), [
    ("2026-12-01", True),
    ("2025-12-02", True),  # 364 days (2026 is not a leap year)
    ("2025-12-01", False),  # 365
    ("2026-12-05", False),
])
def test_rotation_boundaries(inspected, recent):
    log = InspectionLog()
    log.add(H1, day_number(inspected), [("E1", ("RZ1", "RZ2"))])
    got = rotation(log.of(["E1"]), ["RZ1", "RZ3"], day_number(DRAW_DAY))
    assert got == (({("RZ1", "E1")}, {H1}) if recent else (set(), set()))  # RZ2 is not in the pool, RZ3 never went


def test_rotation_cites_every_record_that_shows_a_pair():
    log = InspectionLog()
    log.add(H2, day_number("2026-06-01"), [("E1", ("RZ1", "RZ2"))])
    log.add(H1, day_number("2026-03-01"), [("E1", ("RZ1", "RZ3"))])
    log.add(H3, day_number("2026-04-01"), [("E1", ("RZ7", "RZ8"))])  # nobody of the pool went: not cited
    pairs, records = rotation(log.of(["E1"]), ["RZ1", "RZ2", "RZ3"], day_number(DRAW_DAY))
    assert pairs == {("RZ1", "E1"), ("RZ2", "E1"), ("RZ3", "E1")} and records == {H1, H2}


def test_what_a_record_inspected():
    draw = {"type": "draw", "strata": [{"selected": ["E2", "E1"]}, {"selected": ["E3"]}]}
    assert inspected(draw) == ["E2", "E1", "E3"]
    assert inspected({"type": "targeted", "entities": ["E9"]}) == ["E9"]
    assert inspected({"type": "draw", "strata": "broken"}) == []


def test_forget_before():
    log = InspectionLog()
    log.add(H1, 100, [("E1", ("RZ1", "RZ2"))])
    log.add(H2, 200, [("E1", ("RZ1", "RZ2")), ("E2", ("RZ1", "RZ2"))])
    log.forget_before(150)
    assert {e: [v.record for v in vs] for e, vs in log.of(["E1", "E2"]).items()} == {"E1": [H2], "E2": [H2]}
    log.forget_before(201)
    assert log.of(["E1", "E2"]) == {}


# ---------------------------------------------------------------------------------------------------
# The verifier's rest check (core.rederive via core.records): only 风险/一般 strata, targeted checks count,
# across sections
# ---------------------------------------------------------------------------------------------------

def sealed(record: dict) -> dict:
    body = {k: v for k, v in record.items() if k != "hash"}
    return {**body, "hash": hashlib.sha256(rfc8785.dumps(body)).hexdigest()}


def write_list(folder, ids) -> str:
    data = rfc8785.dumps(sorted(ids))
    digest = hashlib.sha256(data).hexdigest()
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"{digest}.json"), "wb") as handle:
        handle.write(data)
    return digest


def targeted(section, date, entities, seq=0):
    return sealed({
        "format": 2, "seq": seq, "prev": "0" * 64, "type": "targeted", "at": f"{date}T10:00:00+08:00",
        "operator": "测试员", "heads": {}, "section": section, "date": date, "basis": "投诉举报",
        "reference": "汝应急〔2026〕88号", "reason": "群众举报", "entities": entities, "inspectors": ["RZ005", "RZ006"],
    })


@pytest.fixture
def checker(tmp_path):
    folder = tmp_path / "lists"
    checker = RecordChecker(ListFolder(str(folder)))
    checker.folder = str(folder)
    return checker


def feed(checker, ledger, record, line=1):
    entry = Entry(ledger, f"{ledger}/2026.jsonl", line, 0, record)
    checker.check(entry)
    checker.remember(entry)
    return entry


def rest_problems(checker, strata, rested=(), ledger="ergu", date=DRAW_DAY, days=90):
    """What the verifier says of a draw on ``date`` with these strata (``{name: ids}``) and ``rested``, the
    records it cites (the count is the full verifier's to check, against the registry)."""
    record = {"type": "draw", "date": date, "rest_days": days, "rested": {"records": sorted(rested), "count": 0}}
    checker.begin(Entry(ledger, f"{ledger}/2026.jsonl", 9, 0, record))
    before = len(checker.problems)
    checker.check_rest(record, [Population(name, None, ids) for name, ids in strata.items()])
    return [message for _, _, message in checker.problems[before:]]


def test_targeted_check_in_another_section_rests_only_the_risk_and_general_strata(checker):
    # a targeted check by 一股 on 2026-11-01 (30 days before) named E1…E5
    record = feed(checker, "yigu", targeted("yigu", "2026-11-01", ["E1", "E2", "E3", "E4", "E5"])).record
    assert checker.problems == []
    # 二股 draws with E1 in 重点, E2 in 黑名单, E3 in 问题 (never left out), E4 in 风险B and E5 in 一般 (must be)
    strata = {"重点": ["E1"], "黑名单": ["E2"], "问题": ["E3"], "风险B": ["E4", "E9"], "一般": ["E5", "E8"]}
    problems = rest_problems(checker, strata, [record["hash"]])
    assert len(problems) == 1 and "E4" in problems[0] and "E5" in problems[0] and "第十六条" in problems[0]
    assert not any(e in problems[0] for e in ("E1", "E2", "E3", "E8", "E9"))
    problems = rest_problems(checker, {"一般": ["E8"]})
    assert len(problems) == 1 and "rested 漏引了 1 条" in problems[0]  # the targeted check is not cited
    # left out, and the targeted check cited: clean
    strata = {"重点": ["E1"], "黑名单": ["E2"], "问题": ["E3"], "风险B": ["E9"], "一般": ["E8"]}
    assert rest_problems(checker, strata, [record["hash"]]) == []


def test_rest_check_boundaries_and_unjustified_exclusions(checker):
    record = feed(checker, "yigu", targeted("yigu", "2026-09-02", ["E1"])).record  # 90 days before
    assert rest_problems(checker, {"一般": ["E1"]}) == []  # outside the rest period: stays in
    problems = rest_problems(checker, {"一般": []}, [record["hash"]])
    assert len(problems) == 1 and "rested 引用的记录" in problems[0] and "不是休息期（90 天）内有检查的记录" in problems[0]
    assert rest_problems(checker, {"一般": ["E1"]}, days=91) != []  # a plan item's longer rest catches it
