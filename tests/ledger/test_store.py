"""The ledger on disk (SPEC §5, format 2): records sealed and appended one whole line at a time to
``data/ledger/<ledger>/<year>.jsonl``, content-addressed list files, torn lines and their repair, the year split,
format 1 refused, the index in ``.ssj/index.sqlite`` rebuilt whenever it is missing or stale, tampering found by
file and line, and several processes drawing at the same time."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rfc8785

from shuangsuiji.cli import main
from shuangsuiji.core.chain import read_ledger
from shuangsuiji.errors import LedgerError, RuleError, SsjError
from shuangsuiji.ledger import store
from shuangsuiji.ledger.writing import Draft, GitState, write
from shuangsuiji.publish.verifier import verify as kit
from shuangsuiji.workspace import Workspace, list_file
from tests.helpers import copy_example, git, ledger_records, snapshot, team_of

ERGU = "data/ledger/ergu/2026.jsonl"
ZERO = "0" * 64
DAY = ("--date", "2026-12-01")
AGAIN = ("--again", "--reason", "测试：同一天再次抽取")
OUTSIDE_GIT = "核验通过：哈希链、重算抽取与回避（不在 git 仓库中，未核验历史）。"
TORN = "最后一行不完整（没有换行符，写入可能被中断）；可用 ssj ledger repair 去掉这一残行"
FORMAT_1 = ("data/ledger/ergu.jsonl 是旧格式（格式 1）的台账：本版 ssj 只读格式 2（data/ledger/<科室>/<年份>.jsonl，"
            "见 docs/ledger-format.md）。格式 1 没有被任何单位正式使用过，不提供转换：请用本版 ssj 重新建立台账")
#: ssj's main with the clock frozen on 2026-12-01, for tests that need real separate processes.
FROZEN_MAIN = (
    "import sys, datetime as dt, zoneinfo, shuangsuiji.clock as c;"
    "c.local_now = lambda timezone='Asia/Shanghai': dt.datetime(2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo(timezone));"
    "from shuangsuiji.cli import main; sys.exit(main(sys.argv[1:]))"
)
NOT_IN_GIT = GitState(False, None, [])


def note(text: str, at: str = "2026-12-01T09:30:00+08:00", **extra) -> dict:
    return {"type": "void", "at": at, "operator": "张三", "heads": {}, "draw": "a" * 64, "reason": text, **extra}


def chain_problems(ws: Workspace, ledger: str) -> list:
    problems: list = []
    list(read_ledger(ledger, store.year_files(ws)[ledger], problems))
    return problems


# ---------------------------------------------------------------------------------------------------
# seal, append, read, list files
# ---------------------------------------------------------------------------------------------------

def test_seal_gives_format_seq_prev_and_hash():
    first = store.seal(note("一"), 0, None)
    assert (first["format"], first["seq"], first["prev"]) == (2, 0, ZERO)
    assert first["hash"] == kit.record_hash(first) == hashlib.sha256(rfc8785.dumps(
        {k: v for k, v in first.items() if k != "hash"})).hexdigest()
    second = store.seal({**note("二"), "hash": "stale", "seq": 9, "format": 1}, 1, first["hash"])
    assert (second["format"], second["seq"], second["prev"]) == (2, 1, first["hash"])
    assert second["hash"] == kit.record_hash(second) != "stale"


def test_append_line_writes_one_canonical_line_to_the_year_file_of_its_at(tmp_path):
    ws = Workspace(tmp_path)
    a = store.seal(note("一", remark="中文“引号”\n换行"), 0, None)
    b = store.seal(note("二", at="2027-01-04T09:00:00+08:00"), 1, a["hash"])
    assert store.append_line(ws, "ergu", a) == ERGU
    assert store.append_line(ws, "ergu", b) == "data/ledger/ergu/2027.jsonl"
    raw = (tmp_path / ERGU).read_bytes()
    assert raw == rfc8785.dumps(a) + b"\n" == kit.canonical(a) + b"\n"
    assert "中文“引号”\\n换行".encode() in raw  # Chinese as is, only the control character escaped
    assert (tmp_path / "data/ledger/ergu/2027.jsonl").read_bytes() == kit.canonical(b) + b"\n"
    assert store.year_files(ws) == {"ergu": [(2026, str(tmp_path / ERGU)),
                                             (2027, str(tmp_path / "data/ledger/ergu/2027.jsonl"))]}
    assert store.read_all(ws, "ergu") == [a, b] and store.read_all(ws, "sangu") == []
    assert chain_problems(ws, "ergu") == []  # one chain across the year files


def test_read_all_names_the_broken_line(tmp_path):
    ws = Workspace(tmp_path)
    a = store.seal(note("一"), 0, None)
    store.append_line(ws, "ergu", a)
    store.append_line(ws, "ergu", store.seal(note("二"), 1, "e" * 64))
    with pytest.raises(LedgerError) as info:
        store.read_all(ws, "ergu")
    assert info.value.message.startswith(f"{ERGU}:2: prev 与上一条记录的 hash 不符（前面的记录被删除、插入、调换或改动过）——台账已损坏")
    assert "ssj verify-ledger" in info.value.message


def test_list_files_are_content_addressed_and_equal_lists_are_one_file(tmp_path):
    ws = Workspace(tmp_path)
    data = rfc8785.dumps(["9141", "a", "b"])
    digest = hashlib.sha256(data).hexdigest()
    written = store.write_lists(ws, [["b", "a", "9141", "a"], ["9141", "b", "a"], ["c"]])
    assert written == [list_file(digest), list_file(hashlib.sha256(b'["c"]').hexdigest())]
    assert written[0] == f"data/ledger/lists/{digest}.json" and (tmp_path / written[0]).read_bytes() == data
    assert store.write_lists(ws, [["a", "b", "9141"]]) == []  # there already: never written again
    assert sorted(p.name for p in (tmp_path / "data/ledger/lists").iterdir()) == sorted(Path(w).name for w in written)


def test_write_appends_the_record_and_its_lists_and_pins_the_other_heads(tmp_path):
    ws = Workspace(tmp_path)
    bureau = write(ws, "bureau", lambda index: note("批"), lambda r: "", NOT_IN_GIT)
    ids = ["91410482MA0000000X", "914104826992660477"]
    written = write(ws, "ergu", lambda index: Draft(note("一", population=store.list_digest(ids)), [ids]),
                    lambda r: "", NOT_IN_GIT, label=lambda r: f"二股-{r['seq']}")
    record = written.record
    assert (written.path, written.commit, written.commit_error, written.label) == (tmp_path / ERGU, None, None, "二股-0")
    assert record["heads"] == {"bureau": {"seq": 0, "hash": bureau.record["hash"]}}  # never its own ledger
    assert (record["seq"], record["prev"]) == (0, ZERO)
    assert (tmp_path / ERGU).read_bytes() == kit.canonical(record) + b"\n"
    assert (tmp_path / list_file(store.list_digest(ids))).read_bytes() == rfc8785.dumps(sorted(ids))
    again = write(ws, "ergu", lambda index: note("二"), lambda r: "", NOT_IN_GIT).record
    assert (again["seq"], again["prev"]) == (1, record["hash"])


def test_a_refusing_build_writes_nothing(tmp_path):
    ws = Workspace(tmp_path)
    write(ws, "ergu", lambda index: note("一"), lambda r: "", NOT_IN_GIT)
    before = (tmp_path / ERGU).read_bytes()

    def refuse(index):
        raise RuleError("不行")

    with pytest.raises(RuleError):
        write(ws, "ergu", refuse, lambda r: "", NOT_IN_GIT)
    assert (tmp_path / ERGU).read_bytes() == before and not (tmp_path / "data/ledger/lists").exists()


def test_write_refuses_after_a_torn_line_and_writes_nothing(tmp_path):
    ws = Workspace(tmp_path)
    write(ws, "ergu", lambda index: note("一"), lambda r: "", NOT_IN_GIT)
    torn = (tmp_path / ERGU).read_bytes() + b'{"at":"2026-12'
    (tmp_path / ERGU).write_bytes(torn)
    built = []
    with pytest.raises(LedgerError) as info:
        write(ws, "ergu", lambda index: built.append(1) or note("二"), lambda r: "", NOT_IN_GIT)
    assert info.value.message == f"{ERGU} 的最后一行不完整（写入被中断）：请先运行 ssj ledger repair，再运行 ssj verify-ledger 核验"
    assert built == [] and (tmp_path / ERGU).read_bytes() == torn


def test_write_refuses_a_record_dated_in_a_year_before_its_ledgers_last(tmp_path):
    ws = Workspace(tmp_path)
    write(ws, "ergu", lambda index: note("一", at="2027-01-04T09:00:00+08:00"), lambda r: "", NOT_IN_GIT)
    with pytest.raises(LedgerError) as info:
        write(ws, "ergu", lambda index: note("二"), lambda r: "", NOT_IN_GIT)
    assert info.value.message.startswith("记录时间 2026-12-01T09:30:00+08:00 早于本台账最后一条记录（第 0 条，"
                                         "2027-01-04T09:00:00+08:00）：台账的时间只能向后")
    assert not (tmp_path / ERGU).exists()


def test_write_refuses_a_record_a_minute_before_its_ledgers_last(tmp_path):
    # a computer whose clock was turned back: the verifiers would call the record back-dated (core/chain.check_at)
    ws = Workspace(tmp_path)
    write(ws, "ergu", lambda index: note("一", at="2026-12-01T09:30:00+08:00"), lambda r: "", NOT_IN_GIT)
    before = (tmp_path / ERGU).read_bytes()
    with pytest.raises(LedgerError) as info:
        write(ws, "ergu", lambda index: note("二", at="2026-12-01T01:29:00+00:00"), lambda r: "", NOT_IN_GIT)
    assert "早于本台账最后一条记录（第 0 条，2026-12-01T09:30:00+08:00）" in info.value.message
    assert "请检查电脑的日期和时间" in info.value.message
    assert (tmp_path / ERGU).read_bytes() == before
    # the same moment written in another zone is not earlier
    write(ws, "ergu", lambda index: note("三", at="2026-12-01T01:30:00+00:00"), lambda r: "", NOT_IN_GIT)


def test_repair_cuts_only_a_torn_last_line(tmp_path):
    ws = Workspace(tmp_path)
    for text in ("一", "二"):
        write(ws, "ergu", lambda index, text=text: note(text), lambda r: "", NOT_IN_GIT)
    path = tmp_path / ERGU
    whole = path.read_bytes()
    third = kit.canonical(store.seal(note("三"), 2, store.read_all(ws, "ergu")[-1]["hash"]))
    path.write_bytes(whole + third[:57])
    assert store.torn_tail(ws) == ERGU
    assert store.repair(path) == (2, third[:57])
    assert path.read_bytes() == whole and store.torn_tail(ws) is None
    assert store.repair(path) == (2, b"")
    with pytest.raises(SsjError) as info:
        store.repair_ledgers(ws)
    assert info.value.message == "没有需要修复的台账：每个台账文件的最后一行都是完整的"


# ---------------------------------------------------------------------------------------------------
# A ledger made by real draws outside git (built once; every test works on its own copy)
# ---------------------------------------------------------------------------------------------------

def run(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


@pytest.fixture(scope="session")
def drawn(tmp_path_factory, warm_cache) -> Path:
    """二股's 2026.jsonl: 1 draw, 2 draw (teams of 3), 3 recusal of line 2, 4 void of line 1, 5 draw."""
    root = tmp_path_factory.mktemp("drawn") / "汝州"
    copy_example(root)
    shutil.copytree(warm_cache, root / ".ssj")
    assert run(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "11111111111111111111", *DAY) == 0
    assert run(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "22222", "--team-size", "3", *DAY,
               *AGAIN) == 0
    second = json.loads((root / ERGU).read_text(encoding="utf-8").splitlines()[1])
    entity = second["strata"][0]["selected"][0]
    assert run(root, "recuse", "二股-1", "--inspector", team_of(second, entity)[0], "--entity", entity,
               "--reason", "利害关系回避") == 0
    assert run(root, "void", "二股-0", "--reason", "测试作废") == 0
    assert run(root, "draw", "--section", "二股", "--ratio", "0.2", "--seed", "33333", *DAY, *AGAIN) == 0
    return root


