"""The stand-alone verifier (shuangsuiji/kit/verify.py): vectors, cross-checks, and tampering detected by line.

Ledgers here are built by hand with the kit's own primitives (tickets, sample sizes, canonical form) and a
small re-statement of the documented algorithm, never with the tool's drawing code.
"""

from __future__ import annotations

import ast
import hashlib
import json
import random
import shutil
import string
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import consistent_sampler
import pytest
import rfc8785

from shuangsuiji.publish.verifier import verify as kit

KIT_FILE = Path(kit.__file__)


# ---------------------------------------------------------------------------------------------------
# A hand-made ledger builder that follows docs/ledger-format.md literally
# ---------------------------------------------------------------------------------------------------

def ranked(ids, seed):
    return sorted((kit.first_fraction(item, seed), item) for item in ids)


def build_draw(
    seed,
    strata,
    eligible,
    *,
    team_size=2,
    conflicts=(),
    fairness="operator",
    announcement=None,
    section="ergu",
    plan_item="2026-二股-1",
    date="2026-12-01",
    ratio=None,
):
    """A complete, correct draw record (without seq/prev/hash); strata = [(name, ratio, ids), ...]."""
    strata_out = []
    merged = []
    for name, stratum_ratio, ids in strata:
        population = sorted(set(ids))
        k = kit.sample_size(len(population), stratum_ratio)
        chosen = ranked(population, seed)[:k]
        merged.extend(chosen)
        strata_out.append({
            "name": name,
            "ratio": stratum_ratio,
            "population": population,
            "k": k,
            "selected": [{"id": item, "ticket": ticket} for ticket, item in chosen],
        })
    merged.sort()
    order = [item for _, item in ranked(eligible, seed + "|inspectors")]
    count = min(len(merged), len(order) // team_size)
    teams = [order[j * team_size:(j + 1) * team_size] for j in range(count)]
    reserve = order[count * team_size:]
    conflict_set = set(conflicts)
    assignments = []
    for i, (_, entity) in enumerate(merged):
        for step in range(count):
            j = (i + step) % count
            if not any((member, entity) in conflict_set for member in teams[j]):
                break
        else:
            raise AssertionError("all teams conflict")
        assignments.append({"entity": entity, "team": j})
    return {
        "type": "draw",
        "at": date + "T09:30:00+08:00",
        "operator": "张三",
        "section": section,
        "plan_item": plan_item,
        "checklist_item": "危化品经营-1",
        "date": date,
        "seed": seed,
        "seed_source": "操作员输入",
        "fairness": fairness,
        "announcement": announcement,
        "ratio": ratio,
        "team_size": team_size,
        "strata": strata_out,
        "inspectors": {"eligible": list(eligible), "team_size": team_size, "teams": teams, "reserve": reserve},
        "conflicts": [{"inspector": a, "entity": b} for a, b in sorted(conflict_set)],
        "assignments": assignments,
        "inputs": {"data/inspectors.yaml": "ab" * 32},
        "commit": None,
        "dirty": False,
    }


def build_announce(draw):
    """The announce record a draw like ``draw`` fulfils (digests computed as the doc says)."""
    population = sorted(item for stratum in draw["strata"] for item in stratum["population"])
    return {
        "type": "announce",
        "at": "2026-11-28T10:00:00+08:00",
        "operator": "张三",
        "section": draw["section"],
        "plan_item": draw["plan_item"],
        "date": draw["date"],
        "ratio": draw["ratio"],
        "team_size": draw["team_size"],
        "seed_source": draw["seed_source"],
        "population_digest": kit.digest(population),
        "pool_digest": kit.digest(sorted(draw["inspectors"]["eligible"])),
        "strata_digest": kit.digest([[s["name"], s["ratio"], s["population"]] for s in draw["strata"]]),
    }


def team_of(draw, entity):
    for assignment in draw["assignments"]:
        if assignment["entity"] == entity:
            return list(draw["inspectors"]["teams"][assignment["team"]])
    raise KeyError(entity)


def replacement_for(draw, team, entity, stepped_aside=()):
    conflicts = {(c["inspector"], c["entity"]) for c in draw["conflicts"]}
    for candidate in draw["inspectors"]["reserve"]:
        if candidate not in team and candidate not in stepped_aside and (candidate, entity) not in conflicts:
            return candidate
    return None


class Ledger:
    def __init__(self):
        self.records = []

    def add(self, record):
        body = dict(record)
        body["seq"] = len(self.records)
        body["prev"] = self.records[-1]["hash"] if self.records else kit.ZERO_HASH
        body["hash"] = kit.record_hash(body)
        self.records.append(body)
        return body

    def lines(self):
        return [kit.canonical(record) + b"\n" for record in self.records]

    def write(self, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"".join(self.lines()))
        return path


COMPANIES = [f"91410482MA{n:07d}" for n in range(40)] + ["汝州市甲化工有限公司", "汝州市乙烟花厂", "𠀋记商行"]
INSPECTORS = [f"执法-{n:02d}" for n in range(9)]


def standard_ledger():
    """1 announce, 2 announced draw, 3 operator draw with conflicts, 4 recusal on 3, 5 void of 2."""
    ledger = Ledger()
    draw2 = build_draw(
        "48213907651238475609",
        [("重点", "1", COMPANIES[:3]), ("一般", "0.1", COMPANIES[3:])],
        INSPECTORS,
        fairness="announced",
        ratio="0.1",
    )
    draw2["seed_source"] = "中国福利彩票 2026-11-30 开奖号码"
    announce = ledger.add(build_announce(draw2))
    draw2["announcement"] = announce["hash"]
    draw2 = ledger.add(draw2)
    plain = build_draw("骰子 3-1-4-1-5", [("一般", "0.125", COMPANIES)], INSPECTORS)
    first_entity = plain["assignments"][0]["entity"]
    conflicts = [(member, first_entity) for member in team_of(plain, first_entity)[:1]]
    draw3 = ledger.add(build_draw("骰子 3-1-4-1-5", [("一般", "0.125", COMPANIES)], INSPECTORS, conflicts=conflicts))
    entity = draw3["assignments"][1]["entity"]
    team = team_of(draw3, entity)
    ledger.add({
        "type": "recusal", "at": "2026-12-02T08:00:00+08:00", "operator": "张三", "draw": draw3["hash"],
        "entity": entity, "inspector": team[0], "replacement": replacement_for(draw3, team, entity),
        "reason": "因故不能执行检查",
    })
    ledger.add({
        "type": "void", "at": "2026-12-02T09:00:00+08:00", "operator": "张三", "draw": draw2["hash"],
        "reason": "名单有误，重新公告后再抽",
    })
    return ledger


def problems_of(path):
    return kit.check_ledger(str(path))[1]


def messages_at(problems, line):
    return [message for number, message in problems if number == line]


# ---------------------------------------------------------------------------------------------------
# Tickets: the consistent_sampler package's published vectors, and a cross-check against it
# ---------------------------------------------------------------------------------------------------

def test_first_fraction_published_vector():
    assert kit.first_fraction("AB-130", "01382438112797316654") == (
        "0.26299714122838008416507544297546663599715395525154425586041245287750224561854"
    )


def test_sampler_published_order():
    # sampler(['ab-1', 'ab-2', 'cd-1', 'ef-3'], seed=314159): the package turns the seed into a string
    tickets = ranked(["ab-1", "ab-2", "cd-1", "ef-3"], 314159)
    assert [item for _, item in tickets] == ["cd-1", "ef-3", "ab-1", "ab-2"]
    prefixes = ["0.317685817", "0.832984519", "0.9098039269", "0.9231549043"]
    for (ticket, _), prefix in zip(tickets, prefixes, strict=True):
        assert ticket.startswith(prefix)


def test_ticket_heap_published_vector():
    seed = "xy()134!g2n"
    assert kit.first_fraction("cat", seed) == (
        "0.24866413894129579898796850445568128508290132707747976039848637531569373309555"
    )
    assert kit.first_fraction("goat", seed) == (
        "0.49599842072022713663423753308080171636735689997237236247068925068573448764387"
    )


def _random_id(rng):
    alphabet = string.ascii_letters + string.digits + "-_ 汝州市化工烟花爆竹有限公司" + "𠀋😀é"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 20)))


