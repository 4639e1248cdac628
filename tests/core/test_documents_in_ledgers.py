"""抽查文书 records checked by both verifiers (core/records.py, SPEC §9), on hand-built ledgers: a document is for
a company its draw selected, a 整改复查意见书 follows a 责令限期整改指令书 of the same company, a series (number
prefix and section) is one kind in one ledger, and a draw with documents is never voided."""

from __future__ import annotations

import pytest

from tests.core.test_ledgers import KEY, STRATA, Bureau, messages

OUTSIDER = "91410482MA0000099"


@pytest.fixture
def bureau(tmp_path) -> Bureau:
    return Bureau(tmp_path / "ledger")


def document(bureau: Bureau, draw: dict, kind: str, number: str, entity: str = KEY[0], at: str = "2026-12-02T10:00:00+08:00"):
    return bureau.append("ergu", "document", at, number=number, kind=kind, draw=draw["hash"], entity=entity,
                         sha256="0" * 64)


def test_documents_of_a_selected_company_in_order_verify(bureau):
    draw = bureau.draw("ergu", "2026-12-01", STRATA)
    document(bureau, draw, "责令限期整改指令书", "汝应急责改〔2026〕二股-001")
    document(bureau, draw, "整改复查意见书", "汝应急复查〔2026〕二股-001", at="2026-12-09T10:00:00+08:00")
    assert bureau.verify().problems == []


def test_a_document_for_a_company_the_draw_did_not_select(bureau):
    draw = bureau.draw("ergu", "2026-12-01", STRATA)
    document(bureau, draw, "现场检查记录", "汝应急现记〔2026〕二股-001", entity=OUTSIDER)
    assert messages(bureau.verify()) == [f"文书的被检查单位 “{OUTSIDER}” 不在所属抽取 ergu-0 的抽中名单中"]


def test_a_recheck_without_an_order_for_that_company(bureau):
    draw = bureau.draw("ergu", "2026-12-01", STRATA)
    document(bureau, draw, "责令限期整改指令书", "汝应急责改〔2026〕二股-001", entity=KEY[1])
    document(bureau, draw, "整改复查意见书", "汝应急复查〔2026〕二股-001", entity=KEY[0])
    assert messages(bureau.verify()) == ["整改复查意见书之前没有同一抽取、同一单位的责令限期整改指令书"]


@pytest.mark.parametrize(("number", "message"), [
    ("汝应急责改〔2026〕二股-002", "文书编号 汝应急责改〔2026〕二股-002 的编号系列此前用于 ergu 台账的责令限期整改指令书，不能再用于检查通知书"),
    ("汝应急检通〔2025〕二股-001", "文书编号 汝应急检通〔2025〕二股-001 的年份 2025 不是开具的年份 2026"),
    ("检通-001", "文书编号 “检通-001” 格式不对（应如 汝应急现记〔2026〕二股-001）"),
])
def test_a_number_outside_its_series(bureau, number, message):
    draw = bureau.draw("ergu", "2026-12-01", STRATA)
    document(bureau, draw, "责令限期整改指令书", "汝应急责改〔2026〕二股-001")
    document(bureau, draw, "检查通知书", number)
    assert messages(bureau.verify()) == [message]


def test_a_draw_with_documents_is_never_voided(bureau):
    draw = bureau.draw("ergu", "2026-12-01", STRATA)
    document(bureau, draw, "检查通知书", "汝应急检通〔2026〕二股-001")
    bureau.void("ergu", draw, "2026-12-03T10:00:00+08:00")
    assert messages(bureau.verify()) == ["ergu-0 的抽取已开具抽查文书，文书已交给被检查单位，不能再作废"]
