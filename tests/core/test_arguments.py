"""core/arguments.py: argparse's own words in Chinese for the bundle's verify.py, whatever the option's type."""

from __future__ import annotations

import pytest

from shuangsuiji.core.arguments import Parser


def usage_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    parser = Parser(prog="verify.py")
    parser.add_argument("--pair", nargs=2)
    parser.add_argument("--count", type=int)
    parser.add_argument("--kind", choices=["notice", "record"])
    with pytest.raises(SystemExit) as raised:
        parser.parse_args(list(args))
    assert raised.value.code == 2
    return capsys.readouterr().err.splitlines()[-1]


@pytest.mark.parametrize(("args", "message"), [
    (("--pair", "a"), "用法错误：参数 --pair 后面应跟 2 个值（运行 verify.py --help 查看说明）"),
    (("--count", "x"), "用法错误：参数 --count 的取值 'x' 无效（运行 verify.py --help 查看说明）"),
    (("--kind", "memo"), "用法错误：参数 --kind 的取值 'memo' 无效（可选：'notice', 'record'）（运行 verify.py --help 查看说明）"),
])
def test_argparse_words_that_depend_on_the_option_are_chinese(capsys, args, message):
    assert usage_error(capsys, *args) == message


def test_argparse_gets_its_own_words_back_afterwards(capsys):
    import argparse

    usage_error(capsys, "--pair", "a")
    assert argparse.ngettext("expected %s argument", "expected %s arguments", 2) == "expected %s arguments"
    assert argparse._("usage: ") == "usage: "
