"""The rest and rotation evidence of a record (core/evidence.py, core/listed.py, docs/ledger-format.md): the cited
form ``{records, count}`` that ssj writes, the listed form of records written before 2026-12-08 read as written,
and malformed evidence named, never half-read."""

from __future__ import annotations

import hashlib

import pytest
import rfc8785

from shuangsuiji.core.evidence import EvidenceError, cited, evidence_count, read_cited
from shuangsuiji.core.listed import ListedError, read_listed

A, B = "a" * 64, "b" * 64


class Lists(dict):
    def put(self, entries) -> str:
        digest = hashlib.sha256(rfc8785.dumps(sorted(entries))).hexdigest()
        self[digest] = sorted(entries)
        return digest


def test_a_cited_field_sorts_its_records_once_each_and_reads_back():
    field = cited([B, A, B], 7)
    assert field == {"records": [A, B], "count": 7}
    assert read_cited(field, "rested") == ([A, B], 7) and evidence_count(field) == 7
    assert cited([], 0) == {"records": [], "count": 0}


@pytest.mark.parametrize(("field", "words"), [
    ({"records": [B, A], "count": 1}, "rested.records 未按顺序排列或有重复"),
    ({"records": [A, A], "count": 1}, "未按顺序排列或有重复"),
    ({"records": [A[:10]], "count": 1}, "应为记录 hash"),
    ({"records": [A], "count": -1}, "count 应为不小于 0 的整数"),
    ({"records": [A], "count": True}, "count 应为不小于 0 的整数"),
    ({"records": [A], "count": 1, "by": A}, "rested 应为 {records"),
    ("nonsense", "rested 应为 {records"),
    ({"list": A, "count": 1}, "2026-12-07 试用过的写法"),
])
def test_malformed_cited_evidence_is_named(field, words):
    with pytest.raises(EvidenceError) as refused:
        read_cited(field, "rested")
    assert words in str(refused.value)


def test_the_listed_form_of_earlier_records_is_read_as_written():
    lists = Lists()
    grouped = [{"by": A, "entities": lists.put(["E1", "E2"]), "count": 2}, {"by": B, "entities": lists.put(["E3"]), "count": 1}]
    assert read_listed(grouped, lists.get, "rested") == {"E1": A, "E2": A, "E3": B} and evidence_count(grouped) == 3
    recent = [{"inspector": "RZ1", "by": A, "entities": lists.put(["E1"]), "count": 1}]
    assert read_listed(recent, lists.get, "recent") == {("RZ1", "E1"): A}
    assert read_listed([], lists.get, "recent") == {} and evidence_count([]) == 0


@pytest.mark.parametrize(("make", "words"), [
    (lambda put: [{"by": A, "entities": put(["E1"]), "count": 2}], "count 应为 1"),
    (lambda put: [{"by": B, "entities": put(["E1"]), "count": 1}, {"by": A, "entities": put(["E2"]), "count": 1}], "未按顺序"),
    (lambda put: [{"by": A, "entities": put(["E1"]), "count": 1}, {"by": B, "entities": put(["E1"]), "count": 1}], "出现了两次"),
    (lambda put: [{"by": "x", "entities": put(["E1"]), "count": 1}], "by 应为记录的 hash"),
    (lambda put: [{"by": A, "entities": put(["E1"])}], "rested 应为 {by, entities, count} 列表"),
    (lambda put: [{"by": [A], "entities": put(["E1"]), "count": 1}, {"by": B, "entities": put(["E2"]), "count": 1}],
     "by 应为记录的 hash"),  # checked before the groups are sorted (a list does not sort with a string)
])
def test_malformed_listed_evidence_is_named(make, words):
    lists = Lists()
    with pytest.raises(ListedError) as refused:
        read_listed(make(lists.put), lists.get, "rested")
    assert words in str(refused.value)


def test_a_listed_recent_with_an_inspector_of_the_wrong_type_is_named_not_a_crash():
    lists = Lists()
    groups = [{"inspector": None, "by": A, "entities": lists.put(["E1"]), "count": 1},
              {"inspector": "RZ1", "by": A, "entities": lists.put(["E2"]), "count": 1}]
    with pytest.raises(ListedError) as refused:
        read_listed(groups, lists.get, "recent")
    assert "inspector 应为字符串" in str(refused.value)
