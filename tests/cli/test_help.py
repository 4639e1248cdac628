"""Every command is registered on the app and says in Chinese what it does, at 80 columns; usage errors are Chinese."""

from __future__ import annotations

import enum
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Annotated

import pytest
import typer
import typer.main
from rich.text import Text

from shuangsuiji.cli import chinese
from shuangsuiji.cli.main import app
from tests.helpers import REPO


def _commands(group, path=()):
    """Every command and sub-command the app registers, as the words a clerk types (``("ledger", "repair")``)."""
    for name, command in group.commands.items():
        if command.hidden:
            continue
        yield (*path, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))


ROOT = typer.main.get_command(app)
COMMANDS = dict(_commands(ROOT))
#: the commands of the top help; so a command added later cannot be missed, they come from the app itself
TOP = [path[0] for path in COMMANDS if len(path) == 1]
#: what must be there, whatever is added
EXPECTED = {"check", "import", "draw", "announce", "targeted", "void", "recuse", "log", "show", "verify-ledger",
            "ledger", "plan", "report", "credit", "publish", "init", "doc", "heads", "checklist"}
ENGLISH = ("<str>", "<int>", "<bool>", "<path>", "<float>", "list[", "env var", "Usage:", "Options", "Arguments",
           "Commands", "[default", "[required]", "Show this message", "x>=", "Error", "Try ")
CLOSING = "，。、；：？！）」』》〉”’】"


def columns(line: str) -> int:
    """Console columns of ``line``, a Chinese character counting two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def squeezed(text: str) -> str:
    """``text`` without spaces, line breaks and the help panels' borders: what is left when wrapping is undone."""
    return re.sub(r"[\s│╭╮╰╯─]", "", text)


def test_the_app_has_every_command_the_tests_expect():
    assert set(TOP) >= EXPECTED
    assert ("ledger", "repair") in COMMANDS and ("checklist", "approve") in COMMANDS


