"""The hash-chained ledger: append, seal, read, torn lines and repair, tampering found by file and line,
and two processes drawing at the same time."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shuangsuiji.cli import main
from shuangsuiji.errors import LedgerError
from shuangsuiji.ledger import store as ledger
from shuangsuiji.publish.verifier import verify as kit
from tests.helpers import copy_example, git, snapshot

ERGU = "data/ledger/ergu.jsonl"
DAY = ("--date", "2026-12-01")
#: ssj's main with the clock frozen on 2026-12-01, for tests that need real separate processes.
FROZEN_MAIN = (
    "import sys, datetime as dt, zoneinfo, shuangsuiji.clock as c;"
    "c.local_now = lambda timezone='Asia/Shanghai': dt.datetime(2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo(timezone));"
    "from shuangsuiji.cli import main; sys.exit(main(sys.argv[1:]))"
)


# ---------------------------------------------------------------------------------------------------
# append / seal / read
# ---------------------------------------------------------------------------------------------------

def note(text: str, **extra):
    return {"type": "void", "at": "2026-12-01T09:30:00+08:00", "operator": "张三", "draw": "a" * 64, "reason": text, **extra}


def test_seal_gives_seq_prev_and_hash():
    first = ledger.seal(note("一"), [])
    assert (first["seq"], first["prev"]) == (0, "0" * 64)
    assert first["hash"] == kit.record_hash(first)
    second = ledger.seal({**note("二"), "hash": "stale", "seq": 9}, [first])
    assert (second["seq"], second["prev"]) == (1, first["hash"])
    assert second["hash"] == kit.record_hash(second) != "stale"


def test_append_and_read(tmp_path):
    path = tmp_path / "data/ledger/ergu.jsonl"
    seen = []

    def build(text):
        def inner(previous):
            seen.append(len(previous))
            return note(text, remark="中文“引号”\n换行")
        return inner

    a = ledger.append(path, build("一"))
    b = ledger.append(path, build("二"))
    assert seen == [0, 1]
    raw = path.read_bytes()
    assert raw == kit.canonical(a) + b"\n" + kit.canonical(b) + b"\n"
    assert "中文“引号”\\n换行".encode() in raw  # Chinese as is, only the control character escaped
    assert ledger.read(path) == [a, b]
    assert ledger.read(tmp_path / "missing.jsonl") == []
    assert kit.read_ledger(str(path))[1] == []  # the chain holds (the voided draw is made up)


def test_a_refusing_build_writes_nothing(tmp_path):
    path = tmp_path / "ergu.jsonl"
    ledger.append(path, lambda previous: note("一"))
    before = path.read_bytes()

    def refuse(previous):
        raise LedgerError("不行")

    with pytest.raises(LedgerError):
        ledger.append(path, refuse)
    assert path.read_bytes() == before


def test_torn_last_line_refuses_append_and_repair_keeps_whole_records(tmp_path):
    path = tmp_path / "data/ledger/ergu.jsonl"
    for text in ("一", "二"):
        ledger.append(path, lambda previous, text=text: note(text))
    whole = path.read_bytes()
    third = kit.canonical(ledger.seal(note("三"), ledger.read(path)))
    path.write_bytes(whole + third[:57])
    with pytest.raises(LedgerError) as info:
        ledger.read(path)
    assert "data/ledger/ergu.jsonl:3:" in info.value.message and "ssj ledger repair" in info.value.message
    with pytest.raises(LedgerError):
        ledger.append(path, lambda previous: note("四"))
    assert path.read_bytes() == whole + third[:57]
    assert ledger.repair(path) == (2, third[:57])
    assert path.read_bytes() == whole
    assert ledger.repair(path) == (2, b"")


# ---------------------------------------------------------------------------------------------------
# A ledger made by real draws (built once; every test works on its own copy)
# ---------------------------------------------------------------------------------------------------

def run(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


@pytest.fixture(scope="session")
def drawn(tmp_path_factory) -> Path:
    """ergu.jsonl: 1 draw, 2 draw (teams of 4), 3 recusal on line 2, 4 void of line 1, 5 draw."""
    root = tmp_path_factory.mktemp("drawn") / "汝州"
    copy_example(root)
    assert run(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "11111111111111111111", *DAY) == 0
    assert run(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "22222", "--team-size", "4", *DAY) == 0
    second = json.loads((root / ERGU).read_text(encoding="utf-8").splitlines()[1])
    entity = second["assignments"][0]["entity"]
    assert run(root, "recuse", "二股-1", "--inspector", second["inspectors"]["teams"][0][0], "--entity", entity,
               "--reason", "利害关系回避") == 0
    assert run(root, "void", "二股-0", "--reason", "测试作废") == 0
    assert run(root, "draw", "--section", "二股", "--ratio", "0.2", "--seed", "33333", *DAY) == 0
    return root


@pytest.fixture
def copy(drawn, tmp_path) -> Path:
    root = tmp_path / "副本"
    shutil.copytree(drawn, root, ignore=shutil.ignore_patterns(".ssj"))
    return root


def lines(root: Path) -> list[bytes]:
    return (root / ERGU).read_bytes().splitlines(keepends=True)


def verify(ssj, root: Path):
    result = ssj(root, "verify-ledger", "--json")
    report = json.loads(result.out)
    assert result.code == (0 if report["ok"] else 1)
    return result.code, [(p["file"], p["line"], p["message"]) for p in report["problems"] if p["severity"] == "error"]


def test_untouched_ledger_verifies(copy, ssj):
    assert [json.loads(line)["type"] for line in lines(copy)] == ["draw", "draw", "recusal", "void", "draw"]
    assert verify(ssj, copy) == (0, [])
    result = ssj(copy, "verify-ledger")
    assert result.code == 0 and "核验通过" in result.out and "不在 git 仓库中" in result.out


def test_one_byte_edited(copy, ssj):
    data = bytearray((copy / ERGU).read_bytes())
    second = len(lines(copy)[0])
    at = data.index(b'+08:00"', second) - 1  # the last digit of the seconds in line 2's "at"
    data[at] = ord("1") if data[at] != ord("1") else ord("2")
    (copy / ERGU).write_bytes(bytes(data))
    assert verify(ssj, copy) == (1, [(ERGU, 2, "hash 不符（记录被改动过）")])
    before = snapshot(copy)
    refused = ssj(copy, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "4", *DAY)
    assert refused.code == 1 and f"{ERGU}:2: hash 不符" in refused.err and "台账已损坏，不能再追加记录" in refused.err
    assert snapshot(copy) == before


def test_one_byte_of_a_ticket_edited(copy, ssj):
    rows = lines(copy)
    record = json.loads(rows[4])
    ticket = record["strata"][0]["selected"][0]["ticket"]
    changed = ticket[:10] + ("1" if ticket[10] != "1" else "2") + ticket[11:]
    rows[4] = rows[4].replace(ticket.encode(), changed.encode())
    (copy / ERGU).write_bytes(b"".join(rows))
    code, problems = verify(ssj, copy)
    assert code == 1 and {(f, n) for f, n, _ in problems} == {(ERGU, 5)}
    assert (ERGU, 5, "hash 不符（记录被改动过）") in problems
    assert any(m.startswith("第 1 层（重点）：被抽中的第 1 家应为") for _, _, m in problems), problems


def test_plain_output_names_file_and_line(copy, ssj):
    rows = lines(copy)
    rows[2] = rows[2].replace(b'"reason":"', b'"reason":"!', 1)
    (copy / ERGU).write_bytes(b"".join(rows))
    result = ssj(copy, "verify-ledger")
    assert result.code == 1
    assert f"{ERGU}:3: hash 不符" in result.out
    assert "核验未通过" in result.out


def test_deleted_line(copy, ssj):
    rows = lines(copy)
    del rows[1]
    (copy / ERGU).write_bytes(b"".join(rows))
    code, problems = verify(ssj, copy)
    assert code == 1
    assert min(n for _, n, _ in problems) == 2
    assert (ERGU, 2, "seq 应为 1，记录为 2（前面的记录被删除、插入或调换过）") in problems
    assert (ERGU, 2, "prev 与上一行的 hash 不符（前面的记录被删除、插入、调换或改动过）") in problems


def test_inserted_line(copy, ssj):
    rows = lines(copy)
    rows.insert(2, rows[1])
    (copy / ERGU).write_bytes(b"".join(rows))
    code, problems = verify(ssj, copy)
    assert code == 1
    assert min(n for _, n, _ in problems) == 3
    assert (ERGU, 3, "seq 应为 2，记录为 1（前面的记录被删除、插入或调换过）") in problems


def test_swapped_lines(copy, ssj):
    rows = lines(copy)
    rows[1], rows[2] = rows[2], rows[1]
    (copy / ERGU).write_bytes(b"".join(rows))
    code, problems = verify(ssj, copy)
    assert code == 1
    assert min(n for _, n, _ in problems) == 2
    assert (ERGU, 2, "seq 应为 1，记录为 2（前面的记录被删除、插入或调换过）") in problems
    assert (ERGU, 3, "seq 应为 2，记录为 1（前面的记录被删除、插入或调换过）") in problems


def forge(previous: dict, change) -> dict:
    record = {k: v for k, v in json.loads(json.dumps(previous)).items() if k != "hash"}
    change(record)
    record.setdefault("hash", kit.record_hash(record))
    return record


def test_forged_record_with_correct_hash_but_wrong_prev(copy, ssj):
    rows = lines(copy)
    last = json.loads(rows[-1])

    def change(record):
        record["seq"] = 5
        record["prev"] = "e" * 64

    (copy / ERGU).write_bytes(b"".join(rows) + kit.canonical(forge(last, change)) + b"\n")
    assert verify(ssj, copy) == (1, [(ERGU, 6, "prev 与上一行的 hash 不符（前面的记录被删除、插入、调换或改动过）")])


def test_forged_record_with_correct_chain_but_wrong_selection(copy, ssj):
    rows = lines(copy)
    last = json.loads(rows[-1])

    def change(record):
        record["seq"], record["prev"] = 5, last["hash"]
        stratum = next(s for s in record["strata"] if s["name"] == "风险C")
        chosen = {s["id"] for s in stratum["selected"]}
        outsider = next(i for i in stratum["population"] if i not in chosen)
        stratum["selected"][0] = {"id": outsider, "ticket": kit.first_fraction(outsider, record["seed"])}
        for assignment in record["assignments"]:
            if assignment["entity"] == last_selected:
                assignment["entity"] = outsider

    last_selected = next(s for s in last["strata"] if s["name"] == "风险C")["selected"][0]["id"]
    forged = forge(last, change)
    (copy / ERGU).write_bytes(b"".join(rows) + kit.canonical(forged) + b"\n")
    code, problems = verify(ssj, copy)
    assert code == 1
    assert {n for _, n, _ in problems} == {6}
    assert any("风险C" in m for _, _, m in problems), problems


def test_truncated_mid_line(copy, ssj):
    data = (copy / ERGU).read_bytes()
    cut = len(data) - len(lines(copy)[-1]) // 2
    (copy / ERGU).write_bytes(data[:cut])
    code, problems = verify(ssj, copy)
    assert code == 1
    assert problems == [(ERGU, 5, "最后一行不完整（没有换行符，写入可能被中断）；可用 ssj ledger repair 去掉这一残行")]


def test_crlf_conversion_detected(copy, ssj):
    (copy / ERGU).write_bytes((copy / ERGU).read_bytes().replace(b"\n", b"\r\n"))
    code, problems = verify(ssj, copy)
    assert code == 1
    assert (ERGU, 1, "行尾多了回车符（\\r），文件可能被转换成了 Windows 换行；字节已与记录时不同") in problems


def test_torn_line_end_to_end(copy, ssj):
    whole = (copy / ERGU).read_bytes()
    torn = b'{"announcement":null,"assignments":[{"entity":"9141'
    (copy / ERGU).write_bytes(whole + torn)
    code, problems = verify(ssj, copy)
    assert code == 1 and problems == [(ERGU, 6, "最后一行不完整（没有换行符，写入可能被中断）；可用 ssj ledger repair 去掉这一残行")]
    before = snapshot(copy)
    result = ssj(copy, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "4", *DAY)
    assert result.code == 1 and "Traceback" not in result.err
    assert f"{ERGU}:6:" in result.err and "台账已损坏" in result.err and "ssj ledger repair" in result.err
    assert snapshot(copy) == before
    repaired = ssj(copy, "ledger", "repair", "--section", "二股")
    assert repaired.code == 0
    assert f"已去掉不完整的末行（{len(torn)} 字节），保留 5 条完整记录" in repaired.out
    assert (copy / ERGU).read_bytes() == whole
    assert verify(ssj, copy) == (0, [])
    assert "无需修复" in ssj(copy, "ledger", "repair", "--section", "ergu").out
    assert ssj(copy, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "4", *DAY).code == 0


def test_repair_never_touches_a_broken_whole_line(copy, ssj):
    rows = lines(copy)
    rows[1] = rows[1].replace(b'"seed":"22222"', b'"seed":"22223"')
    (copy / ERGU).write_bytes(b"".join(rows))
    before = snapshot(copy)
    assert "无需修复" in ssj(copy, "ledger", "repair", "--section", "二股").out
    assert snapshot(copy) == before
    code, problems = verify(ssj, copy)
    assert code == 1 and (ERGU, 2, "hash 不符（记录被改动过）") in problems


def test_repair_of_a_missing_ledger(bureau, ssj):
    result = ssj(bureau, "ledger", "repair", "--section", "三股")
    assert result.code == 1 and "data/ledger/sangu.jsonl 不存在" in result.err


# ---------------------------------------------------------------------------------------------------
# Two processes drawing at the same time
# ---------------------------------------------------------------------------------------------------

def test_concurrent_draws_leave_a_valid_chain_and_both_commits(git_bureau, ssj):
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "SSJ_REPO": str(git_bureau)}
    seeds = ["1001", "2002", "3003"]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", FROZEN_MAIN, "draw", "--section", "二股", "--ratio", "0.1", "--seed", seed, *DAY,
             "--json"],
            cwd=git_bureau, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for seed in seeds
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], [e.decode() for _, e in outputs]
    records = [json.loads(line) for line in (git_bureau / ERGU).read_text(encoding="utf-8").splitlines()]
    assert sorted(r["seed"] for r in records) == seeds
    assert [r["seq"] for r in records] == [0, 1, 2]
    for out, _ in outputs:  # each process printed exactly the record it wrote
        printed = json.loads(out)
        assert printed == records[printed["seq"]]
    log = git(git_bureau, "log", "--format=%s", "--", ERGU).splitlines()
    assert sorted(log) == ["抽取 二股-0：2026-12-01，33 家单位，3 个检查组（人工输入）",
                           "抽取 二股-1：2026-12-01，33 家单位，3 个检查组（人工输入）",
                           "抽取 二股-2：2026-12-01，33 家单位，3 个检查组（人工输入）"]
    assert git(git_bureau, "status", "--porcelain", "--", "data", "plans") == ""
    assert ssj(git_bureau, "verify-ledger").code == 0
