"""Reading one ledger (shuangsuiji.core.chain, SPEC §5 format 2): one chain across its year files, every line the
RFC 8785 form of its record, ``hash`` the SHA-256 of the record without ``hash`` (computed here with the ``rfc8785``
package and hashlib), ``prev``/``seq`` running on across years; bounded line reading refuses an over-long line."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
import rfc8785

from shuangsuiji.core import chain
from shuangsuiji.core.canonical import ZERO_HASH, canonical, record_forms, record_hash
from shuangsuiji.core.chain import (
    intact_records,
    last_line,
    ledger_files,
    read_ledger,
    read_record_at,
    strict_json,
    tip,
)


def hash_of(record: dict) -> str:
    return hashlib.sha256(rfc8785.dumps({k: v for k, v in record.items() if k != "hash"})).hexdigest()


def make_chain(ats: list, ledger="ergu", start_seq=0, prev=ZERO_HASH) -> list:
    """Records chained by hand: seq, prev and hash from the definitions in SPEC §5."""
    records = []
    for n, at in enumerate(ats):
        record = {"format": 2, "seq": start_seq + n, "prev": prev, "type": "targeted", "at": at,
                  "operator": "测试员", "heads": {}, "section": ledger, "note": f"第{n}条 𠀋"}
        record["hash"] = hash_of(record)
        prev = record["hash"]
        records.append(record)
    return records


def line(record: dict) -> bytes:
    return rfc8785.dumps(record) + b"\n"


def write_years(root: Path, ledger: str, by_year: dict) -> list:
    folder = root / ledger
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for year, records in sorted(by_year.items()):
        path = folder / f"{year}.jsonl"
        path.write_bytes(b"".join(line(r) if isinstance(r, dict) else r for r in records))
        files.append((year, str(path)))
    return files


def read(name, files):
    problems: list = []
    entries = list(read_ledger(name, files, problems))
    return entries, problems


ATS = ["2025-11-03T09:00:00+08:00", "2025-12-31T23:59:00+08:00", "2026-01-01T00:01:00+08:00",
       "2026-03-01T10:00:00+08:00", "2027-01-05T10:00:00+08:00"]
Y2025 = ["2025-03-01T09:00:00+08:00", "2025-06-01T09:00:00+08:00", "2025-09-01T09:00:00+08:00"]


# ---------------------------------------------------------------------------------------------------
# The record hash and canonical line
# ---------------------------------------------------------------------------------------------------

def test_record_hash_and_form_are_rfc8785_and_sha256():
    record = make_chain(ATS[:1])[0]
    assert record_hash(record) == hash_of(record)
    form, actual = record_forms(record)
    assert form == rfc8785.dumps(record) and actual == record["hash"]
    assert canonical(record) == rfc8785.dumps(record)
    assert "第0条 𠀋".encode() in form  # Chinese written as is, never \u escaped


# ---------------------------------------------------------------------------------------------------
# One chain across year files
# ---------------------------------------------------------------------------------------------------

def test_chain_runs_across_year_files(tmp_path):
    records = make_chain(ATS)
    files = write_years(tmp_path, "ergu", {2025: records[:2], 2026: records[2:4], 2027: records[4:]})
    assert ledger_files(str(tmp_path)) == {"ergu": files}
    entries, problems = read("ergu", files)
    assert problems == []
    assert [e.record for e in entries] == records
    assert [(e.line, Path(e.path).name) for e in entries] == [
        (1, "2025.jsonl"), (2, "2025.jsonl"), (1, "2026.jsonl"), (2, "2026.jsonl"), (1, "2027.jsonl")]
    assert records[2]["prev"] == records[1]["hash"] and records[2]["seq"] == 2  # the year boundary, by hand
    for entry in entries:
        assert read_record_at(entry.path, entry.offset) == entry.record
    assert tip(files) == (4, records[4]["hash"])


def test_a_year_file_that_starts_a_new_chain_is_refused(tmp_path):
    old = make_chain(ATS[:2])
    new = make_chain(ATS[2:4])  # seq 0, prev zeros again
    files = write_years(tmp_path, "ergu", {2025: old, 2026: new})
    _, problems = read("ergu", files)
    first = [m for p, n, m in problems if Path(p).name == "2026.jsonl" and n == 1]
    assert any("重新开始了一条链" in m for m in first)
    assert any("seq 应为 2" in m for m in first) and any("prev" in m for m in first)
    assert {(Path(p).name, n) for p, n, _ in problems} == {("2026.jsonl", 1), ("2026.jsonl", 2)}  # seq 1 ≠ 3


def test_broken_prev_across_the_year_boundary(tmp_path):
    records = make_chain(ATS[:4])
    forged = dict(records[2], prev="f" * 64)
    forged["hash"] = hash_of(forged)  # a correct hash of a record that does not follow the chain
    files = write_years(tmp_path, "ergu", {2025: records[:2], 2026: [forged]})
    _, problems = read("ergu", files)
    assert len(problems) == 1
    path, number, message = problems[0]
    assert Path(path).name == "2026.jsonl" and number == 1 and "prev 与上一条记录的 hash 不符" in message


def test_deleted_and_swapped_records(tmp_path):
    records = make_chain(ATS)
    files = write_years(tmp_path, "ergu", {2025: records[:2], 2026: [records[3]], 2027: [records[4]]})
    _, problems = read("ergu", files)
    first = [m for p, n, m in problems if Path(p).name == "2026.jsonl" and n == 1]
    assert any("seq 应为 2" in m for m in first) and any("prev" in m for m in first)
    # every later record is numbered wrongly too: the gap shows wherever one looks
    assert [(Path(p).name, m) for p, _, m in problems if "seq" in m] == [
        ("2026.jsonl", "seq 应为 2，记录为 3（前面的记录被删除、插入或调换过）"),
        ("2027.jsonl", "seq 应为 3，记录为 4（前面的记录被删除、插入或调换过）")]
    files = write_years(tmp_path / "b", "ergu", {2025: [records[1], records[0]]})
    _, problems = read("ergu", files)
    assert {n for _, n, _ in problems} == {1, 2}


def test_edited_record_breaks_its_hash(tmp_path):
    records = make_chain(ATS[:3])
    edited = dict(records[1], note="改过")
    files = write_years(tmp_path, "ergu", {2025: [records[0], edited], 2026: [records[2]]})
    _, problems = read("ergu", files)
    assert [(Path(p).name, n, m) for p, n, m in problems] == [("2025.jsonl", 2, "hash 不符（记录被改动过）")]


def test_first_record_prev_must_be_zeros(tmp_path):
    record = make_chain(ATS[:1], prev="a" * 64)
    _, problems = read("ergu", write_years(tmp_path, "ergu", {2025: record}))
    assert [m for *_, m in problems] == ["第一条记录的 prev 应为 64 个 0"]


def test_record_filed_under_the_wrong_year(tmp_path):
    records = make_chain(ATS[:3])
    files = write_years(tmp_path, "ergu", {2025: records})  # the third is of 2026
    _, problems = read("ergu", files)
    assert [(n, "不属于 2025 年" in m) for _, n, m in problems] == [(3, True)]


def test_non_canonical_lines_are_refused(tmp_path):
    record = make_chain(ATS[:1])[0]
    spaced = json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"  # ", " and ": " separators
    escaped = json.dumps(record, separators=(",", ":"), sort_keys=True).encode() + b"\n"  # \u escapes
    crlf = rfc8785.dumps(record) + b"\r\n"
    for raw, phrase in ((spaced, "RFC 8785"), (escaped, "RFC 8785"), (crlf, "回车符")):
        _, problems = read("ergu", write_years(tmp_path / phrase, "ergu", {2025: [raw]}))
        assert len(problems) == 1 and phrase in problems[0][2]


@pytest.mark.parametrize(("raw", "phrase"), [
    (b"\n", "空行"),
    (b"[1,2]\n", "不是一条记录"),
    (b'{"a":1,"a":2}\n', "重复"),
    (b'{"a":1.5}\n', "浮点数"),
    (b'{"a":NaN}\n', "NaN"),
    (b"\xff\xfe\n", "UTF-8"),
    (b"{not json}\n", "JSON"),
])
def test_garbage_lines(tmp_path, raw, phrase):
    records = make_chain(ATS[:2])
    files = write_years(tmp_path, "ergu", {2025: [records[0], raw, records[1]]})
    entries, problems = read("ergu", files)
    assert any(n == 2 and phrase in m for _, n, m in problems), problems
    assert [e.record for e in entries if e.line != 2] == records


def test_missing_common_fields(tmp_path):
    record = {"seq": 0, "prev": ZERO_HASH, "type": "targeted"}
    record["hash"] = hash_of(record)
    _, problems = read("ergu", write_years(tmp_path, "ergu", {2025: [record]}))
    assert {m for *_, m in problems} == {"缺少字段 format", "缺少字段 at", "缺少字段 operator", "缺少字段 heads"}


def test_torn_last_line(tmp_path):
    records = make_chain(ATS[:3])
    torn = line(records[2])[:-10]
    files = write_years(tmp_path, "ergu", {2025: records[:2], 2026: [torn]})
    entries, problems = read("ergu", files)
    assert [e.record for e in entries] == records[:2]
    assert [(Path(p).name, n) for p, n, _ in problems] == [("2026.jsonl", 1)]
    assert "最后一行不完整" in problems[0][2]
    # a whole last line without its newline is torn as well (the write may not have finished)
    files = write_years(tmp_path / "b", "ergu", {2025: [line(records[0])[:-1]]})
    entries, problems = read("ergu", files)
    assert entries == [] and "最后一行不完整" in problems[0][2]


# ---------------------------------------------------------------------------------------------------
# Bounded line reading
# ---------------------------------------------------------------------------------------------------

def test_an_over_long_line_is_refused_unread(tmp_path, monkeypatch):
    records = make_chain(Y2025)
    limit = max(len(line(r)) for r in records) + 10
    monkeypatch.setattr(chain, "MAX_LINE_BYTES", limit)
    huge = b'{"x":"' + b"a" * (5 * limit) + b'"}\n'
    files = write_years(tmp_path, "ergu", {2025: [records[0], huge, records[2]]})
    entries, problems = read("ergu", files)
    assert [e.record for e in entries] == [records[0], records[2]]
    assert [n for _, n, _ in problems] == [2]
    assert "不予读取" in problems[0][2]
    assert entries[1].line == 3


def test_offsets_after_an_over_long_line_stay_right(tmp_path, monkeypatch):
    records = make_chain(Y2025)
    limit = max(len(line(r)) for r in records) + 10
    monkeypatch.setattr(chain, "MAX_LINE_BYTES", limit)
    huge = b'{"x":"' + b"a" * (5 * limit) + b'"}\n'
    files = write_years(tmp_path, "ergu", {2025: [records[0], huge, records[2]]})
    entries, _ = read("ergu", files)
    assert entries[1].offset == len(line(records[0])) + len(huge)
    assert read_record_at(entries[1].path, entries[1].offset) == records[2]


def test_a_line_just_under_the_limit_is_read(tmp_path, monkeypatch):
    records = make_chain(ATS[:2])
    monkeypatch.setattr(chain, "MAX_LINE_BYTES", len(line(records[1])))
    entries, problems = read("ergu", write_years(tmp_path, "ergu", {2025: records}))
    assert problems == [] and [e.record for e in entries] == records


# ---------------------------------------------------------------------------------------------------
# Helpers: ledger_files, tip, last_line, intact_records, strict_json
# ---------------------------------------------------------------------------------------------------

def test_ledger_files_lists_only_year_files_of_ledger_folders(tmp_path):
    write_years(tmp_path, "ergu", {2026: make_chain(ATS[3:4], start_seq=0)})
    write_years(tmp_path, "bureau", {2025: [], 2026: []})
    (tmp_path / "ergu" / "notes.txt").write_text("x")
    (tmp_path / "ergu" / "26.jsonl").write_text("")
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / ("0" * 64 + ".json")).write_text("[]")
    (tmp_path / "二股").mkdir()
    (tmp_path / "二股" / "2026.jsonl").write_text("")
    (tmp_path / "loose.jsonl").write_text("")
    found = ledger_files(str(tmp_path))
    assert {name: [y for y, _ in years] for name, years in found.items()} == {"ergu": [2026], "bureau": [2025, 2026]}


def test_tip_skips_empty_later_year_files(tmp_path):
    records = make_chain(ATS[:2])
    files = write_years(tmp_path, "ergu", {2025: records, 2026: []})
    assert tip(files) == (1, records[1]["hash"])
    assert tip(write_years(tmp_path / "e", "ergu", {2025: []})) is None


@pytest.mark.parametrize("block", [1, 3, 7, 1 << 16])
def test_last_line_reads_from_the_end(tmp_path, block):
    path = tmp_path / "f.jsonl"
    path.write_bytes("第一行\n第二行很长很长很长\n".encode())
    assert last_line(str(path), block) == "第二行很长很长很长".encode()
    path.write_bytes(b"only")
    assert last_line(str(path), block) == b"only"
    path.write_bytes(b"")
    assert last_line(str(path), block) == b""


def test_intact_records_stop_at_the_first_broken_line():
    records = make_chain(ATS[:4])
    blobs = [line(records[0]) + line(records[1]), line(records[2]) + line(records[3])]
    assert intact_records(blobs) == records
    edited = dict(records[2], note="改过")
    assert intact_records([blobs[0], line(edited) + line(records[3])]) == records[:2]
    assert intact_records([blobs[0] + line(records[2])[:-5]]) == records[:2]  # torn
    assert intact_records([line(records[1])]) == []  # does not start the chain


def test_strict_json():
    assert strict_json('{"a":[1,"二"]}') == {"a": [1, "二"]}
    for text in ('{"a":1,"a":1}', '{"a":1e3}', '{"a":Infinity}', '{"a":-0.0}'):
        with pytest.raises(ValueError):
            strict_json(text)


def test_strict_json_refuses_nesting_too_deep_as_a_value_error():
    # every reader already catches ValueError: a RecursionError would escape them and hide which file it was
    deep = '{"a":' * 100_000 + "1" + "}" * 100_000
    with pytest.raises(chain.TooDeep, match="嵌套层数过多") as caught:
        strict_json(deep)
    assert isinstance(caught.value, ValueError)
    assert len(strict_json("[" * 200 + "]" * 200)) == 1  # moderate nesting still reads


def test_time_only_moves_on_along_a_chain(tmp_path):
    ats = ["2026-03-01T10:00:00+08:00", "2026-03-01T10:00:00+08:00", "2026-03-01T09:59:59+08:00",
           "2026-03-01T02:00:00Z", "2026-03-01T10:30:00.5+08:00"]
    files = write_years(tmp_path, "ergu", {2026: make_chain(ats)})
    _, problems = read("ergu", files)
    # the same second twice is fine; 09:59:59 comes after 10:00:00; 02:00Z is 10:00 in Shanghai, not before it
    assert problems == [(files[0][1], 3, "记录时间 2026-03-01T09:59:59+08:00 早于本台账此前记录的时间 "
                                         "2026-03-01T10:00:00+08:00：台账的记录时间只能随写入顺序向后（记录被倒签或调换过）")]


def test_time_only_moves_on_across_year_files(tmp_path):
    # written in another offset: 2027-01-01T00:30+10:00 is 2026-12-31T22:30 in Shanghai, before the last record
    records = make_chain(["2026-12-31T23:00:00+08:00", "2027-01-01T00:30:00+10:00"])
    files = write_years(tmp_path, "ergu", {2026: records[:1], 2027: records[1:]})
    _, problems = read("ergu", files)
    assert [p[1:] for p in problems] == [(1, "记录时间 2027-01-01T00:30:00+10:00 早于本台账此前记录的时间 "
                                             "2026-12-31T23:00:00+08:00：台账的记录时间只能随写入顺序向后（记录被倒签或调换过）")]


@pytest.mark.parametrize(("text", "utc"), [
    ("2026-12-01T09:30:00+08:00", "2026-12-01T01:30:00"), ("2026-12-01T01:30Z", "2026-12-01T01:30:00"),
    ("2026-12-01T09:30:00.1234567+08:00", "2026-12-01T01:30:00.123456"), ("2026-12-01T00:10:00-05:30", "2026-12-01T05:40:00"),
])
def test_moments_read_on_python_38_too(text, utc):
    # read by hand: Python 3.8's fromisoformat reads neither Z nor a fraction of other than 3 or 6 digits
    from shuangsuiji.core.text import is_at, moment

    assert is_at(text)
    assert moment(text).astimezone(dt.UTC).replace(tzinfo=None).isoformat() == utc


@pytest.mark.parametrize("text", ["2026-12-01T25:00:00+08:00", "2026-02-30T09:00+08:00", "2026-12-01T09:00:00+24:00",
                                  "2026-12-01T09:00:00", "2026-12-01 09:00:00+08:00", "2026-12-01T09:60+08:00", None])
def test_what_is_no_moment(text):
    from shuangsuiji.core.text import is_at, moment

    assert not is_at(text)
    with pytest.raises(ValueError):
        moment(text)