@pytest.fixture
def copy(drawn, tmp_path) -> Path:
    """A copy of ``drawn`` (its index names the original's files: stale, so rebuilt on first use)."""
    root = tmp_path / "副本"
    shutil.copytree(drawn, root)
    return root


def lines(root: Path, rel: str = ERGU) -> list[bytes]:
    return (root / rel).read_bytes().splitlines(keepends=True)


def verify(ssj, root: Path):
    result = ssj(root, "verify-ledger", "--json")
    report = json.loads(result.out)
    assert result.code == (0 if report["ok"] else 1)
    return result.code, [(p["file"], p["line"], p["message"]) for p in report["problems"] if p["severity"] == "error"]


def draw(ssj, root: Path, seed: str = "4", *extra):
    return ssj(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", seed, *DAY, *AGAIN, *extra)


def test_untouched_ledger_verifies(copy, ssj):
    assert [json.loads(line)["type"] for line in lines(copy)] == ["draw", "draw", "recusal", "void", "draw"]
    assert verify(ssj, copy) == (0, [])
    result = ssj(copy, "verify-ledger")
    assert result.code == 0 and OUTSIDE_GIT in result.out


def test_one_byte_edited(copy, ssj):
    data = bytearray((copy / ERGU).read_bytes())
    at = data.index(b'+08:00"', len(lines(copy)[0])) - 1  # the last digit of the seconds in line 2's "at"
    data[at] = ord("1") if data[at] != ord("1") else ord("2")
    (copy / ERGU).write_bytes(bytes(data))
    assert verify(ssj, copy) == (1, [(ERGU, 2, "hash 不符（记录被改动过）")])
    result = ssj(copy, "verify-ledger")
    assert result.code == 1 and f"{ERGU}:2: hash 不符（记录被改动过）" in result.out and "核验未通过" in result.out


PREV = "prev 与上一条记录的 hash 不符（前面的记录被删除、插入、调换或改动过）"


def test_deleted_line(copy, ssj):
    rows = lines(copy)
    del rows[1]
    (copy / ERGU).write_bytes(b"".join(rows))
    code, problems = verify(ssj, copy)
    assert code == 1 and min(n for _, n, _ in problems) == 2
    assert (ERGU, 2, "seq 应为 1，记录为 2（前面的记录被删除、插入或调换过）") in problems
    assert (ERGU, 2, PREV) in problems


def test_inserted_line(copy, ssj):
    rows = lines(copy)
    rows.insert(2, rows[1])
    (copy / ERGU).write_bytes(b"".join(rows))
    code, problems = verify(ssj, copy)
    assert code == 1 and min(n for _, n, _ in problems) == 3
    assert (ERGU, 3, "seq 应为 2，记录为 1（前面的记录被删除、插入或调换过）") in problems


def test_swapped_lines(copy, ssj):
    rows = lines(copy)
    rows[1], rows[2] = rows[2], rows[1]
    (copy / ERGU).write_bytes(b"".join(rows))
    code, problems = verify(ssj, copy)
    assert code == 1 and min(n for _, n, _ in problems) == 2
    assert (ERGU, 2, "seq 应为 1，记录为 2（前面的记录被删除、插入或调换过）") in problems
    assert (ERGU, 3, "seq 应为 2，记录为 1（前面的记录被删除、插入或调换过）") in problems


def resealed(previous: dict, change) -> bytes:
    record = {k: v for k, v in json.loads(json.dumps(previous)).items() if k != "hash"}
    change(record)
    record["hash"] = kit.record_hash(record)
    return kit.canonical(record) + b"\n"


def test_forged_record_with_correct_hash_but_wrong_prev(copy, ssj):
    rows = lines(copy)
    last = json.loads(rows[-1])

    def change(record):
        record["seq"], record["prev"] = 5, "e" * 64

    (copy / ERGU).write_bytes(b"".join(rows) + resealed(last, change))
    code, problems = verify(ssj, copy)
    assert code == 1 and (ERGU, 6, PREV) in problems and {n for _, n, _ in problems} == {6}


def test_forged_record_with_correct_chain_but_wrong_selection(copy, ssj):
    rows = lines(copy)
    last = json.loads(rows[-1])
    stratum = next(s for s in last["strata"] if s["name"] == "一般")
    population = json.loads((copy / list_file(stratum["population"])).read_bytes())
    outsider = next(i for i in population if i not in stratum["selected"])

    def change(record):
        record["seq"], record["prev"] = 5, last["hash"]
        forged = next(s for s in record["strata"] if s["name"] == "一般")
        forged["selected"][0] = outsider

    (copy / ERGU).write_bytes(b"".join(rows) + resealed(last, change))
    code, problems = verify(ssj, copy)
    assert code == 1 and {n for _, n, _ in problems} == {6}
    number = [s["name"] for s in last["strata"]].index("一般") + 1
    assert any(m.startswith(f"第 {number} 层（一般）：被抽中的企业：") for _, _, m in problems), problems


def test_truncated_mid_line(copy, ssj):
    data = (copy / ERGU).read_bytes()
    (copy / ERGU).write_bytes(data[: len(data) - len(lines(copy)[-1]) // 2])
    assert verify(ssj, copy) == (1, [(ERGU, 5, TORN)])


def test_crlf_conversion_detected(copy, ssj):
    (copy / ERGU).write_bytes((copy / ERGU).read_bytes().replace(b"\n", b"\r\n"))
    code, problems = verify(ssj, copy)
    assert code == 1
    assert (ERGU, 1, "行尾多了回车符（\\r），文件可能被转换成了 Windows 换行；字节已与记录时不同") in problems


def test_torn_line_end_to_end(copy, ssj):
    whole = (copy / ERGU).read_bytes()
    torn = b'{"again":null,"announcement":null,"assignments":[0,1'
    (copy / ERGU).write_bytes(whole + torn)
    assert verify(ssj, copy) == (1, [(ERGU, 6, TORN)])
    before = snapshot(copy)
    for command in (("draw", "--section", "二股", "--ratio", "0.1", "--seed", "4", *DAY, *AGAIN),
                    ("void", "二股-4", "--reason", "测试")):
        result = ssj(copy, *command)
        assert (result.code, result.out) == (1, "") and "Traceback" not in result.err
        assert f"{ERGU} 的最后一行不完整（写入被中断）：请先运行 ssj ledger repair，再运行 ssj verify-ledger 核验" in result.err
    assert snapshot(copy) == before
    repaired = ssj(copy, "ledger", "repair")
    assert repaired.code == 0
    assert f"{ERGU}：已去掉不完整的末行（{len(torn)} 字节），保留 5 条完整记录。" in repaired.out
    assert (copy / ERGU).read_bytes() == whole
    assert verify(ssj, copy) == (0, [])
    again = ssj(copy, "ledger", "repair")
    assert again.code == 1 and "没有需要修复的台账：每个台账文件的最后一行都是完整的" in again.err
    assert draw(ssj, copy).code == 0


def test_repair_never_touches_a_broken_whole_line(copy, ssj):
    rows = lines(copy)
    rows[1] = rows[1].replace(b'"seed":"22222"', b'"seed":"22223"')
    (copy / ERGU).write_bytes(b"".join(rows))
    before = snapshot(copy)
    assert ssj(copy, "ledger", "repair").code == 1
    assert snapshot(copy) == before
    code, problems = verify(ssj, copy)
    assert code == 1 and (ERGU, 2, "hash 不符（记录被改动过）") in problems


def test_a_list_file_changed_or_missing_is_named_where_it_is_used(copy, ssj):
    first = json.loads(lines(copy)[0])
    number, stratum = next((n, s) for n, s in enumerate(first["strata"], 1) if s["name"] == "一般")
    rel = list_file(stratum["population"])
    users = [n for n, row in enumerate(lines(copy), 1) if stratum["population"].encode() in row]
    assert 1 in users
    (copy / rel).write_bytes((copy / rel).read_bytes().replace(b'"]', b'","91410482MA00000000"]', 1))
    code, problems = verify(ssj, copy)
    changed = f"第 {number} 层（一般）：名单文件 {stratum['population']}.json 的 SHA-256 与文件名不符（文件被改动过）"
    assert code == 1 and (ERGU, 1, changed) in problems
    (copy / rel).unlink()
    code, problems = verify(ssj, copy)
    assert code == 1 and (ERGU, 1, f"第 {number} 层（一般）：缺少名单文件 lists/{stratum['population']}.json") in problems


# ---------------------------------------------------------------------------------------------------
# The year split: a chain runs on across its year files
# ---------------------------------------------------------------------------------------------------

def test_a_draw_in_the_new_year_goes_to_its_year_file_and_chains_to_the_old_tip(git_bureau, ssj, clock):
    first = ssj(git_bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "1", *DAY, "--json")
    assert first.code == 0, first.err
    old = (git_bureau / ERGU).read_bytes()
    clock.set("2027-01-04")
    result = ssj(git_bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "2", "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    new = "data/ledger/ergu/2027.jsonl"
    assert (git_bureau / new).read_text(encoding="utf-8") == result.out
    assert (git_bureau / ERGU).read_bytes() == old
    assert (record["seq"], record["prev"], record["date"], record["plan_item"]) == (
        1, json.loads(first.out)["hash"], "2027-01-04", "2027-ergu-01")
    assert record["heads"] == {"bureau": {"seq": 3, "hash": ledger_records(git_bureau, "bureau")[-1]["hash"]}}
    assert f"已写入记录 二股-1（{new} 末行）" in result.err
    committed = git(git_bureau, "show", "--name-only", "--format=", "HEAD").split()
    assert new in committed and ERGU not in committed
    assert verify(ssj, git_bureau) == (0, [])
    shown = ssj(git_bureau, "show", "二股-1", "--json")
    assert shown.code == 0 and json.loads(shown.out) == record
    clock.set("2026-12-31")
    late = ssj(git_bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "3", *AGAIN)
    assert late.code == 1 and "早于本台账最后一条记录（第 1 条，2027-01-04" in late.err and "请检查电脑的日期和时间" in late.err


def test_a_year_file_that_starts_the_chain_anew_or_holds_another_years_record(copy, ssj, clock):
    clock.set("2027-01-04")
    assert ssj(copy, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "5").code == 0
    new = copy / "data/ledger/ergu/2027.jsonl"
    record = json.loads(new.read_bytes())
    restarted = store.seal({**record, "seq": 0}, 0, None)
    new.write_bytes(kit.canonical(restarted) + b"\n")
    code, problems = verify(ssj, copy)
    assert code == 1 and ("data/ledger/ergu/2027.jsonl", 1, "2027 年的台账文件重新开始了一条链（seq 为 0）："
                                                         "跨年的台账应接着上一年的最后一条记录") in problems
    new.unlink()
    with (copy / ERGU).open("ab") as handle:  # the 2027 record filed under 2026
        handle.write(kit.canonical(record) + b"\n")
    code, problems = verify(ssj, copy)
    assert code == 1 and (ERGU, 6, "记录时间 2027-01-04 不属于 2026 年：记录应写在其时间所在年份的文件里") in problems


# ---------------------------------------------------------------------------------------------------
# Format 1 is refused, never passed over
# ---------------------------------------------------------------------------------------------------

def test_a_format_1_ledger_is_refused_by_name(bureau, ssj):
    old = bureau / "data/ledger/ergu.jsonl"
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_text('{"hash":"' + "a" * 64 + '","prev":"' + ZERO + '","seq":0,"type":"draw"}\n', encoding="utf-8")
    before = snapshot(bureau)
    for command in (("draw", "--section", "二股", "--ratio", "0.1", "--seed", "1", *DAY), ("log",), ("show", "二股-0")):
        result = ssj(bureau, *command)
        assert (result.code, result.out) == (1, "") and FORMAT_1 in result.err, command
    assert snapshot(bureau) == before
    code, problems = verify(ssj, bureau)
    assert (code, problems) == (1, [("data/ledger/ergu.jsonl", None, "旧格式（格式 1）的台账：格式 2 的台账是 <科室>/<年份>.jsonl，"
                                                                    "这个文件中的记录不会被当作台账核验")])


def append_format_1(root: Path) -> None:
    last = json.loads(lines(root)[-1])
    body = {k: v for k, v in last.items() if k != "hash"}
    body.update(format=1, seq=last["seq"] + 1, prev=last["hash"])
    body["hash"] = kit.record_hash(body)
    with (root / ERGU).open("ab") as handle:
        handle.write(kit.canonical(body) + b"\n")


def test_a_format_1_record_in_a_year_file_is_an_error(copy, ssj):
    append_format_1(copy)
    code, problems = verify(ssj, copy)
    assert code == 1 and (ERGU, 6, "记录格式为 1：本程序只核验第 2 版台账格式") in problems


@pytest.mark.parametrize("damage", ["format 1", "edited"])
def test_a_writer_refuses_to_chain_onto_a_tip_that_is_not_a_sound_format_2_record(copy, ssj, damage):
    if damage == "format 1":
        append_format_1(copy)
    else:
        rows = lines(copy)
        rows[-1] = rows[-1].replace(b'"seed":"33333"', b'"seed":"33334"')
        (copy / ERGU).write_bytes(b"".join(rows))
    before = snapshot(copy)
    result = draw(ssj, copy)
    assert result.code == 1 and f"{ERGU}:{len(lines(copy))}:" in result.err
    assert snapshot(copy) == before


def test_the_first_record_of_a_new_year_checks_the_tip_in_last_years_file(copy, ssj, clock):
    rows = lines(copy)
    rows[-1] = rows[-1].replace(b'"seed":"33333"', b'"seed":"33334"')
    (copy / ERGU).write_bytes(b"".join(rows))
    before = snapshot(copy)
    clock.set("2027-01-04")
    result = ssj(copy, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "4")
    assert result.code == 1 and result.out == ""
    assert (f"{ERGU}:5: 台账的最后一条记录有问题：hash 不符（记录被改动过）。新记录不能接在它后面（台账未作任何改动）："
            f"请从 git 恢复这个文件（git checkout -- {ERGU}）或从备份恢复，再运行 ssj verify-ledger 核验") in result.err
    assert snapshot(copy) == before and not (copy / "data/ledger/ergu/2027.jsonl").exists()


def test_a_tip_that_is_not_canonical_is_refused_too(copy, ssj):
    rows = lines(copy)
    rows[-1] = rows[-1].replace(b'"format":2,', b'"format": 2,')  # same record, other bytes
    (copy / ERGU).write_bytes(b"".join(rows))
    before = snapshot(copy)
    result = draw(ssj, copy)
    assert result.code == 1 and f"{ERGU}:5: 台账的最后一条记录有问题：不是 RFC 8785 规范形式" in result.err
    assert snapshot(copy) == before


# ---------------------------------------------------------------------------------------------------
# The index (.ssj/index.sqlite): a cache, rebuilt whenever it is missing or stale
# ---------------------------------------------------------------------------------------------------

FREQUENCY_USED = "计划事项 2026-ergu-01 的 2026 年频次已用完（4 次/年，已抽取 {} 次，第十六条）；如确需增加，请报批临时检查计划"


def on(ssj, clock, root: Path, day: str, seed: str, *extra):
    clock.set(day)
    return ssj(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", seed, "--date", day, *extra)


@pytest.mark.parametrize("damage", ["deleted", "garbage", "old version"])
def test_a_missing_or_broken_index_is_rebuilt_and_the_frequency_still_counts(bureau, ssj, clock, damage):
    for seed, day in (("1", "2026-11-02"), ("2", "2026-11-12"), ("3", "2026-11-22"), ("4", "2026-12-01")):
        assert on(ssj, clock, bureau, day, seed).code == 0
    index = bureau / ".ssj/index.sqlite"
    if damage == "deleted":
        index.unlink()
    elif damage == "garbage":
        index.write_bytes(b"not a database at all" * 100)
    else:
        import sqlite3

        with sqlite3.connect(index) as db:
            db.execute("UPDATE meta SET value = '1' WHERE key = 'version'")
            db.execute("DELETE FROM records")
    before = snapshot(bureau)
    result = on(ssj, clock, bureau, "2026-12-01", "5", *AGAIN)
    assert result.code == 1 and FREQUENCY_USED.format(4) in result.err
    assert snapshot(bureau) == before and index.is_file()
    assert ssj(bureau, "void", "二股-0", "--reason", "测试").code == 0  # a void gives one back
    assert on(ssj, clock, bureau, "2026-12-01", "5", *AGAIN).code == 0
    assert [r["seq"] for r in ledger_records(bureau, "ergu")] == [0, 1, 2, 3, 4, 5]


def test_a_rebuilt_index_still_knows_the_spacing_of_draws(bureau, ssj, clock):
    assert on(ssj, clock, bureau, "2026-11-28", "1").code == 0
    (bureau / ".ssj/index.sqlite").unlink()
    before = snapshot(bureau)
    result = on(ssj, clock, bureau, "2026-12-01", "2")
    assert result.code == 1 and ("计划事项 2026-ergu-01 在 2026-11-28 已抽取过，两次抽取至少间隔 7 天（第十六条：防止检查过多）"
                                 in result.err)
    assert snapshot(bureau) == before
    assert on(ssj, clock, bureau, "2026-12-05", "2").code == 0  # 7 days later


def test_an_index_whose_ledger_changed_behind_its_back_is_rebuilt(git_bureau, ssj, clock):
    for seed, day in (("1", "2026-11-02"), ("2", "2026-11-12"), ("3", "2026-11-22")):
        assert on(ssj, clock, git_bureau, day, seed).code == 0
    git(git_bureau, "branch", "other")
    assert on(ssj, clock, git_bureau, "2026-12-01", "4").code == 0  # main: 4 draws, the year's frequency used
    assert FREQUENCY_USED.format(4) in on(ssj, clock, git_bureau, "2026-12-01", "5", *AGAIN).err
    git(git_bureau, "checkout", "-q", "other")  # the ledger shrinks back to 3 draws behind the index's back
    clock.set("2026-12-01")
    voided = ssj(git_bureau, "void", "二股-0", "--reason", "测试", "--json")
    assert voided.code == 0, voided.err
    void = json.loads(voided.out)
    assert (void["seq"], void["prev"]) == (3, ledger_records(git_bureau, "ergu")[2]["hash"])
    git(git_bureau, "checkout", "-q", "main")  # longer again, another line where the index last looked
    assert FREQUENCY_USED.format(4) in on(ssj, clock, git_bureau, "2026-12-01", "5", *AGAIN).err
    git(git_bureau, "checkout", "-q", "other")
    result = on(ssj, clock, git_bureau, "2026-12-01", "5", *AGAIN, "--json")
    assert result.code == 0, result.err  # 2 draws used on this branch
    record = json.loads(result.out)
    assert (record["seq"], record["prev"]) == (4, void["hash"])
    rested = record["rested"]["records"]
    assert rested and ledger_records(git_bureau, "ergu")[0]["hash"] not in rested  # the voided draw rests nobody


@pytest.mark.parametrize("junk", [b"\n", b"garbage\n", b'{"type":"draw"}\n'], ids=["blank", "not JSON", "no seq"])
def test_a_malformed_whole_line_is_one_clear_error_for_every_command(copy, ssj, junk):
    with (copy / ERGU).open("ab") as handle:
        handle.write(junk)
    before = snapshot(copy)
    for command in (("draw", "--section", "二股", "--ratio", "0.1", "--seed", "4", *DAY, *AGAIN), ("log",), ("show", "二股-0")):
        result = ssj(copy, *command)
        assert result.code == 1 and f"{ERGU}:6:" in result.err, command
    assert snapshot(copy) == before


@pytest.mark.parametrize(("change", "problem"), [
    (lambda r: r.pop("inspectors"), "“draw”记录缺少字段 inspectors"),
    (lambda r: r.update(date="2026-13-01"), "“draw”记录的字段内容无效（类型或取值不对）"),
    (lambda r: r.pop("at"), "缺少字段或字段无效：at"),
], ids=["no inspectors", "bad date", "no at"])
def test_a_sealed_record_the_index_cannot_read_is_named_by_file_and_line(copy, ssj, change, problem):
    record = json.loads(lines(copy)[0])
    change(record)
    with (copy / ERGU).open("ab") as handle:
        handle.write(kit.canonical(store.seal(record, 5, json.loads(lines(copy)[-1])["hash"])) + b"\n")
    before = snapshot(copy)
    for command in (("draw", "--section", "二股", "--ratio", "0.1", "--seed", "4", *DAY, *AGAIN), ("log",), ("check",)):
        result = ssj(copy, *command)
        assert result.code == 1 and f"{ERGU}:6: {problem}——台账的这一行不是一条完好的记录" in result.err, command
        assert f"git checkout -- {ERGU}" in result.err and "Traceback" not in result.err, command
    assert snapshot(copy) == before


# ---------------------------------------------------------------------------------------------------
# Processes drawing at the same time
# ---------------------------------------------------------------------------------------------------

def spawn(root: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", PAUSING_MAIN if env else FROZEN_MAIN, *args], cwd=root,
                            env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "SSJ_REPO": str(root), **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_concurrent_draws_leave_one_valid_chain(bureau, ssj):
    seeds = ["1001", "2002", "3003"]
    processes = [spawn(bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", seed, *DAY, *AGAIN, "--json")
                 for seed in seeds]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], [e.decode() for _, e in outputs]
    records = ledger_records(bureau, "ergu")
    assert sorted(r["seed"] for r in records) == seeds
    assert [r["seq"] for r in records] == [0, 1, 2]
    assert [r["prev"] for r in records] == [ZERO, records[0]["hash"], records[1]["hash"]]
    for out, _ in outputs:  # each process printed exactly the record it wrote
        printed = json.loads(out)
        assert printed == records[printed["seq"]]
    assert verify(ssj, bureau) == (0, [])


#: FROZEN_MAIN, pausing at its first call of ``shuangsuiji.git.<SSJ_PAUSE_IN>`` until the test says go.
PAUSING_MAIN = (
    "import os, sys, time, datetime as dt, zoneinfo, shuangsuiji.clock as c, shuangsuiji.git as g;"
    "c.local_now = lambda timezone='Asia/Shanghai': dt.datetime(2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo(timezone));"
    "name, marks = os.environ['SSJ_PAUSE_IN'], os.environ['SSJ_MARKS']; original = getattr(g, name); seen = [];\n"
    "def paused(*args, **kwargs):\n"
    "    if not seen:\n"
    "        seen.append(1); open(os.path.join(marks, name + '.ready'), 'w').close()\n"
    "        while not os.path.exists(os.path.join(marks, name + '.go')): time.sleep(0.02)\n"
    "    return original(*args, **kwargs)\n"
    "setattr(g, name, paused)\n"
    "from shuangsuiji.cli import main; sys.exit(main(sys.argv[1:]))"
)


def wait_for(path: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path.name} never came"
        time.sleep(0.02)


def test_a_draw_while_another_is_being_committed_waits_for_it(git_bureau, tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    draw_args = ("draw", "--section", "二股", "--ratio", "0.1", *DAY, *AGAIN, "--json")
    second = spawn(git_bureau, *draw_args, "--seed", "2002", env={"SSJ_PAUSE_IN": "commit_blockers", "SSJ_MARKS": str(marks)})
    wait_for(marks / "commit_blockers.ready", second)  # data read, about to check that it can commit
    first = spawn(git_bureau, *draw_args, "--seed", "1001", env={"SSJ_PAUSE_IN": "commit", "SSJ_MARKS": str(marks)})
    wait_for(marks / "commit.ready", first)  # its record and lists written under the lock, not yet committed
    (marks / "commit_blockers.go").touch()
    with contextlib.suppress(subprocess.TimeoutExpired):
        second.wait(timeout=6)  # refused at once, or waiting for the lock
    (marks / "commit.go").touch()
    outputs = [p.communicate(timeout=120) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], [e.decode() for _, e in outputs]
    records = ledger_records(git_bureau, "ergu")
    assert [(r["seq"], r["seed"]) for r in records] == [(0, "1001"), (1, "2002")]
    assert git(git_bureau, "status", "--porcelain", "--", "data", "plans") == ""


#: another ssj process in the middle of its commit: it holds the write lock and git's .git/index.lock
COMMITTING = (
    "import sys, time, pathlib, filelock; root = pathlib.Path(sys.argv[1]);"
    "lock = filelock.FileLock(str(root / '.ssj/ledger.lock')); lock.acquire();"
    "(root / '.git/index.lock').write_bytes(b''); (root / '.ssj/committing').write_bytes(b'');"
    "time.sleep(2); (root / '.git/index.lock').unlink(); lock.release()"
)


def test_git_s_index_lock_held_by_an_ssj_commit_is_waited_for_not_refused(git_bureau, ssj):
    holder = subprocess.Popen([sys.executable, "-c", COMMITTING, str(git_bureau)])
    try:
        wait_for(git_bureau / ".ssj/committing", holder)
        result = draw(ssj, git_bureau, "1", "--json")
    finally:
        holder.wait(timeout=60)
    assert result.code == 0, result.err
    assert [r["seed"] for r in ledger_records(git_bureau, "ergu")] == ["1"]
    assert git(git_bureau, "status", "--porcelain", "--", "data", "plans") == ""
