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


#: numbers as people really write them (issue 11: only the plain forms were caught)
SPLIT_NUMBERS = {
    "138 1234 5678": "手机号码 138 1234 5678",
    "138-1234-5678": "手机号码 138-1234-5678",
    "+86 139 1234 5678": "手机号码 +86 139 1234 5678",
    "8613912345678": "手机号码 8613912345678",
    "１３８１２３４５６７８": "手机号码 13812345678",
    "(0375)6012345": "电话号码 (0375)6012345",
    "0375 6012345": "电话号码 0375 6012345",
    "zhang＠qq.com": "电子邮箱 zhang@qq.com",
    "410482 19850315 0019": "身份证号码 410482 19850315 0019",
}


@pytest.mark.parametrize("written", sorted(SPLIT_NUMBERS))
def test_split_full_width_and_prefixed_numbers_are_found(written):
    from shuangsuiji.registry.privacy import private_numbers

    assert private_numbers(f"负责人张某（{written}）称已整改") == [SPLIT_NUMBERS[written]]


@pytest.mark.parametrize("text", ["2026-12-01 检查 30 处，罚款 50000 元", "统一社会信用代码 914104827481559424",
                                  "汝应急罚〔2026〕58号", "开奖号码 03 08 12 19 25 31 + 07", "第 1 2 3 条"])
def test_ordinary_numbers_are_not_taken_for_private_ones(text):
    from shuangsuiji.registry.privacy import private_numbers

    assert private_numbers(text) == []
