"""Published free text is scanned for private numbers (SPEC §6, issue 11): phone, ID card, e-mail."""

from __future__ import annotations

import pytest

from shuangsuiji.errors import SsjError
from shuangsuiji.registry.privacy import private_numbers, refuse_private


@pytest.mark.parametrize(("text", "found"), [
    ("负责人电话 13912345678", ["手机号码 13912345678"]),
    ("值班室 0375-6012345", ["电话号码 0375-6012345"]),
    ("身份证 410482198503150019", ["身份证号码 410482198503150019"]),
    ("材料发至 zhang.mou@example.com", ["电子邮箱 zhang.mou@example.com"]),
])
def test_private_numbers_are_found(text, found):
    assert private_numbers(text) == found


@pytest.mark.parametrize("text", [
    "库房内烟花爆竹超量存放约 2 箱",
    "统一社会信用代码 914104821728047189",  # an all-digit credit code is not an ID card (no valid birth date)
    "身份证 410482198503150011",  # wrong check digit: not a real ID-card number
    "整改期限 2026-12-10，文号 汝应急罚〔2026〕12号",
    "",
])
def test_ordinary_text_passes(text):
    assert private_numbers(text) == []


def test_a_reason_with_a_phone_number_is_refused():
    with pytest.raises(SsjError, match="作废原因中有个人信息（手机号码 13912345678）"):
        refuse_private("联系 13912345678 后作废", "作废原因")
