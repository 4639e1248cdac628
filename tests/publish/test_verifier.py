"""The bundle's stand-alone verifier (``verify.py``, built from ``core/`` and ``publish/verifier/command.py``) on
ledger format 2 (SPEC §4–§6).

The vectors and the canonical form are checked against the reference packages (consistent_sampler, rfc8785).
Everything else runs on one real bundle, made once per module by ssj itself on a git copy of the example bureau
and then tampered with, copy by copy, the way a forger would: first bluntly (a line edited, the manifest
updated), then consistently (every hash, ``prev``, ``heads`` pin, ``heads.json`` and the manifest recomputed
after the change, see :func:`forge`), so that only the rule the test is about can catch it. Each test asserts
the verifier's exact Chinese message, naming the file and line; the verifier is run as the bundle's own
``verify.py`` with a bare interpreter (``-I``: no ssj, no site-packages), as a citizen would run it.

The scenario (all draws on 2026-12-01, results published on 2026-12-20)::

    zhihui-0  指挥中心 draws (seed 7): the companies it selects rest for 90 days in every section
    zhifa-0   大队 makes a targeted check of a 二股 风险C company: it rests too
    ergu-0    二股's first draw fails: RZ005 and RZ007 (in different teams) both declared a conflict with a 重点
              company (a ``failed`` record, seed and reason public)
    ergu-1    二股 draws again with another seed: ``rested`` cites zhihui-0 and zhifa-0, the conflicts kept
    yigu-0    一股 draws
    sangu-0   三股 draws, sangu-1 voids it, sangu-2 announces a 双色球 result, sangu-3 draws on it that evening
    zhifa-1   大队 draws with an uncommitted data file (``--allow-dirty``: ``dirty: true``)
    yigu-1    a recusal on yigu-0 (the last record written before the bundle)
    results   two of yigu-0's companies (one of them after the recusal) and one of ergu-1's
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import string
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

import consistent_sampler
import pytest
import rfc8785
import yaml

from shuangsuiji.ledger.index import Index
from shuangsuiji.publish.verifier import verify as kit
from tests.helpers import assigned, copy_example, git, run_ssj, team_of

KIT_FILE = Path(kit.__file__)
DAY = ("--date", "2026-12-01")
KEY_COMPANY = "914104826992660477"  # 汝州市宝嘉新材料科技有限公司: 危险化学品, 重点
TARGETED = "91410482MA41R6NN38"  # a 风险C 加油站 of 二股's, checked by 大队 on a complaint
FAILING_SEED = "31415926535897932384"  # under it RZ005 and RZ007 sit in the two different 二股 teams
SOURCE, NOT_BEFORE, AFTER_THE_LOTTERY = "双色球:2026139", "2026-12-01T21:30", "2026-12-01T22:00"
LOTTERY = "07 12 19 23 28 33 + 05"
ANNOUNCED_SEED = "双色球2026139:07 12 19 23 28 33+05"
PUBLISHED = "2026-12-20"
#: the strata the rest rule leaves companies out of (重点, 黑名单 and 问题 never)
RESTING = ("风险A", "风险B", "风险C", "风险D", "一般")
LEDGERS = ("bureau", "ergu", "sangu", "yigu", "zhifa", "zhihui")


# ---------------------------------------------------------------------------------------------------
# Tickets: the consistent_sampler package's published vectors, and a cross-check against it
# ---------------------------------------------------------------------------------------------------

def ranked(ids, seed):
    return [t.id for t in kit.rank(sorted(ids), str(seed))]


def test_first_fraction_published_vector():
    assert kit.first_fraction("AB-130", "01382438112797316654") == (
        "0.26299714122838008416507544297546663599715395525154425586041245287750224561854"
    )


def test_sampler_published_order():
    # sampler(['ab-1', 'ab-2', 'cd-1', 'ef-3'], seed=314159): the package turns the seed into a string
    assert ranked(["ab-1", "ab-2", "cd-1", "ef-3"], 314159) == ["cd-1", "ef-3", "ab-1", "ab-2"]
    tickets = sorted(kit.first_fraction(item, 314159) for item in ["ab-1", "ab-2", "cd-1", "ef-3"])
    for ticket, prefix in zip(tickets, ["0.317685817", "0.832984519", "0.9098039269", "0.9231549043"], strict=True):
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
    assert ranked(ids, seed) == expected
    # the verifier's selection is the package's order cut at k = ⌈0.3 N⌉
    k = kit.sample_size(len(ids), "0.3")
    assert [t.id for t in kit.smallest(ids, seed, k)] == expected[:k]


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


def test_canonical_matches_rfc8785():
    for round_ in range(300):
        value = _random_value(random.Random(1000 + round_))
        assert kit.canonical(value) == rfc8785.dumps(value), round_


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


def test_fast_string_writer_escapes_exactly_like_the_reference():
    for code in range(0x110000):
        if not 0xD800 <= code <= 0xDFFF:
            assert kit._QUOTE(chr(code)) == kit._quote(chr(code)), hex(code)


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
def test_a_recorded_ratio_is_a_plain_decimal_in_0_1(bad):
    with pytest.raises(ValueError):
        kit.recorded_ratio(bad)


def test_recorded_ratio_is_exact():
    assert kit.recorded_ratio("0.07") == Fraction(7, 100)


# ---------------------------------------------------------------------------------------------------
# The scenario, built once per module by ssj itself
# ---------------------------------------------------------------------------------------------------

_run = run_ssj


def _ok(root: Path, *args: str) -> str:
    code, out, err = _run(root, *args)
    assert code == 0, (args, out, err)
    return out


def _records(root: Path, ledger: str) -> list[dict]:
    path = root / "data/ledger" / ledger / "2026.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _declare_conflicts(root: Path, entity: str, *inspectors: str) -> None:
    path = root / "data/inspectors.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for inspector in inspectors:
        person = next(p for p in document["inspectors"] if p["id"] == inspector)
        person.setdefault("conflicts", []).append({"entity": entity, "reason": "测试：亲属任职"})
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _finish(path: Path, day: str, n: int) -> None:
    """Fill a prefilled report as finished (top-level keys; JSON values are valid YAML flow values)."""
    values = {"status": "已办结", "check_dates": [day], "findings": f"检查情况（第 {n} 份）",
              "result": "发现问题已责令改正", "handling": f"处理意见（第 {n} 份）"}
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        key = line.split(":", 1)[0]
        if not line.startswith(("#", " ")) and key in values:
            lines[i] = f"{key}: {json.dumps(values.pop(key), ensure_ascii=False)}"
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, frozen_clock) -> dict:
    base = tmp_path_factory.mktemp("verifier")
    root = base / "汝州"
    copy_example(root)
    (root / ".gitignore").write_text(".ssj/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "测试员")
    git(root, "config", "user.email", "tester@example.invalid")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "示例数据")
    _declare_conflicts(root, KEY_COMPANY, "RZ005", "RZ007")
    git(root, "commit", "-q", "-am", "申报利害关系")
    try:
        frozen_clock.set("2026-12-01")
        _ok(root, "draw", "--section", "指挥中心", "--ratio", "0.1", "--seed", "7", *DAY)  # zhihui-0
        _ok(root, "targeted", "--section", "大队", "--basis", "投诉举报", "--reference", "汝应急〔2026〕88号",
            "--reason", "群众举报", "--entity", TARGETED, "--inspector", "RZ021", "--inspector", "RZ022")  # zhifa-0
        code, _, err = _run(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", FAILING_SEED, *DAY)
        assert code == 1 and "这次抽取无法完成" in err  # ergu-0: failed
        _ok(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "1", *DAY)  # ergu-1
        _ok(root, "draw", "--section", "一股", "--ratio", "0.1", "--seed", "3", *DAY)  # yigu-0
        _ok(root, "draw", "--section", "三股", "--seed", "7", *DAY)  # sangu-0
        _ok(root, "void", "三股-0", "--reason", "抽取时选错了计划事项的范围")  # sangu-1
        _ok(root, "announce", "--section", "三股", *DAY, "--source", SOURCE, "--not-before", NOT_BEFORE)  # sangu-2
        frozen_clock.set(AFTER_THE_LOTTERY)
        _ok(root, "draw", "--announcement", "三股-2", "--seed", LOTTERY)  # sangu-3, announced
        frozen_clock.set("2026-12-01T22:05")
        path = root / "data/entities/安全培训机构.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "# 尚未提交的备注\n", encoding="utf-8")
        _ok(root, "draw", "--section", "大队", "--ratio", "0.1", "--seed", "5", "--allow-dirty")  # zhifa-1, dirty
        git(root, "commit", "-q", "-am", "备注")
        frozen_clock.set("2026-12-01T22:10")
        yigu, ergu = _records(root, "yigu")[0], _records(root, "ergu")[1]
        recused_for = assigned(yigu)[0]["entity"]
        recused = team_of(yigu, recused_for)[0]
        _ok(root, "recuse", "一股-0", "--inspector", recused, "--entity", recused_for, "--reason", "因故不能执行检查")
        picks = [("一股-0", "yigu", 0, recused_for), ("一股-0", "yigu", 0, assigned(yigu)[1]["entity"]),
                 ("二股-1", "ergu", 1, assigned(ergu)[0]["entity"])]
        frozen_clock.set(PUBLISHED)
        for n, (draw, section, seq, entity) in enumerate(picks, 1):
            _ok(root, "report", "new", draw, entity)
            _finish(root / f"data/reports/{section}/{section}-{seq}-{entity}.yaml", f"2026-12-0{n + 2}", n)
        _ok(root, "check")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "检查报告")
        folder = base / "公示包"
        _ok(root, "publish", "--out", str(folder))
    finally:
        frozen_clock.set("2026-12-01")
    return {"root": root, "folder": folder, "recused": recused, "recused_for": recused_for,
            "results": [entity for *_, entity in picks]}


@pytest.fixture(scope="module")
def later(scenario: dict, tmp_path_factory: pytest.TempPathFactory, frozen_clock) -> Path:
    """Next month's bundle from the same repository: 三股 voids its announced draw (sangu-4) and publishes again
    (the bureau ledger now also holds the first bundle's publish record)."""
    root = scenario["root"]
    folder = tmp_path_factory.mktemp("later") / "下月公示包"
    try:
        frozen_clock.set(PUBLISHED)
        _ok(root, "void", "三股-3", "--reason", "检查组人员不足")
        _ok(root, "publish", "--out", str(folder))
    finally:
        frozen_clock.set("2026-12-01")
    return folder


# ---------------------------------------------------------------------------------------------------
# Running the verifier, and tampering with a copy of the bundle
# ---------------------------------------------------------------------------------------------------

class Run(NamedTuple):
    code: int
    out: str
    err: str


def verify(folder: Path, *args: str) -> Run:
    """The bundle's own verify.py with a bare interpreter, run inside the bundle."""
    result = subprocess.run([sys.executable, "-I", "verify.py", *args], cwd=folder, capture_output=True,
                            text=True, encoding="utf-8", timeout=120)
    return Run(result.returncode, result.stdout, result.stderr)


def refused(folder: Path, *args: str) -> str:
    """verify.py fails (exit 1, no traceback); returns what it printed."""
    result = verify(folder, *args)
    assert result.code == 1, result
    assert "Traceback" not in result.out + result.err
    assert "核验未通过" in result.out + result.err
    return result.out + result.err


def problems(folder: Path, *args: str) -> list[str]:
    """Every problem verify.py --json reports, as ``path[:line]: message``."""
    result = verify(folder, "--json", *args)
    report = json.loads(result.out)
    assert result.code == (1 if report["problems"] else 0), result.err
    return [f"{p['path']}{'' if p['line'] is None else ':' + str(p['line'])}: {p['message']}" for p in report["problems"]]


@pytest.fixture
def bundle(scenario: dict, tmp_path: Path) -> Path:
    """A copy of the scenario's bundle to tamper with."""
    folder = tmp_path / "公示包"
    shutil.copytree(scenario["folder"], folder, symlinks=True)
    return folder


def read_ledger(folder: Path, name: str) -> list[dict]:
    return [json.loads(line) for line in (folder / f"ledger/{name}/2026.jsonl").read_text(encoding="utf-8").splitlines()]


def lines_of(folder: Path, name: str) -> list[bytes]:
    return (folder / f"ledger/{name}/2026.jsonl").read_bytes().splitlines(keepends=True)


def write_lines(folder: Path, name: str, lines: list[bytes]) -> None:
    (folder / f"ledger/{name}/2026.jsonl").write_bytes(b"".join(lines))


def write_ledger(folder: Path, name: str, records: list[dict]) -> None:
    write_lines(folder, name, [kit.canonical(record) + b"\n" for record in records])


def seal(record: dict) -> dict:
    """The record with its ``hash`` recomputed."""
    record["hash"] = kit.record_hash(record)
    return record


def off_page(folder: Path, *args: str) -> list[str]:
    """:func:`problems` but those of the page's list of records, which of course no longer matches a ledger edited
    after the page was made (test_a_void_left_off_the_pages_list_of_records_is_caught checks that list)."""
    return [p for p in problems(folder, *args) if not p.startswith("index.html: 网页的“台账全部记录”")]


def reseal_manifest(folder: Path) -> None:
    """manifest.json made to match every file again (anyone can do it; only the bureau's published digest can't)."""
    files = {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "manifest.json"}
    (folder / "manifest.json").write_text(json.dumps({"files": files}, ensure_ascii=False), encoding="utf-8")


def reseal_heads(folder: Path) -> None:
    heads = {}
    for name in sorted(p.name for p in (folder / "ledger").iterdir() if p.name != "lists"):
        records = read_ledger(folder, name)
        if records:
            heads[name] = {"seq": records[-1]["seq"], "hash": records[-1]["hash"]}
    (folder / "heads.json").write_text(json.dumps(heads, ensure_ascii=False, indent=2), encoding="utf-8")


def _replaced(value, mapping: dict):
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, list):
        return [_replaced(v, mapping) for v in value]
    if isinstance(value, dict):
        return {k: _replaced(v, mapping) for k, v in value.items()}
    return value