@pytest.mark.parametrize("round_", range(20))
def test_tickets_and_order_match_consistent_sampler(round_):
    rng = random.Random(round_)
    ids = sorted({_random_id(rng) for _ in range(rng.randint(1, 60))})
    seed = "".join(rng.choice("0123456789汝州") for _ in range(rng.randint(1, 25)))
    for item in ids:
        assert kit.first_fraction(item, seed) == consistent_sampler.first_fraction(item, seed)
    expected = list(consistent_sampler.sampler(ids, seed=seed, output="id"))
    assert [item for _, item in ranked(ids, seed)] == expected
    # and the verifier agrees with a draw built from the package's own order
    k = kit.sample_size(len(ids), "0.3")
    draw = build_draw(seed, [("一般", "0.3", ids)], ["甲", "乙", "丙", "丁"])
    assert [s["id"] for s in draw["strata"][0]["selected"]] == expected[:k]
    ledger = Ledger()
    ledger.add(draw)
    assert kit.check_records(ledger.records) == []


# ---------------------------------------------------------------------------------------------------
# RFC 8785 against the rfc8785 package
# ---------------------------------------------------------------------------------------------------

_STRING_POOL = (
    [chr(c) for c in range(0x20)] + ['"', "\\", "/", "\x7f", "\u2028", "\u2029", "é", "汝", "州", "应急"]
    + ["\U0001f600", "\U00020000", "\ue000", "\uffff", "\ufb33", "a", "B", "0", " "]
)


def _random_string(rng):
    return "".join(rng.choice(_STRING_POOL) for _ in range(rng.randint(0, 8)))


def _random_value(rng, depth=0):
    kind = rng.randrange(7 if depth < 4 else 4)
    if kind == 0:
        return _random_string(rng)
    if kind == 1:
        return rng.choice([0, -1, 1, 2**53 - 1, -(2**53) + 1, rng.randint(-(10**12), 10**12)])
    if kind == 2:
        return rng.choice([True, False])
    if kind == 3:
        return None
    if kind in (4, 5):
        return {_random_string(rng): _random_value(rng, depth + 1) for _ in range(rng.randint(0, 6))}
    return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 5))]


@pytest.mark.parametrize("round_", range(200))
def test_canonical_matches_rfc8785(round_):
    rng = random.Random(1000 + round_)
    value = _random_value(rng)
    assert kit.canonical(value) == rfc8785.dumps(value)


def test_canonical_sorts_keys_by_utf16_code_units():
    value = {"\uffff": 1, "\U0001f600": 2, "\ue000": 3, "a": 4, "\U00020000": 5}
    out = kit.canonical(value)
    assert out == rfc8785.dumps(value)
    # code-point order would put U+E000 and U+FFFF before the two non-BMP keys; UTF-16 order does not
    assert out.decode("utf-8") == '{"a":4,"\U0001f600":2,"\U00020000":5,"\ue000":3,"\uffff":1}'


def test_canonical_escapes():
    assert kit.canonical("\b\f\n\r\t\"\\\x00\x1f\x7f\u2028/汝") == (
        '"\\b\\f\\n\\r\\t\\"\\\\\\u0000\\u001f\x7f\u2028/汝"'.encode()
    )


