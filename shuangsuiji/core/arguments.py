"""argparse in Chinese and at 80 columns, for the bundle's ``verify.py`` (its own words for usage errors and
help, wrapped by console columns, a Chinese character counting two)."""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import unicodedata

#: argparse's own words in Chinese, by their gettext message ids (Python 3.8 to 3.13); others stay as they are
ARGPARSE_WORDS = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "optional arguments": "选项",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "expected one argument": "后面应跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected at least one argument": "后面至少跟一个值",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s %(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "的取值 %(value)r 无效（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "的取值 %(value)r 无效",  # %(type)s is a Python name (int, float)
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "不应带值 %r",
    "one of the arguments %s is required": "参数 %s 必须有一个",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "show program's version number and exit": "显示版本号并退出",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有这个命令 %(parser_name)r（可选：%(choices)s）",
}
#: argparse's words that depend on a number, looked up through ``ngettext``: (singular, plural) → Chinese
ARGPARSE_COUNTED = {("expected %s argument", "expected %s arguments"): "后面应跟 %s 个值"}
HELP_WIDTH = 78  # columns, a Chinese character counting two: readable in an 80-column console
_UNWORDED_ARGUMENT = re.compile(r"^argument (\S+): ")
_HEADING = re.compile(r"^(\S[^\n]*):$", re.MULTILINE)
_TOKEN = re.compile(r"[\x21-\x7e]+|\s+|.")
_CLOSING = "，。、；：？！）」』》〉”’"
_OPENING = "（「『《〈“‘"


@contextlib.contextmanager
def _chinese_argparse():
    """argparse looks up its words through its module's ``_`` (gettext) and ``ngettext`` when it uses them:
    Chinese meanwhile."""
    english, counted = argparse._, getattr(argparse, "ngettext", None)
    argparse._ = lambda text: ARGPARSE_WORDS.get(text) or english(text)
    if counted is not None:
        argparse.ngettext = lambda one, many, n: ARGPARSE_COUNTED.get((one, many)) or counted(one, many, n)
    try:
        yield
    finally:
        argparse._ = english
        if counted is not None:
            argparse.ngettext = counted


def columns(text: str) -> int:
    """How many console columns ``text`` takes (a Chinese character two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def wrap(text: str, width: int) -> list:
    """``text`` in lines of at most ``width`` columns, broken at spaces and between Chinese characters (never
    before closing or after opening punctuation); textwrap counts a Chinese character as one column."""
    tokens: list = []
    for token in _TOKEN.findall(" ".join(text.split())):
        if tokens and (token[0] in _CLOSING or tokens[-1][-1] in _OPENING):
            tokens[-1] += token
        else:
            tokens.append(token)
    lines, line = [], ""
    for token in tokens:
        if line and columns(line + token.rstrip()) > width:
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        else:
            line += token
    return [*lines, line.rstrip()] if line.strip() else lines


class _Formatter(argparse.HelpFormatter):
    """Help wrapped by console columns, paragraphs (blank lines) kept."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=26, width=HELP_WIDTH)

    def _split_lines(self, text, width):
        return wrap(text, width)

    def _fill_text(self, text, width, indent):
        return "\n\n".join("\n".join(indent + line for line in wrap(part, width)) for part in text.split("\n\n"))

    def _format_action(self, action):
        """argparse pads an option to the help column by characters: take back what a Chinese metavar's
        second columns added, or start its help on the next line when there is no room."""
        text = super()._format_action(action)
        head = " " * self._current_indent + self._format_action_invocation(action)
        extra = columns(head) - len(head)
        if not extra or not text.startswith(head + "  "):
            return text
        rest = text[len(head):]
        padding = len(rest) - len(rest.lstrip(" "))
        if padding - extra >= 2:
            return head + rest[extra:]
        return head + "\n" + " " * (len(head) + padding) + rest.lstrip(" ")


class Parser(argparse.ArgumentParser):
    """argparse in Chinese: its own words for usage errors and help."""

    def __init__(self, **options) -> None:
        with _chinese_argparse():  # the -h option and the group titles are worded here
            super().__init__(formatter_class=_Formatter, **options)

    def parse_args(self, args=None, namespace=None):
        with _chinese_argparse():  # "unrecognized arguments" is worded here, the rest in parse_known_args
            return super().parse_args(args, namespace)

    def format_usage(self) -> str:
        with _chinese_argparse():
            return super().format_usage()

    def format_help(self) -> str:
        with _chinese_argparse():
            return _HEADING.sub(r"\1：", super().format_help())

    def error(self, message: str):
        message = _UNWORDED_ARGUMENT.sub(r"参数 \1 ", message)  # Python 3.8 words this without gettext
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}（运行 {self.prog} --help 查看说明）", file=sys.stderr)
        sys.exit(2)