def forge(folder: Path, change: Callable[[dict[str, list[Any]]], None]) -> None:
    """Change records (``change`` edits ``{ledger: [record, …]}`` in place, or sets a ledger's last records to None
    to cut them), then cover the tracks as a careful forger would: every record re-chained in the order they were
    written, each old hash replaced by the new one wherever it is cited (``prev``, ``heads``, ``rested``/``recent``
    ``records``, ``draw``, ``announcement``, results.json), a ``heads`` pin of a cut record moved back to the record
    before it, heads.json and the manifest recomputed. What is left can only be caught by the rules."""
    ledger_folder = str(folder / "ledger")
    order = [(entry.ledger, entry.line - 1) for entry in kit.in_write_order(kit.ledger_files(ledger_folder), [])]
    ledgers: dict[str, list[Any]] = {name: list(read_ledger(folder, name)) for name in kit.ledger_files(ledger_folder)}
    hashes = {(name, n): record["hash"] for name, records in ledgers.items() for n, record in enumerate(records)}
    change(ledgers)
    for records in ledgers.values():
        kept = [r for r in records if r is not None]
        assert records[:len(kept)] == kept, "only a ledger's last records can be cut"
    mapping: dict[str, str] = {}
    cut: set[str] = set()
    last: dict[str, Any] = dict.fromkeys(ledgers)
    for name, index in order:
        record = ledgers[name][index]
        if record is None:
            cut.add(hashes[(name, index)])
            continue
        old = record.pop("hash")
        for ledger, head in list(record.get("heads", {}).items()):
            if head.get("hash") in cut:  # pinned a record that is cut: pin the one before it
                if last[ledger] is None:
                    del record["heads"][ledger]
                else:
                    record["heads"][ledger] = {"seq": last[ledger]["seq"], "hash": last[ledger]["hash"]}
        record = _replaced(record, mapping)
        for name_ in ("rested", "recent"):  # the records cited stay sorted, as ssj writes them
            if isinstance(record.get(name_), dict) and isinstance(record[name_].get("records"), list):
                record[name_]["records"].sort()
        record["prev"] = last[name]["hash"] if last[name] else kit.ZERO_HASH
        seal(record)
        ledgers[name][index] = last[name] = record
        mapping[old] = record["hash"]
    for name, records in ledgers.items():
        write_ledger(folder, name, [r for r in records if r is not None])
    data = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    (folder / "results.json").write_text(json.dumps(_replaced(data, mapping), ensure_ascii=False, indent=2), encoding="utf-8")
    reseal_heads(folder)
    reseal_manifest(folder)


def id_list(folder: Path, digest: str) -> list[str]:
    return json.loads((folder / f"ledger/lists/{digest}.json").read_bytes())


def left_out(folder: Path, record: dict, by: dict) -> dict[str, str]:
    """``{company: the record that inspected it}`` of the companies a draw left out for the rest rule: those the
    records ``by`` (``{hash: record}``, of the ones it cites) inspected that are in none of its populations and
    whose stratum there rests (``home``: the stratum each had in zhihui-0, or 风险C for the targeted one)."""
    inside = {e for s in record["strata"] for e in id_list(folder, s["population"])}
    return {e: h for h in record["rested"]["records"] for e in kit.inspected(by[h]) if e not in inside}


def add_list(folder: Path, ids) -> str:
    """A new, well-formed list file (as ssj would write it); returns its digest."""
    data = kit.list_bytes(ids)
    digest = hashlib.sha256(data).hexdigest()
    (folder / f"ledger/lists/{digest}.json").write_bytes(data)
    return digest


def redraw(folder: Path, record: dict) -> None:
    """Make a draw record's outcome match its (changed) strata and seed again, with the algorithm itself: what a
    forger who knows the rules writes, so that only the rest rule can tell."""
    strata = [kit.Stratum(s["name"], Decimal(s["ratio"]), id_list(folder, s["population"]))
              for s in record["strata"]]
    inspectors = record["inspectors"]
    conflicts = frozenset((c["inspector"], c["entity"]) for c in record["conflicts"])
    drawn = kit.draw(kit.DrawInput(record["seed"], strata, inspectors["eligible"], inspectors["team_size"],
                                   inspectors["reserve_size"], conflicts, frozenset()))
    for recorded, population, (k, chosen) in zip(record["strata"], strata, drawn.selections, strict=True):
        recorded.update(count=len(population.population), k=k, selected=chosen)
    inspectors.update(teams=drawn.teams, reserve=drawn.reserve)
    record.update(conflicts=[{"inspector": i, "entity": e} for i, e in drawn.conflicts],
                  assignments=drawn.assignments, rotation_ignored=drawn.rotation_ignored)


def stratum(record: dict, name: str) -> dict:
    return next(s for s in record["strata"] if s["name"] == name)


def layer(folder: Path, name: str) -> str:
    """How the verifier names a stratum of 二股's draws (their strata are the same, in the same order)."""
    names = [s["name"] for s in read_ledger(folder, "ergu")[1]["strata"]]
    return f"第 {names.index(name) + 1} 层（{name}）"


def line_of(name: str, seq: int) -> str:
    """``ledger/<name>/2026.jsonl:<line>`` of a record, as the verifier names it."""
    return f"ledger/{name}/2026.jsonl:{seq + 1}"


# ---------------------------------------------------------------------------------------------------
# The intact bundle
# ---------------------------------------------------------------------------------------------------

def test_the_intact_bundle_passes_with_a_bare_interpreter(scenario):
    folder = scenario["folder"]
    assert (folder / "verify.py").read_bytes() == KIT_FILE.read_bytes()  # the shipped, built verifier
    result = verify(folder)
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert "manifest.json：已核对清单中每个文件的 SHA-256" in lines
    # every ledger of the bureau, every record type of the scenario, and the failed attempt counted apart
    assert "台账 ergu：2 条记录（随机抽取 1、抽取未成 1）" in lines
    assert "台账 sangu：4 条记录（抽取公告 1、随机抽取 2、作废 1）" in lines
    assert "台账 yigu：2 条记录（随机抽取 1、回避替换 1）" in lines
    assert "台账 zhifa：2 条记录（随机抽取 1、非随机检查 1）" in lines  # the dirty draw (no result) is no problem
    assert lines[-1] == "核验通过：6 本台账的哈希链和相互记下的末条记录完整，6 次抽取全部从记录重新算出、结果一致。"
    assert result.err == ""


def test_the_scenario_has_what_the_tests_tamper_with(scenario):
    folder = scenario["folder"]
    failed, ergu = read_ledger(folder, "ergu")
    zhihui, zhifa = read_ledger(folder, "zhihui")[0], read_ledger(folder, "zhifa")[0]
    assert failed["type"] == "failed" and failed["entity"] == KEY_COMPANY and failed["seed"] == FAILING_SEED
    assert ergu["type"] == "draw" and ergu["conflicts"] and ergu["dirty"] is False
    assert ergu["rested"]["records"] == sorted([zhihui["hash"], zhifa["hash"]]) and ergu["rested"]["count"] > 0
    assert read_ledger(folder, "zhifa")[1]["dirty"] is True
    assert read_ledger(folder, "sangu")[3]["fairness"] == "announced"
    assert read_ledger(folder, "sangu")[3]["seed"] == ANNOUNCED_SEED
    recusal = read_ledger(folder, "yigu")[1]
    assert recusal["type"] == "recusal" and recusal["inspector"] == scenario["recused"]
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))["results"]
    assert [r["entity_id"] for r in results] == scenario["results"]
    # the recusal is the last record written: no other ledger pins it, only heads.json does
    assert json.loads((folder / "heads.json").read_text(encoding="utf-8"))["yigu"] == {"seq": 1, "hash": recusal["hash"]}
    assert all(record["heads"].get("yigu", {}).get("seq", 0) == 0 for name in LEDGERS if name != "yigu"
               for record in read_ledger(folder, name))


