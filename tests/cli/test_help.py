"""Every command is registered on the app and says in Chinese what it does."""

from __future__ import annotations

import pytest

COMMANDS = ("check", "import", "draw", "announce", "targeted", "void", "recuse", "log", "show", "verify-ledger",
            "ledger", "plan", "report", "credit", "publish", "init")


def test_the_top_help_lists_every_command(ssj, tmp_path):
    result = ssj(tmp_path, "--help")
    assert result.code == 0
    for command in COMMANDS:
        assert f" {command} " in result.out, command


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_chinese_help(ssj, tmp_path, command):
    result = ssj(tmp_path, command, "--help")
    assert result.code == 0, result.err
    assert any("\u4e00" <= char <= "\u9fff" for char in result.out)


#: common usage errors: what a clerk sees must not fall back to Click's or pydantic's English
USAGE_ERRORS = [
    (("draw", "--sectoin", "二股"), "没有这个选项"),
    (("log", "-n", "-1"), "应不小于 0"),
    (("log", "--limit", "x"), "应为整数"),
]


@pytest.mark.parametrize(("args", "phrase"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_common_usage_errors_are_chinese(ssj, tmp_path, args, phrase):
    result = ssj(tmp_path, *args)
    assert result.code == 2
    assert phrase in result.err
    for english in ("Possible options", "Input should", "No such option", "Invalid value"):
        assert english not in result.err
