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
