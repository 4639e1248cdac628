"""The shape of a document number and of the QR text (core, shared with verify.py), and the series config."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shuangsuiji.core.documents import (
    document_number,
    document_qr_text,
    parse_document_code,
    split_document_number,
)
from shuangsuiji.documents.numbering import resolve_kind
from shuangsuiji.errors import SsjError
from shuangsuiji.registry.models.bureau import DocumentNumbers

HASH = "e2d8fc07531ba3ad50dd7db79449228d618071e2024dd68156a4b1ece9be496c"


def test_a_number_is_prefix_year_section_and_a_padded_serial():
    assert document_number("汝应急现记", 2026, "二股", 3, 3) == "汝应急现记〔2026〕二股-003"
    assert document_number("汝应急现记", 2026, "二股", 1234, 3) == "汝应急现记〔2026〕二股-1234"
    assert split_document_number("汝应急现记〔2026〕二股-003") == ("汝应急现记", 2026, "二股", 3)
    assert split_document_number("汝应急现记〔2026〕执法-大队-12") == ("汝应急现记", 2026, "执法-大队", 12)


@pytest.mark.parametrize("text", ["汝应急现记〔26〕二股-003", "汝应急现记(2026)二股-003", "汝应急现记〔2026〕二股003",
                                  "汝应急 现记〔2026〕二股-003", "", None, 3])
def test_a_malformed_number_is_not_split(text):
    assert split_document_number(text) is None


def test_the_qr_text_and_a_bare_number_both_parse():
    qr = document_qr_text("汝应急现记〔2026〕二股-003", "二股-3", HASH)
    assert qr == f"编号：汝应急现记〔2026〕二股-003；抽取：二股-3；哈希：{HASH}"
    assert parse_document_code(qr) == ("汝应急现记〔2026〕二股-003", "二股-3", HASH)
    assert parse_document_code(f"  编号: 汝应急现记〔2026〕二股-003; 抽取: 二股-3; 哈希: {HASH}\n") == (
        "汝应急现记〔2026〕二股-003", "二股-3", HASH)
    assert parse_document_code(" 汝应急现记〔2026〕二股-003 ") == ("汝应急现记〔2026〕二股-003", None, None)


@pytest.mark.parametrize(("code", "words"), [
    ("", "文书编号为空"),
    ("汝应急现记2026二股", "格式不对"),
    (f"编号：汝应急现记〔2026〕二股-003；抽取：二股-3；哈希：{HASH[:10]}", "抽取哈希"),
    (f"编号：汝应急现记〔2026〕二股-003；抽取：二股；哈希：{HASH}", "抽取编号"),
    (f"编号：汝应急现记〔2026〕二股-003；哈希：{HASH}", "抽取编号"),
    (f"编号：X；抽取：二股-3；哈希：{HASH}", "文书编号"),
    (f"编号：汝应急现记〔2026〕二股-003；编号：汝应急现记〔2026〕二股-004；抽取：二股-3；哈希：{HASH}", "格式不对"),
])
def test_a_malformed_code_is_refused_in_words(code, words):
    with pytest.raises(ValueError, match=words):
        parse_document_code(code)


def test_kinds_by_chinese_or_short_name():
    assert resolve_kind("现场检查记录") == resolve_kind(" record ") == "现场检查记录"
    assert resolve_kind("recheck") == "整改复查意见书"
    with pytest.raises(SsjError, match="不认识的文书种类"):
        resolve_kind("询问笔录")


def test_the_series_config_is_checked():
    numbers = DocumentNumbers(prefixes={"现场检查记录": "汝应急现记"})
    assert numbers.digits == 3
    for bad in ({"现场检查记录": "汝应急 现记"}, {"现场检查记录": "汝应急〔现记"}, {"询问笔录": "汝应急询"}, {}):
        with pytest.raises(ValidationError):
            DocumentNumbers(prefixes=bad)
    with pytest.raises(ValidationError):
        DocumentNumbers(prefixes={"现场检查记录": "汝应急现记"}, digits=0)


def test_a_bad_prefix_in_bureau_yaml_is_reported_by_check(ssj, bureau):
    path = bureau / "data/bureau.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("现场检查记录: 汝应急现记", "现场检查记录: 汝应急 现记"), encoding="utf-8")
    result = ssj(bureau, "check")
    assert result.code == 1
    line = text[:text.index("现场检查记录: 汝应急现记")].count("\n") + 1
    assert f"data/bureau.yaml:{line}" in result.out + result.err