def test_the_top_help_lists_every_command_with_its_whole_summary(ssj, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = ssj(tmp_path, "--help")
    assert result.code == 0
    for name in TOP:
        assert re.search(rf"^│ {re.escape(name)} ", result.out, re.MULTILINE), name
        summary = Text.from_markup((COMMANDS[(name,)].help or "").split("\n\n")[0]).plain
        assert squeezed(summary) in squeezed(result.out), name  # nothing cut off with “…”


@pytest.mark.parametrize("path", list(COMMANDS), ids=" ".join)
def test_each_command_has_chinese_help_at_80_columns(ssj, tmp_path, monkeypatch, path):
    monkeypatch.setenv("COLUMNS", "80")
    result = ssj(tmp_path, *path, "--help")
    assert result.code == 0, result.err
    assert result.out.lstrip().startswith(f"用法：ssj {' '.join(path)} [选项]")
    assert any("\u4e00" <= char <= "\u9fff" for char in result.out)
    for english in ENGLISH:
        assert english not in result.out, english
    lines = result.out.splitlines()
    assert max(columns(line) for line in lines) <= 80, max(lines, key=columns)
    for line in lines:  # a line of Chinese never starts with closing punctuation
        assert not line.strip(" │").startswith(tuple(CLOSING)), line
    command = COMMANDS[path]
    for param in command.params:  # every option's help is there whole: wrapped, not cut
        if param.help and not param.hidden:
            assert squeezed(Text.from_markup(param.help).plain) in squeezed(result.out), param.name
    if command.help:
        assert squeezed(Text.from_markup(command.help.split("\n\n")[0]).plain) in squeezed(result.out)


def test_a_flag_shows_no_value_type_and_a_number_its_range_in_chinese(ssj, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = ssj(tmp_path, "log", "--help").out
    assert re.search(r"--json +以 JSON 输出", out)
    assert re.search(r"--limit +-n +<整数> \[≥0\] +最多显示多少条", out) and "[默认：50]" in out
    assert re.search(r"--help +-h +显示本帮助并退出", out)
    top = ssj(tmp_path, "--help").out
    assert "--repo" in top and "<路径>" in top and "[环境变量：SSJ_REPO]" in top


def test_help_with_no_arguments_is_chinese_too(ssj, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = ssj(tmp_path, "ledger")
    assert "用法：ssj ledger [选项] 命令 [参数]..." in result.out
    assert "─ 选项 ─" in result.out and "─ 命令 ─" in result.out and "Options" not in result.out


#: common usage errors: (arguments, what the message says); all exit 2 and name the command that failed
USAGE_ERRORS = [
    (("draw", "--sectoin", "二股"), "没有这个选项：--sectoin（相近的选项：", "ssj draw"),
    (("doc",), "缺少参数 种类。", "ssj doc"),
    (("checklist", "approve", "--approver", "局长"), "缺少选项 --meeting。", "ssj checklist approve"),
    (("log", "--limit", "x"), "选项 --limit / -n 的取值无效：应为整数，而不是“x”。", "ssj log"),
    (("log", "-n", "-1"), "选项 --limit / -n 的取值无效：应不小于 0。", "ssj log"),
    (("init", "新局", "--year", "明年"), "选项 --year 的取值无效：应为整数，而不是“明年”。", "ssj init"),
    (("log", "多余"), "多余的参数：多余。", "ssj log"),
    (("plan", "approve", "--year"), "选项 --year 后面缺少取值。", "ssj plan approve"),
    (("log", "--json=yes"), "选项 --json 不带取值。", "ssj log"),
    (("ledger", "nosuch"), "没有这个命令“nosuch”。", "ssj ledger"),
    (("chek",), "没有这个命令“chek”。你是不是想用 check、checklist？", "ssj"),
]


@pytest.mark.parametrize(("args", "message", "command"), USAGE_ERRORS, ids=[" ".join(a) for a, *_ in USAGE_ERRORS])
def test_common_usage_errors_are_chinese(ssj, tmp_path, args, message, command):
    result = ssj(tmp_path, *args)
    assert result.code == 2
    assert result.err == f"用法错误：{message}\n运行“{command} --help”查看用法。\n" or (
        message.endswith("：") and result.err.startswith(f"用法错误：{message}")), result.err
    assert not _english(result.err, args), result.err


def _english(message: str, typed: tuple[str, ...]) -> list[str]:
    """The English words left in ``message`` once what the clerk typed, option and command names are taken out."""
    for word in sorted({*typed, *(n for path in COMMANDS for n in path)}, key=len, reverse=True):
        message = message.replace(word, "")
    message = re.sub(r"--?[\w-]+|ssj", "", message)
    return re.findall(r"[A-Za-z]{2,}", message)


# Typer's and Click's own checks that no ssj option uses yet (a choice, an existing file): a small app shows them

class Kind(enum.Enum):
    NOTICE = "notice"
    RECORD = "record"


probe = typer.Typer(add_completion=False)


@probe.command()
def probe_command(
    kind: Annotated[Kind, typer.Option("--kind")] = Kind.NOTICE,
    source: Annotated[Path | None, typer.Option("--source", exists=True, dir_okay=False)] = None,
    folder: Annotated[Path | None, typer.Option("--folder", exists=True, file_okay=False)] = None,
    ratio: Annotated[float, typer.Option("--ratio", max=1)] = 0.1,
    pair: Annotated[tuple[str, str] | None, typer.Option("--pair")] = None,
    level: Annotated[int, typer.Option("--level", min=1, max=3)] = 1,
) -> None:
    """Does nothing: its options have Typer check their values."""


def probe_error(*args: str) -> str:
    with pytest.raises(Exception) as raised:
        typer.main.get_command(probe).main(list(args), prog_name="ssj", standalone_mode=False)
    assert getattr(raised.value, "exit_code", None) == 2, raised.value
    return raised.value.format_message()


@pytest.mark.parametrize(("args", "message"), [
    (("--kind", "memo"), "选项 --kind 的取值无效：“memo”不是可选的值，可选：notice、record"),
    (("--source", "/no/such/file"), "选项 --source 的取值无效：文件“/no/such/file”不存在"),
    (("--source", str(REPO)), f"选项 --source 的取值无效：“{REPO}”是目录，这里要的是文件"),
    (("--folder", str(REPO / "README.md")), f"选项 --folder 的取值无效：“{REPO / 'README.md'}”是文件，这里要的是目录"),
    (("--ratio", "x"), "选项 --ratio 的取值无效：应为数字，而不是“x”"),
    (("--ratio", "2"), "选项 --ratio 的取值无效：应不大于 1.0"),
    (("--pair", "a"), "选项 --pair 后面应跟 2 个值"),
    (("--level", "9"), "选项 --level 的取值无效：应不大于 3"),
    (("--lvl", "2"), "没有这个选项：--lvl（相近的选项：--level）"),
], ids=lambda value: " ".join(value) if isinstance(value, tuple) else None)
def test_typers_own_checks_are_worded_in_chinese(args, message):
    assert probe_error(*args) == message


def test_a_choice_and_a_range_show_in_chinese_in_help(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit):
        typer.main.get_command(probe).main(["--help"], prog_name="ssj", standalone_mode=True)
    out = capsys.readouterr().out
    assert "<notice|record>" in out and "<整数> [1～3]" in out and "<数字> [≤1]" in out and "<文本，文本>" in out
    assert "[默认：notice]" in out and "─ 选项 ─" in out


def test_an_app_run_standalone_shows_its_errors_in_chinese():
    from typer.testing import CliRunner

    result = CliRunner().invoke(probe, ["--level", "x"])
    assert result.exit_code == 2
    assert "用法：" in result.output and "运行“" in result.output and "─ 错误 ─" in result.output
    assert "选项 --level 的取值无效：应为整数，而不是“x”" in result.output
    assert not any(english in result.output for english in ("Usage", "Error", "Try", "Invalid", "Input should"))


def test_a_message_typer_does_not_know_stays_as_it_is():
    assert chinese.translate("请用 --section 指定科室") == "请用 --section 指定科室"
    assert chinese.translate("Option '--x' requires 3 arguments.") == "选项 --x 后面应跟 3 个值"
    assert chinese.translate("Got unexpected extra argument (file)") == "多余的参数：file"  # typed, not translated
    assert chinese.translate("Value 'x' is not a valid int.") == "“x”不是有效的整数"


def test_rich_breaks_chinese_between_characters_only_while_help_is_shown():
    import rich._wrap

    plain = rich._wrap.words
    with chinese._chinese_line_breaks():
        assert [word for _, _, word in rich._wrap.words("见证（至少 2 人）。ssj draw")] == \
            ["见", "证", "（至", "少 ", "2 ", "人）。", "ssj ", "draw"]
    assert rich._wrap.words is plain


def test_help_only_imports_stay_lazy():
    """``typer.rich_utils`` (and the help panels' words) load only when help is shown: start-up stays quick."""
    code = ("import sys\nfrom shuangsuiji.cli import main\nmain({args})\n"
            "print('typer.rich_utils' in sys.modules)")
    for args, loaded in ((["log", "-n", "x"], "False"), (["log", "--help"], "True")):
        result = subprocess.run([sys.executable, "-c", code.format(args=args)], capture_output=True, text=True,
                                encoding="utf-8", cwd=REPO, timeout=120)
        assert result.stdout.strip().splitlines()[-1] == loaded, (args, result.stdout, result.stderr)