def test_main_in_process_and_json_summary(scenario, capsys):
    folder = scenario["folder"]
    assert kit.main([str(folder), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["problems"] == []
    assert report["verify_sha256"] == hashlib.sha256(KIT_FILE.read_bytes()).hexdigest()
    assert sorted(report["ledgers"]) == list(LEDGERS)
    assert report["ledgers"]["ergu"] == {"failed": 1, "draw": 1}


def test_verify_py_prints_its_own_sha256(bundle):
    digest = hashlib.sha256((bundle / "verify.py").read_bytes()).hexdigest()
    result = verify(bundle)
    assert result.out.splitlines()[0] == f"核验程序 verify.py 的 SHA-256：{digest}"
    # a verifier changed to say what the forger wants still says who it is: its SHA-256 is no longer the published one
    path = bundle / "verify.py"
    path.write_text(path.read_text(encoding="utf-8") + "\n# 改过\n", encoding="utf-8")
    reseal_manifest(bundle)
    changed = verify(bundle)
    assert changed.code == 0
    assert changed.out.splitlines()[0] == f"核验程序 verify.py 的 SHA-256：{hashlib.sha256(path.read_bytes()).hexdigest()}"
    assert digest not in changed.out


def interpreters() -> list:
    """This Python, and Python 3.8 (the oldest verify.py supports, whose argparse words differ) when installed."""
    from tests.publish.test_verifier_build import python_38

    return [sys.executable, *filter(None, [python_38()])]


def run_kit(python: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-I", str(KIT_FILE), *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=60, env={**os.environ, "COLUMNS": "200"})  # a wide console: the help stays at 80


def console_columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


USAGE = "用法：verify.py [-h] [--json] [--digest SHA256] [--previous 旧材料]"  # its first line (options follow)


@pytest.mark.parametrize("python", interpreters())
def test_help_is_in_chinese_and_fits_80_columns(python):
    result = run_kit(python, "--help")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith(USAGE) and "[文件夹]" in "".join(lines[:lines.index("")])  # no space after 用法：
    for words in ("参数：", "选项：", "  -h, --help       显示本帮助并退出", "  --json           输出机器可读的 JSON 摘要",
                  "--digest SHA256", "--previous 旧材料", "要核验的文件夹", "退出码：0 全部核验通过；1 发现问题"):
        assert any(words in line for line in lines), words
    assert not any(word in result.stdout for word in ("usage", "options", "arguments", "show this help"))
    assert max(console_columns(line) for line in lines) <= 80
    # wrapped help lines start in the help column, whatever width a Chinese metavar takes
    previous = lines.index("  --previous 旧材料")
    assert lines[previous + 1].startswith(" " * 19 + "较早的公示包文件夹")


@pytest.mark.parametrize("python", interpreters())
@pytest.mark.parametrize(("args", "message"), [
    (["--no-such-option"], "用法错误：不认识的参数：--no-such-option（运行 verify.py --help 查看说明）"),
    (["a", "b"], "用法错误：不认识的参数：b（运行 verify.py --help 查看说明）"),
    (["--digest"], "用法错误：参数 --digest 后面应跟一个值（运行 verify.py --help 查看说明）"),
    (["--previous"], "用法错误：参数 --previous 后面应跟一个值（运行 verify.py --help 查看说明）"),
], ids=["unknown-option", "two-folders", "digest-without-value", "previous-without-value"])
def test_usage_errors_are_in_chinese(python, args, message):
    result = run_kit(python, *args)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(USAGE) and "[文件夹]" in "".join(lines[:-1])  # the usage, then one line saying what
    assert lines[-1] == message
    assert all(line.startswith(" ") for line in lines[1:-1])


def test_argparse_is_english_again_after_the_verifier_ran(capsys):
    # the Chinese words are swapped in only while the verifier's parser works: nothing else in the process changes
    import argparse

    with pytest.raises(SystemExit):
        kit.main(["--no-such-option"])
    assert "不认识的参数" in capsys.readouterr().err
    assert argparse.ArgumentParser(prog="x").format_usage() == "usage: x [-h]\n"


def test_the_published_digest_is_checked(bundle):
    digest = hashlib.sha256((bundle / "manifest.json").read_bytes()).hexdigest()
    result = verify(bundle, "--digest", digest)
    assert result.code == 0 and f"清单摘要：manifest.json 的 SHA-256 与公布的 {digest} 一致" in result.out
    assert verify(bundle, "--digest", f" {digest.upper()}\n").code == 0  # as copied from a notice
    # a consistent forgery (every file and the manifest redone) is caught by the digest the bureau published elsewhere
    forge(bundle, lambda ledgers: ledgers["sangu"][1].update(reason="改过的作废原因"))
    assert verify(bundle).code == 0
    assert problems(bundle, "--digest", digest) == [
        f"manifest.json: manifest.json 的 SHA-256 为 {hashlib.sha256((bundle / 'manifest.json').read_bytes()).hexdigest()}，"
        f"与公布的清单摘要 {digest} 不符：公示包被替换或改动过"]


# ---------------------------------------------------------------------------------------------------
# Draws re-derived: selection, seed, ratio and k
# ---------------------------------------------------------------------------------------------------

def test_a_changed_selected_id_is_caught_by_the_hash_and_by_re_derivation(bundle):
    ergu = read_ledger(bundle, "ergu")[1]
    general = stratum(ergu, "风险B")
    chosen = general["selected"][0]
    other = next(e for e in id_list(bundle, general["population"]) if e not in general["selected"])
    lines = lines_of(bundle, "ergu")
    lines[1] = lines[1].replace(chosen.encode(), other.encode())
    write_lines(bundle, "ergu", lines)
    assert "ledger/ergu/2026.jsonl: 文件的 SHA-256 与清单不符（文件被改动过）" in refused(bundle)
    reseal_manifest(bundle)
    found = problems(bundle)
    assert found[0] == f"{line_of('ergu', 1)}: hash 不符（记录被改动过）"
    assert f"{line_of('ergu', 1)}: {layer(bundle, '风险B')}：被抽中的企业：第 1 项应为 “{chosen}”，记录为 “{other}”" in found


def test_a_swapped_selection_with_every_hash_redone_is_caught(bundle):
    def change(ledgers):
        general = stratum(ledgers["ergu"][1], "风险B")
        other = next(e for e in id_list(bundle, general["population"]) if e not in general["selected"])
        general["selected"][0] = other

    forge(bundle, change)
    ergu = read_ledger(bundle, "ergu")[1]
    general = stratum(ergu, "风险B")
    found = problems(bundle)
    assert found[0].startswith(f"{line_of('ergu', 1)}: {layer(bundle, '风险B')}：被抽中的企业：第 1 项应为 ")
    assert found[0].endswith(f"，记录为 “{general['selected'][0]}”")


def test_a_changed_seed_is_caught(bundle):
    forge(bundle, lambda ledgers: ledgers["ergu"][1].update(seed="2"))
    found = problems(bundle)
    assert any(p.startswith(f"{line_of('ergu', 1)}: {layer(bundle, '重点')}：被抽中的企业：第 1 项应为 ") for p in found)
    assert any(p.startswith(f"{line_of('ergu', 1)}: 检查组 0 应为 ") for p in found)


def test_a_changed_announced_seed_is_caught(bundle):
    # a different but valid 双色球 result: the seed is no longer the announced result's (the page asks readers to
    # compare the numbers with the official result), and the selection does not come out of it
    forge(bundle, lambda ledgers: ledgers["sangu"][3].update(seed="双色球2026139:07 12 19 23 28 32+05"))
    found = problems(bundle)
    assert found[0].startswith(f"{line_of('sangu', 3)}: 第 1 层（重点）：被抽中的企业：第 1 项应为 ")
    # a seed written otherwise than the one canonical text of the result is refused as such
    forge(bundle, lambda ledgers: ledgers["sangu"][3].update(seed="双色球2026139:7 12 19 23 28 33+5"))
    assert (f"{line_of('sangu', 3)}: 种子“双色球2026139:7 12 19 23 28 33+5”不是开奖号码的规范写法"
            f"（应为 {ANNOUNCED_SEED}）") in problems(bundle)
    # and a seed of another period than announced
    forge(bundle, lambda ledgers: ledgers["sangu"][3].update(seed="双色球2026140:07 12 19 23 28 33+05"))
    assert (f"{line_of('sangu', 3)}: 种子“双色球2026140:07 12 19 23 28 33+05”不是公告指定的开奖来源 "
            "双色球2026139 的结果") in problems(bundle)


def test_an_announced_draw_before_the_lottery_is_caught(bundle):
    forge(bundle, lambda ledgers: ledgers["sangu"][3].update(at="2026-12-01T21:00:00+08:00"))
    assert (f"{line_of('sangu', 3)}: 抽取时间 2026-12-01T21:00:00+08:00 早于公告规定的开奖时间 "
            "2026-12-01T21:30:00+08:00：当时号码尚未公布") in problems(bundle)


def test_a_changed_ratio_is_caught(bundle):
    ergu = read_ledger(bundle, "ergu")[1]
    count = stratum(ergu, "风险C")["count"]
    forge(bundle, lambda ledgers: stratum(ledgers["ergu"][1], "风险C").update(ratio="0.2"))
    found = problems(bundle)
    k = -(-count // 5)
    assert f"{line_of('ergu', 1)}: {layer(bundle, '风险C')}：k 应为 {k}（⌈0.2 × {count}⌉），记录为 {stratum(ergu, '风险C')['k']}" in found
    assert f"{line_of('ergu', 1)}: {layer(bundle, '风险C')}：被抽中的企业：应有 {k} 项，记录为 {stratum(ergu, '风险C')['k']} 项" in found


def test_a_ratio_below_the_draws_floor_is_caught(bundle):
    forge(bundle, lambda ledgers: stratum(ledgers["ergu"][1], "风险C").update(ratio="0.05"))
    assert (f"{line_of('ergu', 1)}: {layer(bundle, '风险C')}：比例 0.05 低于本次抽取的比例下限 0.1"
            in problems(bundle))


def test_a_changed_k_is_caught(bundle):
    ergu = read_ledger(bundle, "ergu")[1]
    general = stratum(ergu, "风险C")
    forge(bundle, lambda ledgers: stratum(ledgers["ergu"][1], "风险C").update(k=general["k"] + 1))
    assert (f"{line_of('ergu', 1)}: {layer(bundle, '风险C')}：k 应为 {general['k']}（⌈0.1 × {general['count']}⌉），"
            f"记录为 {general['k'] + 1}") == problems(bundle)[0]


def test_a_changed_count_is_caught(bundle):
    count = stratum(read_ledger(bundle, "ergu")[1], "风险C")["count"]
    forge(bundle, lambda ledgers: stratum(ledgers["ergu"][1], "风险C").update(count=count + 10))
    assert (f"{line_of('ergu', 1)}: {layer(bundle, '风险C')}：count 应为名单中的 {count} 家，记录为 {count + 10}"
            in problems(bundle))


# ---------------------------------------------------------------------------------------------------
# The chain, heads and heads.json
# ---------------------------------------------------------------------------------------------------

def test_a_removed_middle_record_is_caught(bundle):
    lines = lines_of(bundle, "sangu")
    write_lines(bundle, "sangu", [lines[0], *lines[2:]])  # the void of sangu-0 hidden
    reseal_manifest(bundle)
    found = problems(bundle)
    where = line_of("sangu", 1)
    assert f"{where}: seq 应为 1，记录为 2（前面的记录被删除、插入或调换过）" in found
    assert f"{where}: prev 与上一条记录的 hash 不符（前面的记录被删除、插入、调换或改动过）" in found


def test_a_removed_last_record_is_caught_by_heads_json(bundle):
    # the recusal yigu-1 is the last record written: no other ledger pins it, heads.json does
    recusal = read_ledger(bundle, "yigu")[1]
    write_lines(bundle, "yigu", lines_of(bundle, "yigu")[:1])
    reseal_manifest(bundle)
    found = problems(bundle)
    assert found[0] == f"heads.json: yigu 的末条记录与台账不符：heads.json 为 {kit.show({'seq': 1, 'hash': recusal['hash']})}"
    # with heads.json made to match, only the published result of the recused company still tells: it names the
    # replacement, who is not in the team as the ledger now stands
    reseal_heads(bundle)
    reseal_manifest(bundle)
    yigu = read_ledger(bundle, "yigu")[0]
    team = team_of(yigu, recusal["entity"])
    assert off_page(bundle) == [f"results.json: 第 1 项结果的检查人员 {recusal['replacement']} 不是抽中的检查组成员"
                                f"（检查组：{kit.show_ids(team)}）"]


def test_a_removed_record_pinned_by_another_ledger_is_caught_even_with_heads_json_redone(bundle):
    write_lines(bundle, "zhifa", [])  # the targeted check, pinned by every later record (and resting TARGETED)
    reseal_heads(bundle)
    reseal_manifest(bundle)
    found = problems(bundle)
    assert (f"{line_of('ergu', 0)}: heads 记录写入时 zhifa 台账已有 zhifa-0，但该台账中没有这条记录"
            "（记录被删除或台账被截断）") in found
    assert any(p.startswith(f"{line_of('ergu', 0)}: rested 引用的记录 ") and p.endswith("不在此前的台账中")
               for p in found)


def test_a_removed_ledger_is_caught(bundle):
    shutil.rmtree(bundle / "ledger/zhihui")
    reseal_heads(bundle)
    reseal_manifest(bundle)
    assert (f"{line_of('zhifa', 0)}: heads 提到台账 “zhihui”，但它不在这里：整本台账被删除或没有公开"
            in problems(bundle))


def test_a_prev_that_breaks_the_chain_is_caught(bundle):
    # the last record written, its prev pointed elsewhere and its hash redone (heads.json too): only prev tells
    records = read_ledger(bundle, "yigu")
    records[1]["prev"] = read_ledger(bundle, "zhihui")[0]["hash"]
    seal(records[1])
    write_ledger(bundle, "yigu", records)
    reseal_heads(bundle)
    reseal_manifest(bundle)
    assert problems(bundle) == [
        f"{line_of('yigu', 1)}: prev 与上一条记录的 hash 不符（前面的记录被删除、插入、调换或改动过）"]


def test_a_first_record_whose_prev_is_not_zero_is_caught(bundle):
    lines = lines_of(bundle, "zhihui")
    record = json.loads(lines[0])
    record["prev"] = "1" * 64
    write_lines(bundle, "zhihui", [kit.canonical(seal(record)) + b"\n"])
    reseal_heads(bundle)
    reseal_manifest(bundle)
    assert f"{line_of('zhihui', 0)}: 第一条记录的 prev 应为 64 个 0" in problems(bundle)


def test_a_wrong_heads_pin_is_caught(bundle):
    zhihui = read_ledger(bundle, "zhihui")[0]
    forge(bundle, lambda ledgers: ledgers["ergu"][1]["heads"].update(zhihui={"seq": 0, "hash": "0" * 63 + "1"}))
    new = read_ledger(bundle, "zhihui")[0]["hash"]
    assert zhihui["hash"] == new  # written before the change: untouched
    assert problems(bundle) == [
        f"{line_of('ergu', 1)}: heads 中 zhihui 为 zhihui-0（000000000000…），与 zhihui 台账不符"
        f"（写入时它的最后一条是 zhihui-0，{new[:12]}…）：台账中有记录被删除、插入或改动过"]


def test_a_missing_heads_pin_is_caught(bundle):
    forge(bundle, lambda ledgers: ledgers["ergu"][1]["heads"].pop("zhifa"))
    assert problems(bundle) == [f"{line_of('ergu', 1)}: heads 缺少 zhifa：这条记录写入时 zhifa 台账已有 zhifa-0"]


def test_a_changed_void_reason_is_caught_by_its_hash(bundle):
    lines = lines_of(bundle, "sangu")
    lines[1] = lines[1].replace("选错了计划事项的范围".encode(), "断电".encode())
    write_lines(bundle, "sangu", lines)
    reseal_manifest(bundle)
    found = problems(bundle)
    assert found[0] == f"{line_of('sangu', 1)}: hash 不符（记录被改动过）"
    assert f"{line_of('sangu', 2)}: prev 与上一条记录的 hash 不符（前面的记录被删除、插入、调换或改动过）" not in found


def test_a_line_not_in_canonical_form_is_caught(bundle):
    lines = lines_of(bundle, "zhifa")
    lines[0] = json.dumps(json.loads(lines[0]), ensure_ascii=False).encode() + b"\n"  # same record, spaces added
    write_lines(bundle, "zhifa", lines)
    reseal_manifest(bundle)
    assert problems(bundle) == [
        f"{line_of('zhifa', 0)}: 不是 RFC 8785 规范形式（空白、键的顺序或转义与规范不同）"]


def test_a_torn_last_line_is_caught(bundle):
    lines = lines_of(bundle, "yigu")
    write_lines(bundle, "yigu", [lines[0], lines[1][:-40]])
    reseal_manifest(bundle)
    assert (f"{line_of('yigu', 1)}: 最后一行不完整（没有换行符，写入可能被中断）；可用 ssj ledger repair 去掉这一残行"
            in refused(bundle))


# ---------------------------------------------------------------------------------------------------
# List files
# ---------------------------------------------------------------------------------------------------

def shared_list(bundle: Path) -> str:
    """The list of 二股's 风险C stratum: used by both the failed draw and the draw."""
    failed, ergu = read_ledger(bundle, "ergu")
    digest = stratum(ergu, "风险C")["population"]
    assert stratum(failed, "风险C")["population"] == digest
    return digest


def test_a_changed_list_file_is_caught(bundle):
    digest = shared_list(bundle)
    rel = f"ledger/lists/{digest}.json"
    ergu = read_ledger(bundle, "ergu")[1]
    unselected = next(e for e in id_list(bundle, digest) if e not in stratum(ergu, "风险C")["selected"])
    (bundle / rel).write_bytes(kit.list_bytes([e for e in id_list(bundle, digest) if e != unselected]))
    assert f"{rel}: 文件的 SHA-256 与清单不符（文件被改动过）" in refused(bundle)
    reseal_manifest(bundle)
    found = problems(bundle)
    message = f"{layer(bundle, '风险C')}：名单文件 {digest}.json 的 SHA-256 与文件名不符（文件被改动过）"
    for seq in (0, 1):  # every record that uses the list names it
        assert f"{line_of('ergu', seq)}: {message}" in found


def test_a_missing_list_file_is_caught(bundle):
    digest = shared_list(bundle)
    rel = f"ledger/lists/{digest}.json"
    (bundle / rel).unlink()
    assert f"{rel}: 清单中列出的文件不存在" in refused(bundle)
    reseal_manifest(bundle)
    found = problems(bundle)
    for seq in (0, 1):
        assert f"{line_of('ergu', seq)}: {layer(bundle, '风险C')}：缺少名单文件 lists/{digest}.json" in found


def test_a_list_file_whose_name_is_not_its_digest_is_caught(bundle):
    # the forger writes the smaller population under a made-up name and points the record at it
    digest = shared_list(bundle)
    fake = hashlib.sha256(b"not the content").hexdigest()
    ids = id_list(bundle, digest)[1:]
    (bundle / f"ledger/lists/{fake}.json").write_bytes(kit.list_bytes(ids))

    def change(ledgers):
        stratum(ledgers["ergu"][1], "风险C").update(population=fake, count=len(ids))

    forge(bundle, change)
    assert (f"{line_of('ergu', 1)}: {layer(bundle, '风险C')}：名单文件 {fake}.json 的 SHA-256 与文件名不符（文件被改动过）"
            in problems(bundle))


@pytest.mark.parametrize(("data", "message"), [
    (lambda ids: json.dumps(ids).encode(), "不是 RFC 8785 规范形式"),
    (lambda ids: kit.canonical(list(reversed(ids))), "中的编号未排序或有重复"),
    (lambda ids: kit.canonical([*ids, ids[-1]]), "中的编号未排序或有重复"),
    (lambda ids: kit.canonical({"ids": ids}), "应为编号（字符串）数组"),
], ids=["spaces", "unsorted", "duplicated", "not-an-array"])
def test_a_list_file_that_is_not_a_canonical_sorted_array_is_caught(bundle, data, message):
    ids = id_list(bundle, shared_list(bundle))
    content = data(ids)
    digest = hashlib.sha256(content).hexdigest()  # named by its own digest: only its form is wrong
    (bundle / f"ledger/lists/{digest}.json").write_bytes(content)
    forge(bundle, lambda ledgers: stratum(ledgers["ergu"][1], "风险C").update(population=digest))
    assert f"{line_of('ergu', 1)}: {layer(bundle, '风险C')}：名单文件 {digest}.json {message}" in problems(bundle)


def test_a_stray_list_file_whose_name_is_not_its_digest_is_caught(bundle):
    # SPEC §5: list files match their names, every one of them, not only those a record cites
    fake = hashlib.sha256(b"nobody cites me").hexdigest()
    (bundle / f"ledger/lists/{fake}.json").write_bytes(kit.list_bytes(["91410482MA40000000"]))
    reseal_manifest(bundle)
    assert problems(bundle) == [f"ledger/lists/{fake}.json: 名单文件 {fake}.json 的 SHA-256 与文件名不符（文件被改动过）"
                                "（没有记录引用这个文件）"]


def test_an_unused_list_file_that_is_what_its_name_says_passes(bundle):
    add_list(bundle, ["91410482MA40000000"])  # e.g. written by a draw that was then refused: harmless
    reseal_manifest(bundle)
    assert problems(bundle) == []


def test_a_stray_file_in_the_lists_folder_is_caught(bundle):
    (bundle / "ledger/lists/说明.txt").write_text("不是名单", encoding="utf-8")
    reseal_manifest(bundle)
    assert problems(bundle) == ["ledger/lists/说明.txt: 不是名单文件：名单文件夹中只应有名为 <SHA-256>.json 的普通文件"]


# ---------------------------------------------------------------------------------------------------
# Teams, recusals and failed draws
# ---------------------------------------------------------------------------------------------------

def test_a_one_person_team_is_refused(bundle):
    # 第十八条: teams of one, re-derived consistently by the forger, still fail (team_size 1 is never valid)
    def change(ledgers):
        inspectors = ledgers["ergu"][1]["inspectors"]
        members = [m for team in inspectors["teams"] for m in team]
        inspectors.update(team_size=1, teams=[[m] for m in members])

    forge(bundle, change)
    assert (f"{line_of('ergu', 1)}: team_size 应为不小于 2 的整数（第十八条：每组至少 2 名检查人员）"
            in problems(bundle))


def test_a_team_of_one_inspector_twice_is_refused(bundle):
    ergu = read_ledger(bundle, "ergu")[1]
    first = ergu["inspectors"]["teams"][0][0]

    def change(ledgers):
        ledgers["ergu"][1]["inspectors"]["teams"][0] = [first, first]

    forge(bundle, change)
    assert (f"{line_of('ergu', 1)}: 检查组 0 应为 {kit.show_ids(ergu['inspectors']['teams'][0])}，"
            f"记录为 {kit.show([first, first])}") in problems(bundle)


def test_an_inspector_listed_twice_in_the_pool_is_refused(bundle):
    def change(ledgers):
        eligible = ledgers["ergu"][1]["inspectors"]["eligible"]
        eligible.insert(1, eligible[0])

    forge(bundle, change)
    found = problems(bundle)
    assert f"{line_of('ergu', 1)}: inspectors.eligible 中有重复的检查人员" in found


def test_a_recusal_without_a_replacement_is_refused(bundle):
    forge(bundle, lambda ledgers: ledgers["yigu"][1].update(replacement=None))
    assert (f"{line_of('yigu', 1)}: 回避记录必须写明替补人员（replacement）：没有人可替补时不能记录回避，"
            "应另行处理或作废抽取") in problems(bundle)


def test_a_recusal_with_the_wrong_replacement_is_refused(bundle):
    yigu, recusal = read_ledger(bundle, "yigu")
    other = next(i for i in yigu["inspectors"]["eligible"]
                 if i != recusal["replacement"] and i not in team_of(yigu, recusal["entity"]))
    forge(bundle, lambda ledgers: ledgers["yigu"][1].update(replacement=other))
    found = problems(bundle)
    assert (f"{line_of('yigu', 1)}: 替补人员应为 “{recusal['replacement']}”（后备名单中第一位不在该组、"
            f"未曾为该企业回避且与该企业无利害冲突的人员），记录为 “{other}”") in found
    # the published result names the recorded replacement's predecessor: not of the team as the ledger now says
    assert any(p.startswith("results.json: 第 1 项结果的检查人员 ") for p in found)


def test_a_recusal_of_someone_not_in_the_team_is_refused(bundle):
    yigu, recusal = read_ledger(bundle, "yigu")
    outsider = next(i for i in yigu["inspectors"]["eligible"] if i not in team_of(yigu, recusal["entity"]))
    forge(bundle, lambda ledgers: ledgers["yigu"][1].update(inspector=outsider))
    assert any(p.startswith(f"{line_of('yigu', 1)}: 回避的检查人员 “{outsider}” 不在企业 {recusal['entity']} "
                            "当前的检查组") for p in problems(bundle))


def test_a_failed_draw_that_could_have_been_made_is_caught(bundle):
    # one of the two declared conflicts taken out of the failed record: the draw would have gone through
    forge(bundle, lambda ledgers: ledgers["ergu"][0]["conflicts"].pop())
    assert f"{line_of('ergu', 0)}: 按记录重新计算，这次抽取本可以成立：不应记为失败" in problems(bundle)


def test_a_failed_draw_blaming_another_company_is_caught(bundle):
    other = stratum(read_ledger(bundle, "ergu")[0], "重点")["selected"][-1]
    assert other != KEY_COMPANY
    forge(bundle, lambda ledgers: ledgers["ergu"][0].update(entity=other))
    assert (f"{line_of('ergu', 0)}: 抽取失败的原因是单位 “{KEY_COMPANY}”，记录为 “{other}”"
            in problems(bundle))


def test_a_failed_draw_without_a_reason_is_caught(bundle):
    forge(bundle, lambda ledgers: ledgers["ergu"][0].update(reason="  "))
    assert problems(bundle) == [f"{line_of('ergu', 0)}: 失败的抽取必须写明原因（reason）"]


def test_a_failed_draw_turned_into_a_draw_is_caught(bundle):
    # the forger "completes" the failed attempt by giving every company to the first team
    def change(ledgers):
        failed = ledgers["ergu"][0]
        failed.update(type="draw", assignments=[0] * sum(len(s["selected"]) for s in failed["strata"]),
                      rotation_ignored=[])
        del failed["entity"], failed["reason"]

    forge(bundle, change)
    assert any(p.startswith(f"{line_of('ergu', 0)}: 单位 {KEY_COMPANY} 与所有检查组都有申报的利害关系")
               and p.endswith("：这次抽取本不应成立") for p in problems(bundle))


# ---------------------------------------------------------------------------------------------------
# The rest rule (第十六条)
# ---------------------------------------------------------------------------------------------------

def test_a_rest_citation_of_a_record_outside_the_rest_period_is_caught(bundle):
    # the draw cites one more record, the failed attempt ergu-0 (which inspected nobody), as if it had
    # inspected someone inside the rest period
    ergu = read_ledger(bundle, "ergu")[1]
    failed = read_ledger(bundle, "ergu")[0]

    def change(ledgers):
        record = ledgers["ergu"][1]
        record["rested"]["records"] = sorted([*record["rested"]["records"], failed["hash"]])

    assert failed["hash"] not in ergu["rested"]["records"]
    forge(bundle, change)
    found = [p for p in problems(bundle) if not p.startswith("results.json")]
    new = read_ledger(bundle, "ergu")[0]["hash"]
    assert found == [f"{line_of('ergu', 1)}: rested 引用的记录 {new[:12]}… 不是休息期（90 天）内有检查的记录（共 1 条多引）"]


def test_a_company_inspected_inside_the_rest_period_but_drawn_is_caught(bundle):
    # a company 二股 left out because another section had just inspected it, put back into its stratum where the
    # seed picks it, the count lowered and the draw redone with the algorithm: only the rest rule can tell
    ergu = read_ledger(bundle, "ergu")[1]
    zhihui = read_ledger(bundle, "zhihui")[0]
    home = {e: s["name"] for s in zhihui["strata"] for e in id_list(bundle, s["population"])} | {TARGETED: "风险C"}

    def picked(entity: str) -> bool:
        if home.get(entity) not in RESTING:
            return False
        target = stratum(ergu, home[entity])
        population = [*id_list(bundle, target["population"]), entity]
        k = kit.sample_size(len(population), target["ratio"])
        return entity in [t.id for t in kit.smallest(sorted(population), ergu["seed"], k)]

    cited = {r["hash"]: r for r in (zhihui, read_ledger(bundle, "zhifa")[0])}
    chosen = next(e for e in sorted(left_out(bundle, ergu, cited)) if picked(e))

    def change(ledgers):
        record = ledgers["ergu"][1]
        target = stratum(record, home[chosen])
        target["population"] = add_list(bundle, [*id_list(bundle, target["population"]), chosen])
        record["rested"]["count"] -= 1
        redraw(bundle, record)
        assert chosen in target["selected"]

    forge(bundle, change)
    found = [p for p in problems(bundle) if not p.startswith("results.json")]
    assert found == [f"{line_of('ergu', 1)}: 企业 {chosen} 在 90 天内已被检查过，本应按休息期排除（第十六条：防止检查过多）"]


def test_a_company_drawn_by_another_section_left_unmarked_is_caught(bundle):
    # zhihui-0 no longer cited and its companies back in the populations (each in its stratum), redrawn
    ergu = read_ledger(bundle, "ergu")[1]
    zhihui = read_ledger(bundle, "zhihui")[0]
    zhihui_strata = {e: s["name"] for s in zhihui["strata"] for e in id_list(bundle, s["population"])}
    back = sorted(e for e in left_out(bundle, ergu, {zhihui["hash"]: zhihui, read_ledger(bundle, "zhifa")[0]["hash"]: {}})
                  if zhihui_strata.get(e) in RESTING)

    def change(ledgers):
        record = ledgers["ergu"][1]
        for name in RESTING:
            target = stratum(record, name)
            moved = [e for e in back if zhihui_strata.get(e) == name]
            target["population"] = add_list(bundle, [*id_list(bundle, target["population"]), *moved])
        record["rested"] = {"records": [h for h in record["rested"]["records"] if h != zhihui["hash"]],
                            "count": max(0, record["rested"]["count"] - len(back))}
        redraw(bundle, record)

    assert back and all(zhihui_strata.get(e) in RESTING for e in back)
    forge(bundle, change)
    found = [p for p in problems(bundle) if not p.startswith("results.json")]
    assert len(found) == 2
    assert found[0] == (f"{line_of('ergu', 1)}: rested 漏引了 1 条休息期（90 天）内有检查的记录"
                        f"（如 {read_ledger(bundle, 'zhihui')[0]['hash'][:12]}…）：休息期规则（第十六条）没有按台账执行")
    assert found[1].startswith(f"{line_of('ergu', 1)}: 企业 ")
    assert found[1].endswith("在 90 天内已被检查过，本应按休息期排除（第十六条：防止检查过多）")


# ---------------------------------------------------------------------------------------------------
# Gaps closed (docs/ledger-format.md): what an announced or failed draw, a borrowed recusal, a record's time and
# date, an announcement and a void may say
# ---------------------------------------------------------------------------------------------------

def pairs(entries) -> list:
    """Conflict entries ``[{inspector, entity}]`` as ssj writes them: sorted, each once."""
    return [{"inspector": i, "entity": e} for i, e in sorted(set(entries))]


def announced_draw(bundle: Path) -> tuple:
    """sangu-3 (drawn on sangu-2): its first company, the member of its one team, and a reserve inspector."""
    sangu = read_ledger(bundle, "sangu")[3]
    assert len(sangu["inspectors"]["teams"]) == 1 and sangu["conflicts"] == []
    return assigned(sangu)[0]["entity"], sangu["inspectors"]["teams"][0][0], sangu["inspectors"]["reserve"][0]


def test_an_announced_draw_that_drops_an_announced_conflict_is_caught(bundle):
    # the announcement lists a conflict of the one team's member with a company the lottery then picks: the draw
    # cannot be made. A draw that leaves the conflict out (a subset of the announced ones was enough before) and
    # gives the company to that team anyway is re-derived from the announced conflicts, not from its own
    chosen, member, _ = announced_draw(bundle)

    def change(ledgers):
        note = ledgers["sangu"][2]
        note["conflicts"] = pairs([*((c["inspector"], c["entity"]) for c in note["conflicts"]), (member, chosen)])

    forge(bundle, change)
    assert problems(bundle) == [f"{line_of('sangu', 3)}: 单位 {chosen} 与所有检查组都有申报的利害关系，无法分配（第十七条），"
                                "请增加执法人员或调整组数：这次抽取本不应成立"]


def test_an_announced_draw_keeps_every_announced_conflict_of_its_companies(bundle):
    chosen, _, reserve = announced_draw(bundle)  # a reserve inspector: the assignment does not change

    def change(ledgers):
        note = ledgers["sangu"][2]
        note["conflicts"] = pairs([*((c["inspector"], c["entity"]) for c in note["conflicts"]), (reserve, chosen)])

    forge(bundle, change)
    assert problems(bundle) == [f"{line_of('sangu', 3)}: conflicts 应为公告所列利害关系中涉及被抽中企业的全部，记录与此不符"]


def test_an_announced_draw_recorded_as_failed_on_an_unannounced_conflict_is_caught(bundle):
    # the lottery's outcome disliked, the draw is recorded as failed (which leaves the item to be drawn again),
    # blaming a conflict the announcement never listed
    chosen, member, _ = announced_draw(bundle)

    def change(ledgers):
        record = ledgers["sangu"][3]
        record.update(type="failed", entity=chosen, reason=f"单位 {chosen} 与所有检查组都有申报的利害关系",
                      conflicts=pairs([(member, chosen)]))
        del record["assignments"], record["rotation_ignored"]

    forge(bundle, change)
    found = problems(bundle)
    assert f"{line_of('sangu', 3)}: 按记录重新计算，这次抽取本可以成立：不应记为失败" in found
    # and a failed draw is no inspection: 大队's later draw left sangu-3's companies out for nothing
    later = [p for p in found if p.startswith("ledger/zhifa")]
    assert later and all(p.startswith(f"{line_of('zhifa', 1)}: rested 引用的记录 ") and p.endswith("不是休息期（90 天）内有检查的记录（共 1 条多引）")
                         for p in later)


def test_a_failed_draw_whose_teams_were_rewritten_is_caught(bundle):
    # the teams of a failed attempt are what its seed gave: public evidence, re-derived like a draw's
    teams = read_ledger(bundle, "ergu")[0]["inspectors"]["teams"]
    forge(bundle, lambda ledgers: ledgers["ergu"][0]["inspectors"].update(teams=[teams[1], teams[0]]))
    assert problems(bundle) == [f"{line_of('ergu', 0)}: 检查组 0 应为 {kit.show_ids(teams[0])}，记录为 {kit.show(teams[1])}"]


def test_a_failed_draw_whose_selection_was_rewritten_is_caught(bundle):
    failed = read_ledger(bundle, "ergu")[0]
    risk = stratum(failed, "风险B")
    chosen = risk["selected"][0]
    other = next(e for e in id_list(bundle, risk["population"]) if e not in risk["selected"])
    forge(bundle, lambda ledgers: stratum(ledgers["ergu"][0], "风险B")["selected"].__setitem__(0, other))
    assert problems(bundle) == [f"{line_of('ergu', 0)}: {layer(bundle, '风险B')}：被抽中的企业：第 1 项应为 “{chosen}”，"
                                f"记录为 “{other}”"]


def test_a_failed_draw_blaming_a_conflict_outside_its_draw_is_caught(bundle):
    # a conflict with a company the seed did not pick, added to make the failure look better founded
    failed = read_ledger(bundle, "ergu")[0]
    risk = stratum(failed, "风险B")
    outsider = next(e for e in id_list(bundle, risk["population"]) if e not in risk["selected"])
    inspector = failed["inspectors"]["eligible"][0]

    def change(ledgers):
        record = ledgers["ergu"][0]
        record["conflicts"] = pairs([*((c["inspector"], c["entity"]) for c in record["conflicts"]), (inspector, outsider)])

    forge(bundle, change)
    assert problems(bundle) == [f"{line_of('ergu', 0)}: conflicts 应只列出符合条件的检查人员与被抽中企业之间申报的利害关系"]


def borrow(bundle: Path, pool: list, pool_conflicts: list | None = None, section: str = "zhifa") -> list:
    """yigu-1 rewritten as a recusal that borrowed its replacement from ``section`` out of ``pool`` (the replacement
    the rules give for that pool); every problem but the published result's (it names the old replacement)."""
    yigu = read_ledger(bundle, "yigu")[0]

    def change(ledgers):
        record = ledgers["yigu"][1]
        borrowed = {"section": section, "pool": pool, "conflicts": pool_conflicts or []}
        replacement = kit.replacement_for(yigu, record["entity"], record["inspector"], [], borrowed) if pool else None
        record.update(from_section=section, pool=pool, pool_conflicts=pool_conflicts or [],
                      replacement=replacement or record["replacement"])

    forge(bundle, change)
    return [p for p in problems(bundle) if not p.startswith("results.json")]


def lenders(bundle: Path) -> list:
    """大队's inspectors eligible on 2026-12-01, as its own draw that day lists them."""
    return read_ledger(bundle, "zhifa")[1]["inspectors"]["eligible"]


def test_a_recusal_borrowing_the_lending_sections_pool_passes(bundle):
    assert borrow(bundle, lenders(bundle)) == []


def test_a_borrowed_pool_holding_the_draws_own_inspector_is_caught(bundle):
    # the forger slips in one of the section's own people (under another section's name, ranked by another seed)
    own = read_ledger(bundle, "yigu")[0]["inspectors"]["reserve"][0]
    assert borrow(bundle, sorted([*lenders(bundle), own])) == [
        f"{line_of('yigu', 1)}: pool 中的 {own} 是本科室这次抽取的检查人员，不是从 zhifa 抽调的"]


def test_a_borrowed_pool_holding_a_third_sections_inspector_is_caught(bundle):
    other = read_ledger(bundle, "zhihui")[0]["inspectors"]["eligible"][0]
    assert borrow(bundle, sorted([*lenders(bundle), other])) == [
        f"{line_of('yigu', 1)}: pool 中的 {other} 在 2026-12-01 是 zhihui 的检查人员（见该科室当天的记录），不属于 zhifa"]


def test_a_borrowed_pools_conflicts_are_its_own_with_the_company(bundle):
    elsewhere = read_ledger(bundle, "zhihui")[0]["strata"][0]["selected"][0]
    assert borrow(bundle, lenders(bundle), pairs([(lenders(bundle)[0], elsewhere)])) == [
        f"{line_of('yigu', 1)}: pool_conflicts 只能列出 pool 中的人员与这家企业之间申报的利害关系"]


def test_an_empty_borrowed_pool_is_caught(bundle):
    assert borrow(bundle, []) == [f"{line_of('yigu', 1)}: 从其他科室抽调替补时，pool 应为该科室在抽取日符合条件的人员编号"
                                  "（非空、已排序、不重复）"]


def test_a_record_back_dated_before_the_one_written_before_it_is_caught(bundle):
    # the recusal (written at 22:10) dated before the draw it follows: along a chain time only moves on
    forge(bundle, lambda ledgers: ledgers["yigu"][1].update(at="2026-12-01T08:00:00+08:00"))
    assert off_page(bundle) == [f"{line_of('yigu', 1)}: 记录时间 2026-12-01T08:00:00+08:00 早于本台账此前记录的时间 "
                                "2026-12-01T09:00:00+08:00：台账的记录时间只能随写入顺序向后（记录被倒签或调换过）"]


def test_a_draw_dated_another_day_than_it_was_made_is_caught(bundle):
    forge(bundle, lambda ledgers: ledgers["zhihui"][0].update(date="2026-11-30"))
    assert off_page(bundle) == [f"{line_of('zhihui', 0)}: 抽取日期 2026-11-30 与记录时间 2026-12-01T09:00:00+08:00 "
                                "不是同一天：抽取只能当天进行，不得补录或倒签（第十五条）"]


def test_a_targeted_check_dated_another_day_is_caught(bundle):
    forge(bundle, lambda ledgers: ledgers["zhifa"][0].update(date="2026-11-28"))
    assert problems(bundle) == [f"{line_of('zhifa', 0)}: 非随机检查的日期 2026-11-28 与记录时间 2026-12-01T09:00:00+08:00 "
                                "不是同一天：不得补录或提前记录（第十五条）"]


def test_an_announced_draw_before_its_announced_date_is_caught(bundle):
    def change(ledgers):
        for record in ledgers["sangu"][2:]:
            record["date"] = "2026-12-02"  # the announcement names tomorrow; the draw is made today, after the lottery

    forge(bundle, change)
    assert (f"{line_of('sangu', 3)}: 抽取时间 2026-12-01T22:00:00+08:00 早于公告的抽取日期 2026-12-02：不能提前按公告抽取"
            in problems(bundle))


def test_an_announcement_whose_lottery_is_more_than_30_days_after_its_date_is_caught(bundle):
    forge(bundle, lambda ledgers: ledgers["sangu"][2].update(not_before="2027-01-05T21:30:00+08:00"))
    assert (f"{line_of('sangu', 2)}: 开奖时间 2027-01-05T21:30:00+08:00 比抽取日期 2026-12-01 晚 30 天以上："
            "公告的抽取到那时已失效") in problems(bundle)


def test_an_announcement_of_a_draw_day_already_past_is_caught(bundle):
    def change(ledgers):
        for record in ledgers["sangu"][2:]:
            record["date"] = "2026-11-30"

    forge(bundle, change)
    assert (f"{line_of('sangu', 2)}: 公告的抽取日期 2026-11-30 早于公告当天（2026-12-01）：公告只能确定将来的抽取"
            in problems(bundle))


@pytest.mark.parametrize(("source", "message"), [
    ({"game": "彩票", "period": "2026139"}, "无效：不认识的开奖来源“彩票”"),
    ({"game": "双色球", "period": "2026000"}, "无效：期号“2026000”无效"),
    ({"game": "福彩双色球", "period": "2026139"}, "不是规范写法（应为 {\"game\":\"双色球\",\"period\":\"2026139\"}）"),
], ids=["unknown-game", "period-000", "alias"])
def test_an_announced_source_that_is_no_valid_lottery_is_caught(bundle, source, message):
    forge(bundle, lambda ledgers: ledgers["sangu"][2].update(sources=[source]))
    assert any(p.startswith(f"{line_of('sangu', 2)}: 开奖来源 {kit.show(source)} {message}") for p in problems(bundle))


def test_an_announcement_naming_one_lottery_twice_is_caught(bundle):
    twice = [{"game": "双色球", "period": "2026139"}] * 2
    forge(bundle, lambda ledgers: ledgers["sangu"][2].update(sources=twice))
    assert f"{line_of('sangu', 2)}: 同一期开奖结果在 sources 中出现了两次：每个来源应是不同的一期" in problems(bundle)


def test_a_second_pending_announcement_of_one_plan_item_is_caught(bundle):
    # the draw on sangu-2 rewritten into a second announcement of the same item, while sangu-2 still waits
    def change(ledgers):
        note, record = ledgers["sangu"][2], ledgers["sangu"][3]
        kept = {key: record[key] for key in ("format", "seq", "prev", "hash", "at", "operator", "heads")}
        record.clear()
        record.update({**note, **kept, "sources": [{"game": "双色球", "period": "2026140"}],
                       "not_before": "2026-12-02T21:30:00+08:00"})

    forge(bundle, change)
    assert (f"{line_of('sangu', 3)}: 计划事项 “2026-sangu-01” 已有一条待抽取的公告 sangu-2：同一事项同时只能有一条待抽取的公告"
            "（先按它抽取或作废它）") in problems(bundle)


def test_a_void_of_a_draw_with_published_results_is_caught(later, tmp_path):
    # 三股's announced draw, voided in the later bundle, made to look published in the first bundle's publish record
    folder = copy_later(later, tmp_path)
    drawn = read_ledger(folder, "sangu")[3]
    at = next(n for n, record in enumerate(read_ledger(folder, "bureau")) if record["type"] == "publish")

    def change(ledgers):
        ledgers["bureau"][at]["published"].append({"draw": drawn["hash"], "entity": assigned(drawn)[0]["entity"]})

    forge(folder, change)
    assert problems(folder) == [f"{line_of('sangu', 4)}: sangu-3 的抽取已有检查结果在 bureau-{at} 公开，不能再作废"]


@pytest.fixture(scope="module")
def redone(scenario: dict, later: Path, tmp_path_factory: pytest.TempPathFactory, frozen_clock) -> Path:
    """The ledger folder of a copy of the repository after ``later`` (三股's announced draw void), where a modified
    ``ssj announce`` (its check :meth:`Index.spent_announcement` switched off, as a cheater would) lets the bureau
    announce again what it threw away after the numbers were out (the real ``ssj announce`` refuses, see
    tests/draw/test_draw_command.py; ``ssj publish`` refuses, the verification fails):

    - sangu-5: 三股 announces its plan item again after voiding the draw made on the lottery (sangu-4);
    - ergu-2, ergu-3, ergu-4: 二股 announces, voids the announcement in the morning, before its lottery, and
      announces again (no problem: nothing was known when it was voided);
    - yigu-2, yigu-3, yigu-4: 一股 announces, voids the announcement in the evening, after its numbers came out,
      and announces again.
    """
    root = tmp_path_factory.mktemp("redone") / "汝州"
    shutil.copytree(scenario["root"], root, symlinks=True, ignore=shutil.ignore_patterns(".ssj"))
    day = PUBLISHED
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Index, "spent_announcement", lambda *_: None)
        _redo(root, day, frozen_clock)
    return root / "data/ledger"


def _redo(root: Path, day: str, frozen_clock) -> None:
    try:
        frozen_clock.set(day)
        _ok(root, "announce", "--section", "三股", "--date", day, "--source", "双色球:2026147", "--not-before", f"{day}T21:30")
        _ok(root, "announce", "--section", "二股", "--date", day, "--source", "双色球:2026147", "--not-before", f"{day}T21:30")
        _ok(root, "announce", "--section", "一股", "--date", day, "--source", "双色球:2026147", "--not-before", f"{day}T21:30")
        frozen_clock.set(f"{day}T10:00")
        _ok(root, "void", "二股-2", "--reason", "名单有误")
        _ok(root, "announce", "--section", "二股", "--date", day, "--source", "双色球:2026148", "--not-before", "2026-12-22T21:30")
        frozen_clock.set(f"{day}T22:00")
        _ok(root, "void", "一股-2", "--reason", "名单有误")
        _ok(root, "announce", "--section", "一股", "--date", day, "--source", "双色球:2026148", "--not-before", "2026-12-22T21:30")
    finally:
        frozen_clock.set("2026-12-01")


def ledger_problems(folder: Path) -> list:
    """Every problem verify.py --json reports on a bare ledger folder (paths relative to it)."""
    result = subprocess.run([sys.executable, "-I", str(KIT_FILE), str(folder), "--json"], capture_output=True,
                            text=True, encoding="utf-8", timeout=120)
    return [f"{p['path']}:{p['line']}: {p['message']}" for p in json.loads(result.stdout)["problems"]]


def test_an_announcement_after_the_item_was_thrown_away_past_its_lottery_is_caught(redone):
    # SPEC §4: one announcement gives at most one draw. Voiding it (or the draw made on it) once its numbers are
    # out and announcing again would let the bureau pick among several lottery results: refused for the item
    def types(name: str, first: int) -> list:
        return [json.loads(line)["type"] for line in (redone / name / "2026.jsonl").read_text(encoding="utf-8").splitlines()[first:]]

    assert types("sangu", 3) == ["draw", "void", "announce"]
    assert types("yigu", 2) == ["announce", "void", "announce"]
    words = "在开奖号码公布之后被作废，不能再为这一事项发新公告：否则看到号码后作废重来，就能在几组开奖号码中挑选抽取结果"
    assert ledger_problems(redone) == [f"sangu/2026.jsonl:6: 计划事项 “2026-sangu-01” 的 sangu-3 {words}",
                                       f"yigu/2026.jsonl:5: 计划事项 “2026-yigu-01” 的 yigu-2 {words}"]
    # 二股 voided its announcement before the lottery: its new one is fine
    assert types("ergu", 2) == ["announce", "void", "announce"]


@pytest.fixture(scope="module")
def rotated(scenario: dict, later: Path, tmp_path_factory: pytest.TempPathFactory, frozen_clock) -> Path:
    """A bundle of a copy of the repository after ``later`` where 二股 draws again on 2026-12-20 (ergu-2): its 重点
    company was inspected on 2026-12-01 by a team that has members in the new teams, so ``recent`` is not empty."""
    root = tmp_path_factory.mktemp("rotated") / "汝州"
    shutil.copytree(scenario["root"], root, symlinks=True, ignore=shutil.ignore_patterns(".ssj"))
    folder = root.parent / "轮换公示包"
    try:
        frozen_clock.set(PUBLISHED)
        _ok(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "2")
        _ok(root, "publish", "--out", str(folder))
    finally:
        frozen_clock.set("2026-12-01")
    return folder


def test_rotation_citing_the_wrong_record_is_caught(rotated, tmp_path):
    # ergu-2 cites zhihui-0 instead of ergu-1, the draw whose teams saw its companies: both ways are named
    folder = tmp_path / "轮换公示包"
    shutil.copytree(rotated, folder)
    assert problems(folder) == []
    earlier, ergu = read_ledger(folder, "ergu")[1:3]
    zhihui = read_ledger(folder, "zhihui")[0]
    assert ergu["recent"]["records"] == [earlier["hash"]] and ergu["recent"]["count"] > 0

    def change(ledgers):
        ledgers["ergu"][2]["recent"]["records"] = [zhihui["hash"]]

    forge(folder, change)
    new_earlier, new_zhihui = read_ledger(folder, "ergu")[1]["hash"], read_ledger(folder, "zhihui")[0]["hash"]
    assert problems(folder) == [
        f"{line_of('ergu', 2)}: recent 漏引了 1 条一年内检查组成员检查过被抽中企业的记录（如 {new_earlier[:12]}…）："
        "轮换规则（第十七条）没有按台账执行",
        f"{line_of('ergu', 2)}: recent 引用的记录 {new_zhihui[:12]}… 不是一年内检查组成员检查过被抽中企业的记录（共 1 条多引）"]


def test_rotation_left_out_is_caught_even_when_the_draw_is_redone_without_it(rotated, tmp_path):
    # the forger drops the rotation evidence and redoes the assignment with the algorithm as if nobody had seen
    # the companies: the log shows who did, so both the evidence and the teams are wrong
    folder = tmp_path / "轮换公示包"
    shutil.copytree(rotated, folder)
    ergu = read_ledger(folder, "ergu")[2]
    assert ergu["rotation_ignored"] == [] or ergu["recent"]["count"]

    def change(ledgers):
        record = ledgers["ergu"][2]
        record["recent"] = {"records": [], "count": 0}
        redraw(folder, record)

    forge(folder, change)
    found = problems(folder)
    assert found[0].startswith(f"{line_of('ergu', 2)}: recent 漏引了 1 条一年内检查组成员检查过被抽中企业的记录")
    assert found[1] == f"{line_of('ergu', 2)}: recent.count 应为 {ergu['recent']['count']}（检查组成员与被抽中企业之间一年内的检查关系数），记录为 0"
    assert any("分组（assignments）" in p for p in found[2:])


def test_an_inflated_rotation_count_is_caught(rotated, tmp_path):
    folder = tmp_path / "轮换公示包"
    shutil.copytree(rotated, folder)
    count = read_ledger(folder, "ergu")[2]["recent"]["count"]
    forge(folder, lambda ledgers: ledgers["ergu"][2]["recent"].update(count=count + 1))
    assert problems(folder) == [f"{line_of('ergu', 2)}: recent.count 应为 {count}（检查组成员与被抽中企业之间一年内的检查关系数），"
                                f"记录为 {count + 1}"]


# ---------------------------------------------------------------------------------------------------
# Published results and their tables
# ---------------------------------------------------------------------------------------------------

def results_json(folder: Path) -> dict:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


def test_a_result_of_a_dirty_draw_is_flagged(bundle):
    forge(bundle, lambda ledgers: ledgers["ergu"][1].update(dirty=True))
    assert problems(bundle) == ["results.json: 第 3 项结果所依据的抽取基于未提交的数据（--allow-dirty），不能作为公示结果"]


def test_a_result_of_a_voided_draw_is_flagged(bundle):
    data = results_json(bundle)
    data["results"][2]["draw_hash"] = read_ledger(bundle, "sangu")[0]["hash"]
    (bundle / "results.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    reseal_manifest(bundle)
    found = problems(bundle)
    assert "results.json: 第 3 项结果（“{}”）所依据的抽取已作废".format(data["results"][2]["entity_id"]) in found
    assert "results.json: 第 3 项结果的单位 “{}” 不在所依据的抽取结果中".format(data["results"][2]["entity_id"]) in found


def test_a_result_naming_an_inspector_outside_the_team_is_flagged(bundle, scenario):
    data = results_json(bundle)
    # the first result is the recused company's: its team after the recusal; the recused inspector put back
    data["results"][0]["inspectors"][0]["id"] = scenario["recused"]
    (bundle / "results.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    reseal_manifest(bundle)
    [problem] = problems(bundle)
    assert problem.startswith(f"results.json: 第 1 项结果的检查人员 {kit.show_ids([scenario['recused']])} 不是抽中的检查组成员")


def test_a_company_renamed_in_the_csv_is_caught(bundle):
    name = results_json(bundle)["results"][0]["entity_name"]
    path = bundle / "results.csv"
    path.write_bytes(path.read_bytes().replace(name.encode(), "汝州市另一家石料厂".encode(), 1))
    reseal_manifest(bundle)
    assert problems(bundle) == [f"results.csv: 第 1 行“单位名称”一栏与 results.json 不符：应为 “{name}”，实为 “汝州市另一家石料厂”"]


def test_a_row_dropped_from_the_csv_is_caught(bundle):
    path = bundle / "results.csv"
    path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:-1]))
    reseal_manifest(bundle)
    assert problems(bundle) == ["results.csv: 应有 3 行结果，实有 2 行"]


def test_a_changed_result_in_the_xlsx_is_caught(bundle):
    from openpyxl import load_workbook

    result = results_json(bundle)["results"][1]
    book = load_workbook(bundle / "results.xlsx")
    sheet = book.active
    column = [c.value for c in sheet[1]].index("检查结果") + 1
    assert sheet.cell(3, column).value == result["result"]
    sheet.cell(3, column).value = "未发现问题"
    book.save(bundle / "results.xlsx")
    reseal_manifest(bundle)
    assert problems(bundle) == [f"results.xlsx: 第 2 行“检查结果”一栏与 results.json 不符：应为 “{result['result']}”，实为 “未发现问题”"]


def test_a_changed_result_on_the_page_is_caught(bundle):
    result = results_json(bundle)["results"][2]
    path = bundle / "index.html"
    text = path.read_text(encoding="utf-8")
    assert text.count(result["findings"]) == 1
    path.write_text(text.replace(result["findings"], "现场未发现问题"), encoding="utf-8")
    reseal_manifest(bundle)
    [problem] = problems(bundle)
    assert problem.startswith("index.html: 第 3 行“检查情况”一栏与 results.json 不符：")
    assert f"应为 “{result['findings']}”" in problem and "实为 “现场未发现问题”" in problem


def test_a_missing_table_is_caught(bundle):
    (bundle / "results.xlsx").unlink()
    reseal_manifest(bundle)
    assert problems(bundle) == ["results.xlsx: 缺少此文件"]


# ---------------------------------------------------------------------------------------------------
# Odd files: symlinks, __pycache__, files outside the manifest, deeply nested JSON
# ---------------------------------------------------------------------------------------------------

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="symlinks")


@needs_symlinks
def test_a_symlinked_list_file_is_refused(bundle, tmp_path):
    digest = shared_list(bundle)
    rel = f"ledger/lists/{digest}.json"
    outside = tmp_path / "别处.json"
    shutil.move(bundle / rel, outside)  # the same bytes, elsewhere
    os.symlink(outside, bundle / rel)
    found = problems(bundle)
    assert f"{rel}: 是符号链接：公示包只能含普通文件，不予读取" in found
    assert f"{line_of('ergu', 1)}: {layer(bundle, '风险C')}：名单文件 {digest}.json 是符号链接，不予读取" in found


@needs_symlinks
def test_a_symlinked_ledger_folder_is_refused(bundle, tmp_path):
    shutil.move(bundle / "ledger/zhifa", tmp_path / "zhifa")
    os.symlink(tmp_path / "zhifa", bundle / "ledger/zhifa", target_is_directory=True)
    found = problems(bundle)
    assert "ledger/zhifa: 是符号链接：公示包只能含普通文件，不予读取" in found


@needs_symlinks
def test_a_symlinked_table_is_refused(bundle, tmp_path):
    shutil.move(bundle / "results.csv", tmp_path / "results.csv")
    os.symlink(tmp_path / "results.csv", bundle / "results.csv")
    assert "results.csv: 是符号链接：公示包只能含普通文件，不予读取" in problems(bundle)


def test_a_pycache_folder_is_refused(bundle):
    # a compiled module beside verify.py would run instead of it for "python -m verify": never part of a bundle
    cache = bundle / "__pycache__"
    cache.mkdir()
    (cache / f"verify.cpython-{sys.version_info[0]}{sys.version_info[1]}.pyc").write_bytes(b"\x00" * 16)
    name = f"__pycache__/verify.cpython-{sys.version_info[0]}{sys.version_info[1]}.pyc"
    assert f"{name}: 文件不在清单（manifest.json）里" in refused(bundle)


def test_a_pycache_folder_listed_in_the_manifest_is_refused(bundle):
    # listed in the manifest by the forger, it would still run instead of verify.py for `python -m verify`
    cache = bundle / "__pycache__"
    cache.mkdir()
    (cache / "verify.cpython-38.pyc").write_bytes(b"\x00" * 16)
    reseal_manifest(bundle)
    assert problems(bundle) == [f"__pycache__/verify.cpython-38.pyc: {kit.ODD_FILE}"]


@pytest.mark.parametrize("rel", ["json.py", "verify.pyc", ".hidden.json", "sub/results.json", "ledger/ergu/备注.txt",
                                 "ledger/lists/.abc.json.tmp", "公示包.zip", "sitecustomize.py"])
def test_files_outside_the_plain_layout_are_refused_even_when_listed(bundle, rel):
    # a json.py beside verify.py would replace the standard library's json for `python verify.py`
    (bundle / rel).parent.mkdir(parents=True, exist_ok=True)
    (bundle / rel).write_bytes(b"[]")
    reseal_manifest(bundle)
    assert f"{rel}: {kit.ODD_FILE}" in problems(bundle)


def test_top_level_tables_and_pages_of_other_names_are_plain_files(bundle):
    # the bundle may grow (the platform's own layout, SPEC §9): new top-level tables are no odd files
    (bundle / "platform.csv").write_bytes("检查实施机关\r\n".encode())
    reseal_manifest(bundle)
    assert problems(bundle) == []


def test_verifying_does_not_write_into_the_bundle(bundle):
    before = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*"))
    assert verify(bundle).code == 0
    assert verify(bundle, "--json", "--previous", str(bundle)).code == 0
    assert sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*")) == before


def deep(depth: int = 100_000) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def test_a_deeply_nested_ledger_line_gives_a_clean_message(bundle):
    # not the last line (that one is also read for the ledger's tip): a record slipped in before the recusal
    lines = lines_of(bundle, "yigu")
    write_lines(bundle, "yigu", [lines[0], deep() + b"\n", lines[1]])
    reseal_manifest(bundle)
    out = refused(bundle)
    assert f"{line_of('yigu', 1)}: 无法解析：嵌套层数过多" in out


def test_a_deeply_nested_list_file_is_named(bundle):
    digest = hashlib.sha256(deep()).hexdigest()
    (bundle / f"ledger/lists/{digest}.json").write_bytes(deep())
    forge(bundle, lambda ledgers: stratum(ledgers["ergu"][1], "风险C").update(population=digest))
    entity = results_json(bundle)["results"][2]["entity_id"]  # ergu-1's published result: its draw is unverifiable now
    assert problems(bundle) == [f"{line_of('ergu', 1)}: {layer(bundle, '风险C')}：名单文件 {digest}.json 不是有效的 JSON",
                                f"results.json: 第 3 项结果（“{entity}”）所依据的抽取无法从记录复核，其检查组无从核对"]


def nest(bundle: Path, rel: str) -> None:
    """Put deeply nested JSON into ``rel`` (a ledger gets it as a new last line), the manifest redone."""
    if rel.endswith(".jsonl"):
        with (bundle / rel).open("ab") as handle:
            handle.write(deep() + b"\n")
    else:
        (bundle / rel).write_bytes(deep())
    if rel != "manifest.json":
        reseal_manifest(bundle)


NESTED = ["results.json", "heads.json", "manifest.json", "ledger/yigu/2026.jsonl"]


@pytest.mark.parametrize(("rel", "named"), [
    ("results.json", "results.json: 无法读取检查结果（嵌套层数过多）"), ("heads.json", "heads.json: 无法读取 heads.json"),
    ("manifest.json", "manifest.json: 无法读取文件清单（嵌套层数过多）"),
    ("ledger/yigu/2026.jsonl", "ledger/yigu/2026.jsonl:3: 无法解析：嵌套层数过多"),
], ids=NESTED)
def test_deeply_nested_json_is_named_like_any_other_problem(bundle, rel, named):
    # one place (the strict JSON reader of core/chain.py) turns the parser's RecursionError into the ValueError
    # every handler already catches: the file is named, and every other check still runs and reports
    nest(bundle, rel)
    assert named in problems(bundle)
    result = verify(bundle)
    assert result.code == 1 and result.err == "", result
    assert "Traceback" not in result.out
    assert "台账 ergu：2 条记录（随机抽取 1、抽取未成 1）" in result.out.splitlines()


# ---------------------------------------------------------------------------------------------------
# --previous: a later bundle holds every record of an earlier one, unchanged
# ---------------------------------------------------------------------------------------------------

def copy_later(later: Path, where: Path) -> Path:
    folder = where / "下月公示包"
    shutil.copytree(later, folder)
    return folder


def test_a_later_bundle_extends_the_earlier_one(scenario, later):
    assert read_ledger(later, "sangu")[-1]["type"] == "void"
    for previous in (scenario["folder"], scenario["folder"] / "heads.json"):
        result = verify(later, "--previous", str(previous))
        assert result.code == 0, result
        assert "--previous：已核对旧材料中的 6 本台账" in result.out


def test_previous_accepts_the_printed_heads(scenario, later, tmp_path):
    heads = json.loads((scenario["folder"] / "heads.json").read_text(encoding="utf-8"))
    text = "\n".join(f"{name} {head['seq']} {head['hash']}" for name, head in heads.items())
    (tmp_path / "末条记录.txt").write_text("本局台账末条记录（公示栏）：\n" + text + "\n", encoding="utf-8")
    assert verify(later, "--previous", str(tmp_path / "末条记录.txt")).code == 0


def test_previous_detects_a_record_that_disappeared(scenario, later, tmp_path):
    # 大队's draw (zhifa-1, no result rests on it) cut from the later bundle and every trace covered: the pins of
    # the records written after it moved back to zhifa-0, those records re-chained, heads.json and the manifest
    # redone. On its own the bundle verifies; against the earlier one it does not.
    folder = copy_later(later, tmp_path)
    assert read_ledger(folder, "zhifa")[-1]["type"] == "draw"

    def cut(ledgers):
        ledgers["zhifa"][-1] = None

    forge(folder, cut)
    assert len(read_ledger(folder, "zhifa")) == 1
    assert off_page(folder) == []
    found = off_page(folder, "--previous", str(scenario["folder"]))
    assert "ledger/zhifa: 新台账没有原样包含旧材料中的记录：第一条不同的记录是 zhifa-1（记录被删除或改写过）" in found
    found = problems(folder, "--previous", str(scenario["folder"] / "heads.json"))
    assert "ledger/zhifa: 新台账没有原样包含旧材料中的记录：旧材料的末条记录 zhifa-1 在新台账中不存在（记录被删除或改写过）" in found


def test_previous_detects_a_record_cut_even_when_later_records_still_pin_it(scenario, later, tmp_path):
    # the blunt version: the recusal cut from the later bundle, heads.json and the manifest redone
    folder = copy_later(later, tmp_path)
    write_lines(folder, "yigu", lines_of(folder, "yigu")[:1])
    reseal_heads(folder)
    reseal_manifest(folder)
    found = problems(folder)
    assert any(p.startswith("ledger/sangu/2026.jsonl:5: heads 中 yigu 为 yigu-1（") for p in found)  # the void pins it
    assert "ledger/yigu: 新台账没有原样包含旧材料中的记录：第一条不同的记录是 yigu-1（记录被删除或改写过）" in problems(
        folder, "--previous", str(scenario["folder"]))


def test_previous_detects_a_record_that_changed(scenario, later, tmp_path):
    # a void's reason rewritten in the later bundle, everything after it re-chained: a consistent forgery
    folder = copy_later(later, tmp_path)
    forge(folder, lambda ledgers: ledgers["sangu"][1].update(reason="改写过的作废原因"))
    assert verify(folder).code == 0
    found = problems(folder, "--previous", str(scenario["folder"]))
    assert "ledger/sangu: 新台账没有原样包含旧材料中的记录：第一条不同的记录是 sangu-1（记录被删除或改写过）" in found
    # every ledger written after the change is named too: their heads pins changed with it
    assert all(p.startswith("ledger/") for p in found)
    found = problems(folder, "--previous", str(scenario["folder"] / "heads.json"))
    assert "ledger/sangu: 新台账没有原样包含旧材料中的记录：旧材料的末条记录 sangu-3 在新台账中不同（记录被删除或改写过）" in found


def test_previous_that_cannot_be_read_is_a_problem(later, tmp_path):
    (tmp_path / "空.txt").write_text("没有末条记录\n", encoding="utf-8")
    assert problems(later, "--previous", str(tmp_path / "空.txt")) == [
        "--previous: 无法读取旧材料的末条记录（没有找到“台账 序号 哈希”形式的末条记录）"]


# ---------------------------------------------------------------------------------------------------
# A folder that is no bundle
# ---------------------------------------------------------------------------------------------------

def test_an_empty_folder_fails(tmp_path, capsys):
    assert kit.main([str(tmp_path)]) == 1
    assert "这个文件夹里没有台账（应有 ledger/<科室>/<年份>.jsonl）" in capsys.readouterr().out


def test_a_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert kit.main([str(tmp_path / "没有")]) == 2
    assert "找不到文件夹" in capsys.readouterr().err


def test_a_bare_ledger_folder_verifies(scenario, capsys):
    assert kit.main([str(scenario["root"] / "data/ledger")]) == 0
    out = capsys.readouterr().out
    assert "manifest.json" not in out and "核验通过" in out


def test_a_format_1_ledger_file_is_named(bundle):
    (bundle / "ledger/ergu.jsonl").write_bytes(lines_of(bundle, "zhifa")[0])
    reseal_manifest(bundle)
    assert problems(bundle) == ["ledger/ergu.jsonl: 旧格式（格式 1）的台账：格式 2 的台账是 <科室>/<年份>.jsonl，"
                                "这个文件中的记录不会被当作台账核验"]


def test_a_void_left_off_the_pages_list_of_records_is_caught(bundle):
    # the reviewer's attack: the void row cut from 台账全部记录 and the manifest recomputed; the ledger still has it
    page = bundle / "index.html"
    text = page.read_text(encoding="utf-8")
    table = text[text.index('id="records"'):]
    row = re.search(r"<tr><td data-label=\"编号\">([^<]*)</td><td data-label=\"时间\">([^<]*)</td>"
                    r"<td data-label=\"类型\">作废</td>.*?</tr>", table)
    assert row is not None
    page.write_text(text.replace(row.group(0), "", 1), encoding="utf-8")
    reseal_manifest(bundle)
    seq = row.group(1).rsplit("-", 1)[-1]
    assert f"index.html: 网页的“台账全部记录”缺少第 {seq} 条“作废”记录（{row.group(2)}）：台账中的记录都应在网页上" in problems(bundle)
