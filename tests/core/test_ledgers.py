"""All of a bureau's ledgers together (shuangsuiji.core.ledgers, SPEC §5 heads): the write order given back by the
``heads`` every record pins, heads checked against the other ledgers (a dropped record or ledger shows), and
``verify_ledgers`` re-deriving hand-built draw records whose every value — tickets, teams, lists, hashes — is
computed here with ``consistent_sampler``, ``rfc8785`` and hashlib, never with the code under test. Rest and
rotation look across sections; void draws do not count."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import consistent_sampler
import pytest
import rfc8785

from shuangsuiji.core import chain
from shuangsuiji.core.chain import ledger_files
from shuangsuiji.core.ledgers import in_write_order, verify_ledgers

ZERO = "0" * 64
SEED = "骰子 3-1-4-1-5"
POOL = ["RZ005", "RZ006", "RZ007", "RZ008", "RZ009"]
KEY = ["91410482MA0000001", "91410482MA0000002"]
GENERAL = ["91410482MA0000010", "91410482MA0000011", "91410482MA0000012", "91410482MA0000013", "91410482MA0000014"]


def order(ids, seed):
    return list(consistent_sampler.sampler(sorted(set(ids)), seed=seed, output="id"))


def merged(ids, seed):
    return [i for _, i in sorted((consistent_sampler.first_fraction(i, seed), i) for i in ids)]


class Bureau:
    """Ledgers written by hand: ``<root>/<ledger>/<year>.jsonl`` and ``<root>/lists/``, every record sealed here."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tips: dict = {}  # ledger -> (seq, hash)
        self.lines: dict = {}  # (ledger, year) -> [bytes]

    def list(self, ids) -> str:
        data = rfc8785.dumps(sorted(set(ids)))
        digest = hashlib.sha256(data).hexdigest()
        (self.root / "lists").mkdir(parents=True, exist_ok=True)
        (self.root / "lists" / f"{digest}.json").write_bytes(data)
        return digest

    def append(self, ledger: str, record_type: str, at: str, heads=None, **fields) -> dict:
        seq, prev = self.tips.get(ledger, (-1, ZERO))
        if heads is None:
            heads = {name: {"seq": s, "hash": h} for name, (s, h) in self.tips.items() if name != ledger}
        record = {"format": 2, "seq": seq + 1, "prev": prev, "type": record_type, "at": at, "operator": "测试员",
                  "heads": heads, **fields}
        record["hash"] = hashlib.sha256(rfc8785.dumps(record)).hexdigest()
        self.tips[ledger] = (record["seq"], record["hash"])
        self.lines.setdefault((ledger, at[:4]), []).append(rfc8785.dumps(record) + b"\n")
        self.save()
        return record

    def save(self) -> None:
        for (ledger, year), lines in self.lines.items():
            (self.root / ledger).mkdir(parents=True, exist_ok=True)
            (self.root / ledger / f"{year}.jsonl").write_bytes(b"".join(lines))

    def targeted(self, ledger, date, entities, inspectors=("RZ001", "RZ002"), **extra) -> dict:
        return self.append(ledger, "targeted", f"{date}T10:00:00+08:00", section=ledger, date=date, basis="投诉举报",
                           reference="汝应急〔2026〕88号", reason="群众举报", entities=list(entities),
                           inspectors=list(inspectors), **extra)

    def draw(self, ledger, date, strata, pool=POOL, seed=SEED, team_size=2, reserve=1, rested=(), recent=(),
             shape=None, at=None, listed=False) -> dict:
        """A draw record per SPEC §4, derived independently: ``strata`` is ``[(name, ratio, k, ids)]`` with k
        given by hand; ``recent`` ``{(inspector, entity): by}`` decides the rotation the way SPEC §4 words it;
        ``rested`` is ``{entity: by}``. Both are cited (``{records, count}``, the records being the ``by``
        values), or with ``listed`` written as records before 2026-12-08 list them (groups by record)."""
        fields_strata, chosen = [], []
        for name, ratio, k, ids in strata:
            selected = order(ids, seed)[:k]
            chosen += selected
            fields_strata.append({"name": name, "ratio": ratio, "population": self.list(ids), "count": len(ids),
                                  "k": k, "selected": selected})
        everything = merged(chosen, seed)
        ranked = order(pool, seed + "|inspectors")
        r = min(reserve, max(0, len(pool) - team_size))
        t = min(len(everything), (len(pool) - r) // team_size)
        teams = [ranked[j * team_size:(j + 1) * team_size] for j in range(t)]
        assignments, ignored = [], []
        for i, entity in enumerate(everything):
            free = [(i + s) % t for s in range(t) if not any((m, entity) in recent for m in teams[(i + s) % t])]
            if free:
                assignments.append(free[0])
            else:
                assignments.append(i % t)
                ignored.append(entity)
        members = {m for team in teams for m in team}
        kept = {pair: by for pair, by in dict(recent).items() if pair[0] in members and pair[1] in everything}
        groups: dict = {}
        for (inspector, entity), by in kept.items():
            groups.setdefault((inspector, by), []).append(entity)
        recent_field = [{"inspector": i, "by": by, "entities": self.list(ids), "count": len(ids)}
                        for (i, by), ids in sorted(groups.items())]
        rested_groups: dict = {}
        for entity, by in dict(rested).items():
            rested_groups.setdefault(by, []).append(entity)
        rested_field = [{"by": by, "entities": self.list(ids), "count": len(ids)} for by, ids in sorted(rested_groups.items())]
        if not listed:
            recent_field = {"records": sorted(set(kept.values())), "count": len(kept)}
            rested_field = {"records": sorted(set(dict(rested).values())), "count": len(dict(rested))}
        fields = {
            "section": ledger, "plan_item": None, "plan_digest": None, "checklist_item": None, "checklist": None,
            "date": date, "fairness": "operator", "seed": seed, "seed_source": "操作人输入", "announcement": None,
            "again": None, "ratio": None, "rest_days": 90, "strata": fields_strata, "rested": rested_field,
            "inspectors": {"eligible": sorted(pool), "team_size": team_size, "reserve_size": r, "teams": teams,
                           "reserve": ranked[t * team_size:]},
            "conflicts": [], "recent": recent_field, "assignments": assignments, "rotation_ignored": sorted(ignored),
            "inputs": {}, "commit": None, "dirty": False,
        }
        if shape is not None:
            shape(fields, everything)
        return self.append(ledger, "draw", at or f"{date}T09:30:00+08:00", **fields)

    def void(self, ledger, target, at) -> dict:
        return self.append(ledger, "void", at, draw=target["hash"], reason="种子输错，重新抽取")

    def verify(self):
        return verify_ledgers(str(self.root))


def messages(verified) -> list:
    return [message for _, _, message in verified.problems]


@pytest.fixture
def bureau(tmp_path) -> Bureau:
    return Bureau(tmp_path / "ledger")


STRATA = [("重点", "1", 2, KEY), ("一般", "0.5", 3, GENERAL)]  # ⌈0.5 × 5⌉ = 3


# ---------------------------------------------------------------------------------------------------
# Write order from heads
# ---------------------------------------------------------------------------------------------------

def test_heads_give_the_write_order_even_against_the_clocks(bureau):
    # ergu-0 is written first; yigu-0, on a computer whose clock is behind, pins it in its heads; then ergu-1.
    a0 = bureau.targeted("ergu", "2026-11-02", ["E1", "E2"])
    b0 = bureau.targeted("yigu", "2026-11-01", ["E3", "E4"])
    a1 = bureau.targeted("ergu", "2026-11-03", ["E5", "E6"])
    assert b0["heads"] == {"ergu": {"seq": 0, "hash": a0["hash"]}}
    problems: list = []
    got = [(e.ledger, e.record["seq"]) for e in in_write_order(ledger_files(str(bureau.root)), problems)]
    assert got == [("ergu", 0), ("yigu", 0), ("ergu", 1)]
    assert problems == []
    assert a1["heads"] == {"yigu": {"seq": 0, "hash": b0["hash"]}}
    verified = bureau.verify()
    assert verified.problems == []
    assert verified.counts == {"ergu": {"targeted": 2}, "yigu": {"targeted": 1}}


def test_ties_in_time_are_broken_by_heads_then_name(bureau):
    bureau.targeted("yigu", "2026-11-01", ["E1", "E2"])
    bureau.targeted("ergu", "2026-11-01", ["E3", "E4"])  # same moment, pins yigu-0
    problems: list = []
    got = [(e.ledger, e.record["seq"]) for e in in_write_order(ledger_files(str(bureau.root)), problems)]
    assert got == [("yigu", 0), ("ergu", 0)] and problems == []


def test_a_record_dropped_from_one_ledger_shows_in_another(bureau):
    bureau.targeted("ergu", "2026-11-01", ["E1", "E2"])
    bureau.targeted("ergu", "2026-11-02", ["E3", "E4"])
    bureau.targeted("yigu", "2026-11-03", ["E5", "E6"])  # pins ergu-1
    lines = bureau.lines[("ergu", "2026")]
    del lines[1]  # the last line of ergu: its own chain cannot tell
    bureau.save()
    verified = bureau.verify()
    problems = messages(verified)
    assert len(problems) == 1 and "heads" in problems[0] and "ergu-1" in problems[0]
    assert Path(verified.problems[0][0]).parts[-2:] == ("yigu", "2026.jsonl")


def test_missing_heads_and_a_deleted_ledger(bureau):
    bureau.targeted("ergu", "2026-11-01", ["E1", "E2"])
    bureau.targeted("yigu", "2026-11-02", ["E3", "E4"], heads={})  # should have pinned ergu-0
    problems = messages(bureau.verify())
    assert any("heads 缺少 ergu" in m for m in problems)

    other = Bureau(bureau.root.parent / "b")
    other.targeted("sangu", "2026-10-01", ["E7", "E8"])
    other.targeted("ergu", "2026-11-01", ["E1", "E2"])  # pins sangu-0
    shutil.rmtree(other.root / "sangu")
    problems = messages(other.verify())
    assert any("sangu" in m and "整本台账被删除" in m for m in problems)


def test_heads_naming_a_record_that_does_not_exist_never_hang(bureau):
    bureau.targeted("ergu", "2026-11-01", ["E1", "E2"], heads={"yigu": {"seq": 5, "hash": "a" * 64}})
    bureau.targeted("yigu", "2026-11-02", ["E3", "E4"], heads={})
    verified = bureau.verify()
    assert any("yigu-5" in m for m in messages(verified))
    assert sum(sum(c.values()) for c in verified.counts.values()) == 2


def test_chain_across_years_in_a_bureau(bureau):
    a = bureau.targeted("ergu", "2025-12-30", ["E1", "E2"])
    b = bureau.targeted("ergu", "2026-01-02", ["E3", "E4"])
    assert b["prev"] == a["hash"] and b["seq"] == 1
    assert sorted(p.name for p in (bureau.root / "ergu").iterdir()) == ["2025.jsonl", "2026.jsonl"]
    assert bureau.verify().problems == []


# ---------------------------------------------------------------------------------------------------
# Draws re-derived from hand-built records
# ---------------------------------------------------------------------------------------------------

def test_a_hand_built_draw_verifies(bureau):
    record = bureau.draw("ergu", "2026-12-01", STRATA)
    assert record["inspectors"]["reserve_size"] == 1 and len(record["inspectors"]["teams"]) == 2  # ⌊4/2⌋
    assert record["assignments"] == [0, 1, 0, 1, 0]
    verified = bureau.verify()
    assert verified.problems == []
    assert verified.counts == {"ergu": {"draw": 1}}


@pytest.mark.parametrize("edit", ["selected", "k", "teams", "assignments", "reserve"])
def test_a_hand_built_draw_with_one_thing_changed_is_refused(bureau, edit):
    def change(fields, everything):
        if edit == "selected":
            general = fields["strata"][1]
            general["selected"] = [e for e in GENERAL if e not in general["selected"]][:1] + general["selected"][1:]
        elif edit == "k":
            fields["strata"][1]["k"] = 2
            fields["strata"][1]["selected"] = fields["strata"][1]["selected"][:2]
        elif edit == "teams":
            teams = fields["inspectors"]["teams"]
            teams[0], teams[1] = teams[1], teams[0]
        elif edit == "assignments":
            fields["assignments"][0] = 1
        else:
            fields["inspectors"]["reserve"] = []

    bureau.draw("ergu", "2026-12-01", STRATA, shape=change)
    assert bureau.verify().problems != []


def test_rest_rule_across_sections_and_only_in_general_strata(bureau):
    # 一股's targeted check 30 days before names one 重点 and one 一般 company of 二股's draw
    visit = bureau.targeted("yigu", "2026-11-01", [KEY[0], GENERAL[0]])
    bureau.draw("ergu", "2026-12-01", STRATA)  # nobody left out: wrong for GENERAL[0], right for KEY[0]
    problems = messages(bureau.verify())
    assert len(problems) == 2 and "rested 漏引了 1 条" in problems[0] and "第十六条" in problems[0]
    assert GENERAL[0] in problems[1] and "休息期" in problems[1] and KEY[0] not in problems[1]

    fixed = Bureau(bureau.root.parent / "fixed")
    visit = fixed.targeted("yigu", "2026-11-01", [KEY[0], GENERAL[0]])
    fixed.draw("ergu", "2026-12-01", [("重点", "1", 2, KEY), ("一般", "0.5", 2, GENERAL[1:])],  # ⌈0.5 × 4⌉ = 2
               rested={GENERAL[0]: visit["hash"]})
    assert fixed.verify().problems == []


def test_void_draws_do_not_count_for_the_rest_rule(bureau):
    first = bureau.draw("ergu", "2026-11-01", [("一般", "0.5", 3, GENERAL)])
    bureau.void("ergu", first, "2026-11-01T11:00:00+08:00")
    # a month later the same companies are all eligible again: the voided draw inspected nobody
    bureau.draw("ergu", "2026-12-01", [("一般", "0.5", 3, GENERAL)])
    assert bureau.verify().problems == []

    kept = Bureau(bureau.root.parent / "kept")
    kept.draw("ergu", "2026-11-01", [("一般", "0.5", 3, GENERAL)])
    kept.draw("ergu", "2026-12-01", [("一般", "0.5", 3, GENERAL)])  # not voided: three of them must rest
    problems = [m for m in messages(kept.verify()) if "休息期" in m]
    assert len(problems) == 2 and "rested 漏引了 1 条" in problems[0]  # the first draw not cited ...
    assert all(e in problems[1] for e in order(GENERAL, SEED)[:3])  # ... and its companies not left out


def test_records_written_before_2026_12_08_are_checked_as_they_list_it(bureau):
    # the listed form (groups by record) of the shipped example: read, and checked by the rules it was written under
    visit = bureau.targeted("yigu", "2026-11-01", [KEY[0], GENERAL[0]])
    first = bureau.draw("ergu", "2026-06-01", [("一般", "1", 5, GENERAL)], listed=True)
    teams = first["inspectors"]["teams"]
    seen = {(m, e): first["hash"] for e, t in zip(merged(GENERAL, SEED), first["assignments"], strict=True) for m in teams[t]}
    bureau.draw("ergu", "2026-12-01", [("重点", "1", 2, KEY), ("一般", "1", 4, GENERAL[1:])],
                rested={GENERAL[0]: visit["hash"]}, recent=seen, listed=True)
    assert bureau.verify().problems == []

    wrong = Bureau(bureau.root.parent / "wrong")
    visit = wrong.targeted("yigu", "2026-11-01", [KEY[0], GENERAL[0]])
    first = wrong.draw("ergu", "2026-06-01", [("一般", "1", 5, GENERAL)], listed=True)
    wrong.draw("ergu", "2026-12-01", [("重点", "1", 2, KEY), ("一般", "1", 4, GENERAL[1:])],
               rested={GENERAL[0]: first["hash"]}, listed=True)  # the wrong reason, and rotation forgotten
    problems = messages(wrong.verify())
    assert any("不能证明它在 90 天内被检查过" in m for m in problems)
    assert any("近一年检查关系漏记了" in m for m in problems)


def test_the_listed_form_is_refused_for_records_written_from_2026_12_08(bureau):
    # nobody chooses the form: a record written on or after that day must cite
    bureau.draw("ergu", "2026-12-08", [("一般", "1", 5, GENERAL)], listed=True, at="2026-12-08T09:30:00+08:00")
    problems = messages(bureau.verify())
    assert problems == ["recent 是 2026-12-08 之前的写法（逐家列出）：此后写入的记录应引用记录，写成 {records: [记录 hash…], count: 数量}"]


def test_rotation_across_draws(bureau):
    # June: the first draw; December (183 days on, past the 90-day rest, inside the rotation year)
    first = bureau.draw("ergu", "2026-06-01", [("一般", "1", 5, GENERAL)])
    teams = first["inspectors"]["teams"]
    everything = merged(GENERAL, SEED)
    seen = {(m, e): first["hash"] for e, t in zip(everything, first["assignments"], strict=True) for m in teams[t]}
    bureau.draw("ergu", "2026-12-01", [("一般", "1", 5, GENERAL)], recent=seen)
    assert bureau.verify().problems == []

    forgot = Bureau(bureau.root.parent / "forgot")
    forgot.draw("ergu", "2026-06-01", [("一般", "1", 5, GENERAL)])
    forgot.draw("ergu", "2026-12-01", [("一般", "1", 5, GENERAL)])  # rotation not applied or recorded
    problems = messages(forgot.verify())
    assert any("轮换" in m for m in problems)


def test_an_over_long_line_makes_a_problem_not_a_crash(bureau, monkeypatch):
    bureau.targeted("ergu", "2026-11-01", ["E1", "E2"])
    monkeypatch.setattr(chain, "MAX_LINE_BYTES", 2048)
    bureau.lines[("ergu", "2026")].append(b'{"x":"' + b"a" * 10_000 + b'"}\n')
    bureau.save()
    problems = messages(bureau.verify())
    assert any("不予读取" in m for m in problems)


def test_records_after_an_over_long_line_are_still_checked(bureau, monkeypatch):
    monkeypatch.setattr(chain, "MAX_LINE_BYTES", 4096)
    bureau.lines[("ergu", "2026")] = [b'{"x":"' + b"a" * 20_000 + b'"}\n']
    bureau.tips["ergu"] = (0, "f" * 64)
    drawn = bureau.draw("ergu", "2026-11-01", [("一般", "0.5", 3, GENERAL)])
    bureau.void("ergu", drawn, "2026-11-01T11:00:00+08:00")
    problems = messages(bureau.verify())
    assert any("不予读取" in m for m in problems)


# ---------------------------------------------------------------------------------------------------
# The public shape of a draw record (SPEC §5: "outside verifiers rely on these names ... none renamed")
# ---------------------------------------------------------------------------------------------------

def test_list_files_of_the_hand_built_bureau_are_content_addressed(bureau):
    bureau.draw("ergu", "2026-12-01", STRATA)
    for path in (bureau.root / "lists").iterdir():
        assert hashlib.sha256(path.read_bytes()).hexdigest() + ".json" == path.name
    assert os.path.isfile(bureau.root / "lists" / (hashlib.sha256(rfc8785.dumps(sorted(GENERAL))).hexdigest() + ".json"))