@pytest.mark.parametrize("bad", [1.5, {"a": [0.0]}, 2**53, -(2**53), "\ud800", {1: "x"}, object()])
def test_canonical_refuses_what_a_ledger_cannot_hold(bad):
    with pytest.raises(ValueError):
        kit.canonical(bad)


# ---------------------------------------------------------------------------------------------------
# Sample sizes in exact arithmetic
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("n", "ratio", "k"),
    [(100, "0.07", 7), (31, "0.1", 4), (30, "0.1", 3), (1, "0.1", 1), (1, "0.001", 1), (0, "0.5", 0),
     (3, "0.3", 1), (10, "0.3", 3), (7, "1", 7), (12345, "1", 12345), (8, "0.125", 1), (9, "0.125", 2),
     (1000, ".5", 500)],
)
def test_sample_size_exact(n, ratio, k):
    assert kit.sample_size(n, ratio) == k


def test_sample_size_all_at_ratio_one():
    for n in range(1, 200):
        assert kit.sample_size(n, "1") == n
        assert kit.sample_size(n, "0.1") == -(-n // 10)


@pytest.mark.parametrize("bad", ["0", "0.0", "1.5", "1e-1", "10%", " 0.1", "0.1 ", "-0.1", "", "٠.١", None, 0.1, "1/10"])
def test_ratio_refused(bad):
    with pytest.raises(ValueError):
        kit.sample_size(10, bad)


def test_parse_ratio_exact():
    assert kit.parse_ratio("0.07") == Fraction(7, 100)


# ---------------------------------------------------------------------------------------------------
# A correct ledger verifies
# ---------------------------------------------------------------------------------------------------

def test_standard_ledger_is_clean(tmp_path):
    ledger = standard_ledger()
    path = ledger.write(tmp_path / "ergu.jsonl")
    records, problems = kit.check_ledger(str(path))
    assert problems == []
    assert [r["type"] for r in records] == ["announce", "draw", "draw", "recusal", "void"]
    # not vacuous: draw 3 has a conflict that moves its first company off team 0
    draw3 = ledger.records[2]
    assert draw3["conflicts"] and draw3["assignments"][0]["team"] != 0
    assert len(draw3["inspectors"]["teams"]) == 4 and draw3["inspectors"]["reserve"] == [
        item for _, item in ranked(INSPECTORS, draw3["seed"] + "|inspectors")
    ][8:]


def test_multiple_recusals_for_one_company(tmp_path):
    ledger = Ledger()
    draw = ledger.add(build_draw("7", [("一般", "0.1", COMPANIES[:20])], INSPECTORS))
    assert len(draw["inspectors"]["teams"]) == 2 and len(draw["inspectors"]["reserve"]) == 5
    entity = draw["assignments"][0]["entity"]
    team = team_of(draw, entity)
    first = replacement_for(draw, team, entity)
    ledger.add({"type": "recusal", "at": "2026-12-01T10:00:00+08:00", "operator": "李四", "draw": draw["hash"],
                "entity": entity, "inspector": team[0], "replacement": first, "reason": "利害关系回避"})
    team[0] = first
    second = replacement_for(draw, team, entity)
    assert second not in (None, first)
    ledger.add({"type": "recusal", "at": "2026-12-01T11:00:00+08:00", "operator": "李四", "draw": draw["hash"],
                "entity": entity, "inspector": first, "replacement": second, "reason": "其他"})
    path = ledger.write(tmp_path / "ergu.jsonl")
    assert problems_of(path) == []
    # the same second recusal claiming the first replacement again is wrong
    ledger.records.pop()
    ledger.add({"type": "recusal", "at": "2026-12-01T11:00:00+08:00", "operator": "李四", "draw": draw["hash"],
                "entity": entity, "inspector": first, "replacement": first, "reason": "其他"})
    problems = problems_of(ledger.write(tmp_path / "ergu.jsonl"))
    assert len(problems) == 1 and problems[0][0] == 3 and "替补人员应为" in problems[0][1]


def test_empty_file_is_fine(tmp_path):
    path = tmp_path / "bureau.jsonl"
    path.write_bytes(b"")
    assert kit.check_ledger(str(path)) == ([], [])


# ---------------------------------------------------------------------------------------------------
# Tampering with the bytes: each is caught at the right line
# ---------------------------------------------------------------------------------------------------

def _write_lines(tmp_path, lines):
    path = tmp_path / "ergu.jsonl"
    path.write_bytes(b"".join(lines))
    return path


def test_one_byte_edited(tmp_path):
    lines = standard_ledger().lines()
    assert b'"at":"2026-12-01T09:30:00+08:00"' in lines[2]
    lines[2] = lines[2].replace(b"09:30:00", b"09:31:00")
    assert problems_of(_write_lines(tmp_path, lines)) == [(3, "hash 不符（记录被改动过）")]


def test_selected_id_edited(tmp_path):
    ledger = standard_ledger()
    lines = ledger.lines()
    victim = ledger.records[2]["strata"][0]["selected"][0]["id"].encode()
    assert lines[2].count(b'"id":"' + victim) == 1
    lines[2] = lines[2].replace(b'"id":"' + victim, b'"id":"X' + victim)
    problems = problems_of(_write_lines(tmp_path, lines))
    assert (3, "hash 不符（记录被改动过）") in problems
    assert any(line == 3 and "被抽中的第 1 家应为" in message for line, message in problems)
    assert {line for line, _ in problems} == {3}


def test_line_deleted(tmp_path):
    lines = standard_ledger().lines()
    del lines[2]
    problems = problems_of(_write_lines(tmp_path, lines))
    assert not messages_at(problems, 1) and not messages_at(problems, 2)
    at3 = messages_at(problems, 3)
    assert any(m.startswith("seq 应为 2，记录为 3") for m in at3)
    assert any(m.startswith("prev 与上一行的 hash 不符") for m in at3)
    assert any(m.startswith("回避所指的抽取不存在") for m in at3)


def test_line_inserted(tmp_path):
    ledger = standard_ledger()
    forged = Ledger()
    forged.records = ledger.records[:2]
    forged.add({"type": "void", "at": "2026-12-01T09:40:00+08:00", "operator": "某人",
                "draw": ledger.records[1]["hash"], "reason": "伪造"})
    lines = ledger.lines()
    lines.insert(2, forged.lines()[2])
    problems = problems_of(_write_lines(tmp_path, lines))
    assert not messages_at(problems, 1) and not messages_at(problems, 2) and not messages_at(problems, 3)
    at4 = messages_at(problems, 4)
    assert any(m.startswith("seq 应为 3，记录为 2") for m in at4)
    assert any(m.startswith("prev 与上一行的 hash 不符") for m in at4)
    # the original void of the same draw is now a second void
    assert any("一条记录只能作废一次" in m for m in messages_at(problems, 6))


def test_lines_swapped(tmp_path):
    lines = standard_ledger().lines()
    lines[2], lines[3] = lines[3], lines[2]
    problems = problems_of(_write_lines(tmp_path, lines))
    assert problems[0][0] == 3
    at3 = messages_at(problems, 3)
    assert any(m.startswith("seq 应为 2，记录为 3") for m in at3)
    assert any(m.startswith("回避所指的抽取不存在") for m in at3)
    at4 = messages_at(problems, 4)
    assert any(m.startswith("seq 应为 3，记录为 2") for m in at4)
    assert any(m.startswith("prev 与上一行的 hash 不符") for m in at4)


def test_forged_append_with_wrong_prev(tmp_path):
    ledger = standard_ledger()
    record = {"type": "void", "at": "2026-12-03T09:00:00+08:00", "operator": "某人",
              "draw": ledger.records[2]["hash"], "reason": "伪造", "seq": 5, "prev": ledger.records[3]["hash"]}
    record["hash"] = kit.record_hash(record)
    lines = ledger.lines() + [kit.canonical(record) + b"\n"]
    assert problems_of(_write_lines(tmp_path, lines)) == [
        (6, "prev 与上一行的 hash 不符（前面的记录被删除、插入、调换或改动过）")
    ]


def test_truncated_mid_line(tmp_path):
    lines = standard_ledger().lines()
    lines[4] = lines[4][: len(lines[4]) // 2]
    path = _write_lines(tmp_path, lines)
    records, problems = kit.check_ledger(str(path))
    assert len(records) == 4
    assert len(problems) == 1 and problems[0][0] == 5 and "最后一行不完整" in problems[0][1]


def test_non_canonical_lines(tmp_path):
    lines = standard_ledger().lines()
    record = json.loads(lines[1])
    lines[1] = json.dumps(record, ensure_ascii=False, sort_keys=True).encode() + b"\n"  # spaces after : and ,
    lines[3] = lines[3][:-1] + b"\r\n"
    problems = problems_of(_write_lines(tmp_path, lines))
    assert problems == [
        (2, "不是 RFC 8785 规范形式（空白、键的顺序或转义与规范不同）"),
        (4, "行尾多了回车符（\\r），文件可能被转换成了 Windows 换行；字节已与记录时不同"),
    ]


def test_duplicate_keys_floats_and_garbage(tmp_path):
    lines = standard_ledger().lines()
    lines[0] = lines[0][:-2] + b',"seq":0}\n'
    lines[1] = lines[1].replace(b'"team_size":2', b'"team_size":2.0', 1)
    lines[3] = b"\xff\xfe\n"
    lines.insert(4, b"[1,2]\n")
    problems = problems_of(_write_lines(tmp_path, lines))
    assert any(line == 1 and "重复出现" in m for line, m in problems)
    assert any(line == 2 and "浮点数" in m for line, m in problems)
    assert (4, "不是有效的 UTF-8 文本") in problems
    assert (5, "不是一条记录（应为 JSON 对象）") in problems
    # the unreadable line 4 hides line 5's predecessor, yet line 6 (the void) is still placed
    assert any(line == 6 and m.startswith("seq 应为 5，记录为 4") for line, m in problems)


# ---------------------------------------------------------------------------------------------------
# Wrong content with a valid chain: caught by re-derivation
# ---------------------------------------------------------------------------------------------------

def _resealed(tmp_path, ledger, index, change):
    """Apply ``change`` to record ``index`` (0-based), then rebuild the whole chain as a forger would."""
    rebuilt = Ledger()
    for i, record in enumerate(ledger.records):
        body = json.loads(json.dumps(record, ensure_ascii=False))
        for field in ("seq", "prev", "hash"):
            body.pop(field)
        if i == index:
            change(body, rebuilt)
        for later in ("draw", "announcement"):
            old = [r["hash"] for r in ledger.records]
            if isinstance(body.get(later), str) and body[later] in old and i != index:
                body[later] = rebuilt.records[old.index(body[later])]["hash"]
        rebuilt.add(body)
    return problems_of(rebuilt.write(tmp_path / "ergu.jsonl"))


def test_wrong_selection(tmp_path):
    ledger = standard_ledger()
    draw = ledger.records[2]
    selected_ids = {s["id"] for s in draw["strata"][0]["selected"]}
    outsider = next(c for c in draw["strata"][0]["population"] if c not in selected_ids)

    def change(body, _):
        body["strata"][0]["selected"][-1] = {"id": outsider, "ticket": kit.first_fraction(outsider, body["seed"])}

    problems = _resealed(tmp_path, ledger, 2, change)
    k = len(selected_ids)
    assert k == 6
    assert problems == [(3, problems[0][1])] and problems[0][1].startswith(f"第 1 层（一般）：被抽中的第 {k} 家应为")


def test_wrong_k(tmp_path):
    def change(body, _):
        body["strata"][1]["k"] += 1

    problems = _resealed(tmp_path, standard_ledger(), 1, change)
    assert problems == [(2, "第 2 层（一般）：k 应为 4（⌈0.1 × 40⌉），记录为 5")]


def test_wrong_team(tmp_path):
    def change(body, _):
        teams = body["inspectors"]["teams"]
        teams[0][1], teams[1][1] = teams[1][1], teams[0][1]

    problems = _resealed(tmp_path, standard_ledger(), 2, change)
    assert [line for line, _ in problems] == [3]
    assert problems[0][1].startswith("检查组 0 应为")


def test_wrong_assignment_ignoring_conflict(tmp_path):
    def change(body, _):
        body["assignments"][0]["team"] = 0

    problems = _resealed(tmp_path, standard_ledger(), 2, change)
    assert [line for line, _ in problems] == [3]
    assert problems[0][1].startswith("分组第 1 条应为企业")


def test_conflict_with_unselected_company(tmp_path):
    def change(body, _):
        chosen = {s["id"] for s in body["strata"][0]["selected"]}
        unselected = next(c for c in body["strata"][0]["population"] if c not in chosen)
        body["conflicts"].append({"inspector": "执法-99", "entity": unselected})

    problems = _resealed(tmp_path, standard_ledger(), 2, change)
    messages = messages_at(problems, 3)
    assert any("执法-99 不在符合条件的检查人员名单里" in m for m in messages)
    assert any("不是这次被抽中的企业" in m for m in messages)


def test_wrong_replacement(tmp_path):
    ledger = standard_ledger()
    recusal = ledger.records[3]
    team = team_of(ledger.records[2], recusal["entity"])
    other = next(i for i in INSPECTORS if i not in team and i != recusal["replacement"])

    def change(body, _):
        body["replacement"] = other

    problems = _resealed(tmp_path, ledger, 3, change)
    assert len(problems) == 1 and problems[0][0] == 4 and problems[0][1].startswith("替补人员应为")


def test_recusal_of_inspector_not_in_team(tmp_path):
    ledger = standard_ledger()
    recusal = ledger.records[3]
    team = team_of(ledger.records[2], recusal["entity"])
    outsider = next(i for i in INSPECTORS if i not in team)

    def change(body, _):
        body["inspector"] = outsider

    problems = _resealed(tmp_path, ledger, 3, change)
    assert len(problems) == 1 and problems[0][0] == 4 and "不在企业" in problems[0][1]


def test_recusal_bad_reason_and_voided_draw(tmp_path):
    ledger = standard_ledger()
    draw2 = ledger.records[1]
    entity = draw2["assignments"][0]["entity"]
    team = team_of(draw2, entity)
    ledger.add({"type": "recusal", "at": "2026-12-03T09:00:00+08:00", "operator": "张三", "draw": draw2["hash"],
                "entity": entity, "inspector": team[1], "replacement": replacement_for(draw2, team, entity),
                "reason": "身体不适"})
    problems = problems_of(ledger.write(tmp_path / "ergu.jsonl"))
    at6 = messages_at(problems, 6)
    assert len(problems) == 2 and len(at6) == 2
    assert any(m.startswith("回避原因应为") for m in at6)
    assert any("已在第 5 行作废，不能再回避换人" in m for m in at6)


def test_void_of_nonexistent_draw(tmp_path):
    ledger = standard_ledger()
    ledger.add({"type": "void", "at": "2026-12-03T09:00:00+08:00", "operator": "张三", "draw": "ab" * 32,
                "reason": "测试"})
    problems = problems_of(ledger.write(tmp_path / "ergu.jsonl"))
    assert len(problems) == 1 and problems[0][0] == 6 and problems[0][1].startswith("作废的抽取或公告不存在")


def test_void_of_announce_record_and_later_draw(tmp_path):
    ledger = standard_ledger()
    ledger.add({"type": "void", "at": "2026-12-03T09:00:00+08:00", "operator": "张三",
                "draw": ledger.records[0]["hash"], "reason": "测试"})
    problems = problems_of(ledger.write(tmp_path / "ergu.jsonl"))
    assert [line for line, _ in problems] == [6] and problems[0][1] == "第 1 行的公告已在第 2 行用于抽取，不能再作废公告（应作废那次抽取）"


def test_announced_draw_with_different_population(tmp_path):
    ledger = standard_ledger()

    def change(body, rebuilt):
        body["population_digest"] = kit.digest(sorted(COMPANIES[1:]))

    problems = _resealed(tmp_path, ledger, 0, change)
    assert problems == [(2, "企业名单摘要（population_digest）与第 1 行公告的不符：名单在公告之后被改动过")]


def test_announced_parameters_differ(tmp_path):
    def change(body, _):
        body["date"] = "2026-12-05"

    problems = _resealed(tmp_path, standard_ledger(), 0, change)
    assert problems == [(2, "date 与第 1 行的公告不一致：公告为 “2026-12-05”，抽取为 “2026-12-01”")]


def test_announcement_used_twice_and_fairness(tmp_path):
    ledger = standard_ledger()
    again = json.loads(json.dumps(ledger.records[1], ensure_ascii=False))
    for field in ("seq", "prev", "hash"):
        again.pop(field)
    ledger.add(again)
    plain = build_draw("1", [("一般", "0.5", COMPANIES[:4])], INSPECTORS[:4], announcement=ledger.records[0]["hash"])
    ledger.add(plain)
    system = build_draw("123", [("一般", "0.5", COMPANIES[:4])], INSPECTORS[:4], fairness="system")
    ledger.add(system)
    problems = problems_of(ledger.write(tmp_path / "ergu.jsonl"))
    assert problems == [
        (6, "第 1 行的公告已被第 2 行的抽取用过；一份公告只能用于一次抽取（重抽需要新的公告）"),
        (7, "不是“事先公告”的抽取，announcement 应为 null"),
        (8, "fairness 为 system（系统随机）时种子应为 20 位数字"),
    ]


def test_announced_draw_before_its_announcement(tmp_path):
    ledger = standard_ledger()
    # a draw that claims an announcement which only comes later in the file
    draw = build_draw("5", [("一般", "0.5", COMPANIES[:4])], INSPECTORS[:4], fairness="announced",
                      announcement=ledger.records[0]["hash"])
    fresh = Ledger()
    fresh.add(draw)
    problems = problems_of(_write_lines(tmp_path, fresh.lines()))
    assert len(problems) == 1 and problems[0][0] == 1 and problems[0][1].startswith("所依据的公告不存在")


def test_unknown_type_and_missing_fields(tmp_path):
    ledger = Ledger()
    ledger.add({"type": "lottery", "at": "2026-12-01T09:30:00+08:00", "operator": "张三"})
    ledger.add({"type": "targeted", "at": "2026-12-01T09:30:00+08:00", "operator": "张三", "section": "ergu",
                "date": "2026-12-01", "basis": "随便", "reference": "汝应急〔2026〕1号", "reason": "x",
                "entities": ["a"], "inspectors": ["b"]})
    ledger.add({"type": "publish", "at": "2026-12-01T09:30:00+08:00", "operator": "张三"})
    ledger.add({"type": "draw", "at": "2026-12-01", "operator": ""})
    problems = problems_of(ledger.write(tmp_path / "x.jsonl"))
    assert problems[0] == (1, "未知的记录类型 “lottery”")
    assert problems[1][0] == 2 and problems[1][1].startswith("定向检查的依据应为")
    assert problems[2] == (3, "publish 记录缺少字段 manifest_digest、sections、from、to、results")
    at4 = messages_at(problems, 4)
    assert any(m.startswith("at 不是带时区的 ISO 8601 时间") for m in at4)
    assert "operator 应为非空字符串" in at4
    assert any(m.startswith("draw 记录缺少字段 section") for m in at4)


def test_population_unsorted_and_overlapping(tmp_path):
    def change(body, _):
        body["strata"][1]["population"].append(body["strata"][0]["population"][0])

    problems = _resealed(tmp_path, standard_ledger(), 1, change)
    assert {line for line, _ in problems} == {2}
    assert any("population 未按编号排序或有重复" in m for _, m in problems)
    assert any("同时出现在第 1 层（重点），一家企业只能属于一层" in m for _, m in problems)


def test_ratio_below_floor(tmp_path):
    ledger = Ledger()
    ledger.add(build_draw("9", [("风险D", "0.05", COMPANIES)], INSPECTORS, ratio="0.1"))
    problems = problems_of(ledger.write(tmp_path / "ergu.jsonl"))
    assert problems == [(1, "第 1 层（风险D）：比例 0.05 低于本次抽取的比例下限 0.1")]


# ---------------------------------------------------------------------------------------------------
# Manifest and the command line
# ---------------------------------------------------------------------------------------------------

def _bundle(tmp_path):
    folder = tmp_path / "公开材料"
    standard_ledger().write(folder / "ledger" / "ergu.jsonl")
    (folder / "index.html").write_text("<html>二股</html>", encoding="utf-8")
    (folder / "结果.csv").write_bytes("\ufeff企业,结果\n".encode())
    shutil.copy(KIT_FILE, folder / "verify.py")
    files = {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }
    (folder / "manifest.json").write_text(json.dumps({"files": files}, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "公开材料.zip").write_bytes(b"PK")  # the zip lies beside the folder, as ssj publish writes it
    return folder


def test_manifest_clean(tmp_path):
    assert kit.verify_manifest(_bundle(tmp_path)) == []


@pytest.mark.parametrize("name", ["公开材料.zip", "ledger/补充.ZIP"])
def test_a_zip_inside_the_folder_is_an_unlisted_file_like_any_other(tmp_path, name):
    # a zip slipped into the bundle could carry anything: only manifest.json itself is exempt (SPEC §6)
    folder = _bundle(tmp_path)
    (folder / name).write_bytes(b"PK")
    assert kit.verify_manifest(folder) == [(name, "文件不在清单（manifest.json）里")]
    assert kit.main([str(folder)]) == 1


def test_manifest_detects_changes(tmp_path):
    folder = _bundle(tmp_path)
    (folder / "index.html").write_text("<html>三股</html>", encoding="utf-8")
    (folder / "结果.csv").unlink()
    (folder / "extra.txt").write_text("x", encoding="utf-8")
    assert kit.verify_manifest(folder) == [
        ("index.html", "文件的 SHA-256 与清单不符（文件被改动过）"),
        ("结果.csv", "清单中列出的文件不存在"),
        ("extra.txt", "文件不在清单（manifest.json）里"),
    ]


def test_main_clean_bundle_as_standalone_script(tmp_path):
    folder = _bundle(tmp_path)
    run = subprocess.run(
        [sys.executable, "-I", "-X", "utf8", str(folder / "verify.py")], capture_output=True, text=True, encoding="utf-8",
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert "manifest.json：清单中 4 个文件的 SHA-256 全部相符，没有多出或缺少的文件" in lines
    assert any(line.startswith("ledger/ergu.jsonl：5 条记录，2 次抽取全部复核一致（") for line in lines)
    assert lines[-1].startswith("核验通过：1 个台账文件的哈希链完整，2 次抽取")


def test_main_reports_problems_with_path_and_line(tmp_path, capsys):
    folder = _bundle(tmp_path)
    path = folder / "ledger" / "ergu.jsonl"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"09:30:00", b"09:31:00")
    path.write_bytes(b"\n".join(lines))
    assert kit.main([str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "ledger/ergu.jsonl: 文件的 SHA-256 与清单不符（文件被改动过）" in out
    assert "ledger/ergu.jsonl:3: hash 不符（记录被改动过）" in out
    assert "ledger/ergu.jsonl：5 条记录，2 次抽取；发现 1 个问题" in out
    assert out[-1] == "核验未通过：共发现 2 个问题（见上）。"


def test_main_json(tmp_path, capsys):
    folder = _bundle(tmp_path)
    assert kit.main([str(folder), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert report["ledgers"][0]["path"] == "ledger/ergu.jsonl"
    assert report["ledgers"][0]["draws"] == 2
    assert report["ledgers"][0]["fairness"] == {"announced": 1, "system": 0, "operator": 1}


def test_main_empty_folder_fails(tmp_path, capsys):
    assert kit.main([str(tmp_path)]) == 1
    assert "既没有 manifest.json，也没有台账文件" in capsys.readouterr().out


def test_verify_py_needs_only_the_standard_library():
    imported = set()
    for node in ast.walk(ast.parse(KIT_FILE.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names)


# ---------------------------------------------------------------------------------------------------
# Speed
# ---------------------------------------------------------------------------------------------------

def test_large_draw_verifies_quickly(tmp_path):
    ids = [f"91410482MA{n:08d}" for n in range(100_000)]
    inspectors = [f"执法-{n:03d}" for n in range(60)]
    ledger = Ledger()
    ledger.add(build_draw("12345678901234567890", [("一般", "0.1", ids)], inspectors, fairness="system"))
    path = ledger.write(tmp_path / "ergu.jsonl")
    start = time.perf_counter()
    records, problems = kit.check_ledger(str(path))
    elapsed = time.perf_counter() - start
    assert problems == [] and records[0]["strata"][0]["k"] == 10_000
    assert elapsed < 3.0, elapsed


# ---------------------------------------------------------------------------------------------------
# More rules of the contract
# ---------------------------------------------------------------------------------------------------

def test_fast_string_writer_escapes_exactly_like_the_reference():
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        assert kit._QUOTE(char) == kit._quote(char), hex(code)


def test_draw_without_enough_inspectors(tmp_path):
    ledger = Ledger()
    record = build_draw("1", [("一般", "1", COMPANIES[:2])], ["执法-01", "执法-02"])
    record["inspectors"]["eligible"] = ["执法-01"]
    record["inspectors"]["teams"] = []
    record["inspectors"]["reserve"] = ["执法-01"]
    record["assignments"] = []
    ledger.add(record)
    problems = problems_of(ledger.write(tmp_path / "ergu.jsonl"))
    assert problems == [(1, "无法组成检查组（抽中 2 家企业，符合条件的检查人员 1 名，每组 2 名），这次抽取本不应成立")]


def test_company_conflicting_with_every_team(tmp_path):
    ledger = Ledger()
    record = build_draw("1", [("一般", "1", COMPANIES[:2])], INSPECTORS[:4])
    victim = record["assignments"][0]["entity"]
    record["conflicts"] = [{"inspector": i, "entity": victim} for i in sorted(INSPECTORS[:2])]
    ledger.add(record)
    problems = problems_of(ledger.write(tmp_path / "ergu.jsonl"))
    assert (1, f"企业 {victim} 与所有检查组都有利害冲突，这次抽取本不应成立") in problems


def test_seed_must_be_trimmed(tmp_path):
    ledger = Ledger()
    ledger.add(build_draw(" 12345", [("一般", "0.5", COMPANIES[:4])], INSPECTORS[:4]))
    problems = problems_of(ledger.write(tmp_path / "ergu.jsonl"))
    assert problems == [(1, "seed 未去掉首尾空白或不是 NFC 形式（记录的应是实际使用的种子）")]


def test_recusal_without_any_possible_replacement(tmp_path):
    ledger = Ledger()
    draw = ledger.add(build_draw("1", [("一般", "1", COMPANIES[:2])], INSPECTORS[:4]))
    assert draw["inspectors"]["reserve"] == []
    entity = draw["assignments"][0]["entity"]
    inspector = team_of(draw, entity)[0]
    recusal = {"type": "recusal", "at": "2026-12-01T10:00:00+08:00", "operator": "张三", "draw": draw["hash"],
               "entity": entity, "inspector": inspector, "replacement": None, "reason": "其他"}
    ledger.add(recusal)
    assert problems_of(ledger.write(tmp_path / "ergu.jsonl")) == [
        (2, "回避记录必须写明替补人员（replacement）：没有人可替补时不能记录回避，应另行处理或作废抽取")]
    ledger.records.pop()
    ledger.add(dict(recusal, replacement=INSPECTORS[5]))
    assert problems_of(ledger.write(tmp_path / "ergu.jsonl")) == [
        (2, f"替补人员应为 无人可替补（后备名单中第一位不在该组、未曾为该企业回避且与该企业无利害冲突的人员），记录为 “{INSPECTORS[5]}”")
    ]


def test_recusal_replacement_skips_reserve_with_conflict(tmp_path):
    ledger = Ledger()
    plain = build_draw("1", [("一般", "0.1", COMPANIES[:20])], INSPECTORS)
    entity = plain["assignments"][0]["entity"]
    first_reserve = plain["inspectors"]["reserve"][0]
    draw = ledger.add(build_draw("1", [("一般", "0.1", COMPANIES[:20])], INSPECTORS,
                                 conflicts=[(first_reserve, entity)]))
    team = team_of(draw, entity)
    expected = draw["inspectors"]["reserve"][1]
    assert replacement_for(draw, team, entity) == expected
    ledger.add({"type": "recusal", "at": "2026-12-01T10:00:00+08:00", "operator": "张三", "draw": draw["hash"],
                "entity": entity, "inspector": team[1], "replacement": first_reserve, "reason": "利害关系回避"})
    problems = problems_of(ledger.write(tmp_path / "ergu.jsonl"))
    assert len(problems) == 1 and problems[0][0] == 2
    assert problems[0][1].startswith(f"替补人员应为 “{expected}”")


def test_unreadable_lines_are_none_in_records(tmp_path):
    lines = standard_ledger().lines()
    lines[1] = b"not json\n"
    records, problems = kit.read_ledger(str(_write_lines(tmp_path, lines)))
    assert records[1] is None and records[0]["type"] == "announce" and len(records) == 5
    assert problems[0][0] == 2 and problems[0][1].startswith("无法按 JSON 解析")


def test_section_must_not_change_within_a_file(tmp_path):
    ledger = Ledger()
    ledger.add(build_draw("1", [("一般", "0.5", COMPANIES[:4])], INSPECTORS[:4]))
    ledger.add(build_draw("2", [("一般", "0.5", COMPANIES[:4])], INSPECTORS[:4], section="yigu"))
    problems = problems_of(ledger.write(tmp_path / "ergu.jsonl"))
    assert problems == [(2, "每个科室一个台账文件：本文件第 1 行起属于 “ergu”，这条记录却属于 “yigu”")]


def test_an_inspector_who_stepped_aside_never_comes_back_for_that_company(tmp_path):
    ledger = Ledger()
    draw = ledger.add(build_draw("1", [("一般", "0.1", COMPANIES[:20])], INSPECTORS))
    entity = draw["assignments"][0]["entity"]
    reserve = draw["inspectors"]["reserve"]
    team = team_of(draw, entity)
    first = {"type": "recusal", "at": "2026-12-01T10:00:00+08:00", "operator": "张三", "draw": draw["hash"],
             "entity": entity, "inspector": team[0], "replacement": reserve[0], "reason": "利害关系回避"}
    ledger.add(first)
    second = dict(first, inspector=reserve[0], replacement=reserve[1], reason="因故不能执行检查")
    ledger.add(second)
    # team[0] is no longer in the team and heads no reserve list, but reserve[0] stepped aside: the third
    # recusal (of reserve[1]) must skip reserve[0] although it is the first reserve outside the team.
    third = dict(first, inspector=reserve[1], replacement=reserve[2], reason="其他")
    ledger.add(third)
    assert problems_of(ledger.write(tmp_path / "ergu.jsonl")) == []
    ledger.records.pop()
    ledger.add(dict(third, replacement=reserve[0]))
    problems = problems_of(ledger.write(tmp_path / "ergu.jsonl"))
    assert len(problems) == 1 and problems[0][0] == 4
    assert problems[0][1].startswith(f"替补人员应为 “{reserve[2]}”")


def test_an_announced_seed_must_follow_the_announced_seed_rule(tmp_path):
    def ledger_with(seed):
        ledger = Ledger()
        draw = build_draw(seed, [("一般", "0.1", COMPANIES)], INSPECTORS, fairness="announced", ratio="0.1")
        draw["seed_source"] = "福彩双色球第2026140期开奖号码"
        note = dict(build_announce(draw), seed_rule="种子只取开奖号码中的数字，按公布顺序连写")
        draw["announcement"] = ledger.add(note)["hash"]
        ledger.add(draw)
        return problems_of(ledger.write(tmp_path / f"{len(seed)}.jsonl"))

    assert ledger_with("03081219253107") == []
    assert ledger_with("03 08 12 19 25 31 + 07") == [
        (2, "第 1 行的公告规定种子只取公布号码中的数字，记录的种子 “03 08 12 19 25 31 + 07” 不符合")]


def test_a_one_person_team_is_refused(tmp_path):
    """第十八条: a team of one, re-derived consistently by a forger, still fails (team_size 1 is never valid)."""
    ledger = Ledger()
    ledger.add(build_draw("7", [("一般", "0.5", COMPANIES[:6])], INSPECTORS[:6], team_size=1))
    problems = problems_of(ledger.write(tmp_path / "ergu.jsonl"))
    assert problems == [(1, "team_size 应为不小于 2 的整数（第十八条：每组至少 2 名检查人员）")]


def test_a_team_of_one_inspector_twice_is_refused(tmp_path):
    def doubled(body, _):
        first = body["inspectors"]["teams"][0][0]
        body["inspectors"]["teams"][0] = [first, first]

    problems = _resealed(tmp_path, standard_ledger(), 2, doubled)
    assert [line for line, _ in problems] == [3]
    assert problems[0][1].startswith("检查组 0 应为 ")


def test_an_inspector_listed_twice_in_the_pool_is_refused(tmp_path):
    def twice(body, _):
        body["inspectors"]["eligible"].append(body["inspectors"]["eligible"][0])

    problems = _resealed(tmp_path, standard_ledger(), 2, twice)
    assert problems == [(3, "inspectors.eligible 中有重复的检查人员"),
                        (4, "所指的第 3 行抽取本身无法复核，这次回避换人也无法复核")]
