"""The rest and rotation evidence of a record (core/evidence.py, docs/ledger-format.md): one list file each, read
back entry by entry; the grouped form of records written before 2026-12-08 is read too; malformed evidence is
named, never half-read."""

from __future__ import annotations

import hashlib

import pytest
import rfc8785

from shuangsuiji.core.evidence import (
    EvidenceError,
    evidence_count,
    read_recent,
    read_rested,
    recent_field,
    rested_field,
)

A, B = "a" * 64, "b" * 64


class Lists(dict):
    def put(self, entries) -> str:
        digest = hashlib.sha256(rfc8785.dumps(sorted(entries))).hexdigest()
        self[digest] = sorted(entries)
        return digest


def test_fields_round_trip_and_their_list_files_are_content_addressed():
    lists = Lists()
    field, entries = rested_field({"E2": A, "E1": B})
    assert entries == [f"E1 {B}", f"E2 {A}"] and field == {"list": lists.put(entries), "count": 2}
    assert read_rested(field, lists.get) == {"E1": B, "E2": A} and evidence_count(field) == 2
    pairs = {("RZ2", "E1"): A, ("RZ1", "E1"): B}
    field, entries = recent_field(pairs)
    assert entries == [f"RZ1 E1 {B}", f"RZ2 E1 {A}"]
    lists.put(entries)
    assert read_recent(field, lists.get) == pairs


def test_the_grouped_form_of_earlier_records_is_read_too():
    lists = Lists()
    grouped = [{"by": A, "entities": lists.put(["E1", "E2"]), "count": 2}, {"by": B, "entities": lists.put(["E3"]), "count": 1}]
    assert read_rested(grouped, lists.get) == {"E1": A, "E2": A, "E3": B} and evidence_count(grouped) == 3
    recent = [{"inspector": "RZ1", "by": A, "entities": lists.put(["E1"]), "count": 1}]
    assert read_recent(recent, lists.get) == {("RZ1", "E1"): A}


@pytest.mark.parametrize(("entries", "count", "words"), [
    ([f"E1 {A}"], 2, "count 应为 1"),
    (["E1"], 1, "格式不对"),
    ([f"E1 {A}", f"E1 {B}"], 2, "出现了两次"),
    ([f"E1 {A[:10]}"], 1, "格式不对"),
])
def test_malformed_compact_evidence_is_named(entries, count, words):
    lists = Lists()
    with pytest.raises(EvidenceError) as refused:
        read_rested({"list": lists.put(entries), "count": count}, lists.get)
    assert words in str(refused.value)


def test_a_field_of_neither_form_is_named():
    with pytest.raises(EvidenceError) as refused:
        read_recent("nonsense", Lists().get)
    assert "recent 应为 {list, count}" in str(refused.value)
