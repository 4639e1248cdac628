"""Typer's and Click's own words in Chinese, installed where they are produced, and help that reads at 80 columns.

Typer 0.29 bundles Click as ``typer._click``. Typer words its help through gettext (``typer.core._`` and the
constants of ``typer.rich_utils``); the bundled Click and Typer's parameter checks build their messages with
f-strings, and Typer passes on pydantic's first error message. So the catalogue has three parts: gettext message
ids, the f-string templates of those messages (matched where an exception formats its message), and pydantic's
error types. Each piece is installed on its own and skipped when a Typer version lacks what it replaces, which
then keeps its English. Help-only pieces (``typer.rich_utils`` costs ~0.05 s to import) load when help is shown.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from functools import cache, wraps
from typing import Any

#: Typer's gettext message ids (``typer.core`` and ``typer.rich_utils``) in Chinese
GETTEXT = {
    "(dynamic)": "（动态）", "(deprecated) ": "（已停用）", "Aborted!": "已中止。", "Aborted.": "已中止。",
    "default: {default}": "默认：{default}", "required": "必填", "env var: {var}": "环境变量：{var}",
    "Arguments": "参数", "Options": "选项", "Commands": "命令", "Error": "错误",
    "Missing command.": "缺少命令。", "No such command {name!r}.": "没有这个命令“{name}”。",
}

#: the constants ``typer.rich_utils`` words at import, in Chinese
RICH_WORDS = {
    "DEPRECATED_STRING": "（已停用）", "DEFAULT_STRING": "[默认：{}]", "ENVVAR_STRING": "[环境变量：{}]",
    "REQUIRED_LONG_STRING": "[必填]", "ARGUMENTS_PANEL_TITLE": "参数", "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令", "ERRORS_PANEL_TITLE": "错误", "ABORTED_TEXT": "已中止。",
    "RICH_HELP": "运行“[blue]{command_path} {help_option}[/]”查看用法。",
}

#: the messages the bundled Click and Typer build with f-strings: their template (``{name}`` a part that varies,
#: quoted as Click's ``!r`` prints it) and its Chinese
TEMPLATES = [
    ("{message}. Did you mean {suggestions}?", "{message}你是不是想用 {suggestions}？"),
    ("No such option: {option}", "没有这个选项：{option}"),
    ("Got unexpected extra argument(s) ({arguments})", "多余的参数：{arguments}"),
    ("Got unexpected extra argument ({arguments})", "多余的参数：{arguments}"),
    ("Got unexpected extra arguments ({arguments})", "多余的参数：{arguments}"),
    ("Option '{option}' requires an argument.", "选项 {option} 后面缺少取值"),
    ("Option '{option}' requires {count} arguments.", "选项 {option} 后面应跟 {count} 个值"),
    ("Option '{option}' does not take a value.", "选项 {option} 不带取值"),
    ("Argument '{argument}' takes {count} values.", "参数 {argument} 应有 {count} 个值"),
    ("Value must be an iterable.", "应为多个值"),
    ("Value '{value}' is not a valid {type}.", "“{value}”不是有效的{type}"),
    ("'{value}' is not one of {choices}.", "“{value}”不是可选的值，可选：{choices}"),
    ("'{value}' does not match the formats {formats}.", "“{value}”的格式不对，应为 {formats}"),
    ("{expected} values are required, but {given} given.", "应有 {expected} 个值，却给了 {given} 个"),
    ("value is not a valid tuple", "应为一组值"),
    ("{kind} '{path}' does not exist.", "{kind}“{path}”不存在"),
    ("{kind} '{path}' is a file.", "“{path}”是文件，这里要的是目录"),
    ("{kind} '{path}' is a directory.", "“{path}”是目录，这里要的是文件"),
    ("{kind} '{path}' is not readable.", "没有权限读取{kind}“{path}”"),
    ("{kind} '{path}' is not writable.", "没有权限写入{kind}“{path}”"),
    ("'{path}': {reason}", "无法打开文件“{path}”：{reason}"),
]

#: words inside those templates that are themselves English
WORDS = {
    "file": "文件", "directory": "目录", "dir": "目录", "path": "路径",
    "No such file or directory": "找不到文件或目录", "Permission denied": "没有权限", "Is a directory": "这是一个目录",
    "unknown error": "未知错误",
}

#: pydantic's error types (Typer checks a value with pydantic and passes on its first error) in Chinese
PYDANTIC = {
    "int_parsing": "应为整数，而不是“{input}”", "int_from_float": "应为整数，而不是“{input}”",
    "int_parsing_size": "整数太大：{input}", "float_parsing": "应为数字，而不是“{input}”",
    "decimal_parsing": "应为数字，而不是“{input}”", "bool_parsing": "应为是或否（yes/no、true/false、1/0），而不是“{input}”",
    "greater_than_equal": "应不小于 {ge}", "greater_than": "应大于 {gt}",
    "less_than_equal": "应不大于 {le}", "less_than": "应小于 {lt}",
    "date_parsing": "应为日期，如 2026-12-01，而不是“{input}”",
    "date_from_datetime_parsing": "应为日期，如 2026-12-01，而不是“{input}”",
    "datetime_parsing": "应为日期时间，如 2026-12-01T09:00，而不是“{input}”",
    "datetime_from_date_parsing": "应为日期时间，如 2026-12-01T09:00，而不是“{input}”",
    "enum": "应为以下之一：{expected}", "literal_error": "应为以下之一：{expected}",
    "path_type": "应为路径", "string_type": "应为文本",
}

#: the names of value types in help (``<文本>``)
TYPE_NAMES = {
    "str": "文本", "int": "整数", "float": "数字", "Decimal": "数字", "bool": "是/否", "datetime": "日期时间",
    "date": "日期", "path": "路径", "Path": "路径", "file": "文件", "dir": "目录",
}
USAGE_PIECES = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]..."}
USAGE_PREFIX = "用法："
HELP_OPTION = "显示本帮助并退出"


def translate(message: str) -> str:
    """Click's or Typer's English message in Chinese (by its template); any other message as it is."""
    for pattern, chinese in _compiled():
        match = pattern.fullmatch(message)
        if match:
            parts = match.groupdict()
            for name in ("kind", "type", "reason"):  # Click's own words, never what the clerk typed
                if name in parts:
                    parts[name] = WORDS.get(parts[name]) or TYPE_NAMES.get(parts[name], parts[name])
            if "message" in parts:
                parts["message"] = translate(parts["message"])
            for name in ("suggestions", "choices"):  # 'check', 'checklist' → check、checklist
                if name in parts:
                    parts[name] = "、".join(re.findall(r"'([^']*)'", parts[name])) or parts[name]
            return chinese.format(**parts)
    return message


@cache
def _compiled() -> list[tuple[re.Pattern[str], str]]:
    """The templates as patterns, made on the first usage error (not at every start)."""
    found = []
    for english, chinese in TEMPLATES:
        pieces = re.split(r"\{(\w+)\}", english)
        pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(pieces))
        found.append((re.compile(pattern, re.DOTALL), chinese))
    return found


def pydantic_message(exc: Any) -> str:
    """The first of pydantic's errors in Chinese, by its type (Typer shows only the first)."""
    errors = exc.errors()
    if not errors:
        return "取值无效"
    error = errors[0]
    if error.get("type") == "value_error" and "error" in error.get("ctx", {}):
        return translate(str(error["ctx"]["error"]))
    words = dict(error.get("ctx") or {}, input=error.get("input", ""))
    try:
        return PYDANTIC[error["type"]].format(**words)
    except (KeyError, IndexError, ValueError):
        return f"取值无效：“{words['input']}”"


def install() -> None:
    """Chinese for usage errors, the usage line and the value types: cheap, done at start-up."""
    for step in (_gettext, _exceptions, _pydantic, _parameters, _usage, _help_hook):
        with contextlib.suppress(ImportError, AttributeError):
            step()


def install_help() -> None:
    """Chinese panel titles and CJK-aware wrapping for Typer's rich help (imports ``typer.rich_utils``)."""
    try:
        import typer.rich_utils as panels
    except ImportError:
        return
    for name, chinese in RICH_WORDS.items():
        if hasattr(panels, name):
            setattr(panels, name, chinese)
    original = panels.rich_format_help
    if not getattr(original, "chinese", False):
        panels.rich_format_help = _marked(_wrapped_by_columns(original))


def _marked(function: Callable[..., Any]) -> Callable[..., Any]:
    setattr(function, "chinese", True)  # noqa: B010  (marks a replacement so it is installed once)
    return function


def _replace(owner: Any, name: str, make: Callable[[Any], Callable[..., Any]]) -> None:
    """``owner.name`` replaced by ``make(original)``, once."""
    original = getattr(owner, name)
    if not getattr(original, "chinese", False):
        setattr(owner, name, _marked(make(original)))


def _gettext() -> None:
    import typer.core

    typer.core._ = _marked(lambda text: GETTEXT.get(text, text))


def _exceptions() -> None:
    from typer._click import exceptions

    _replace(exceptions.UsageError, "format_message", lambda _: lambda self: translate(self.message))
    _replace(exceptions.BadParameter, "format_message", lambda _: _bad_parameter)
    _replace(exceptions.MissingParameter, "format_message", lambda _: _missing_parameter)
    _replace(exceptions.MissingParameter, "__str__", lambda _: lambda self: self.message or _missing_parameter(self))
    _replace(exceptions.NoSuchOption, "format_message", lambda _: _no_such_option)
    _replace(exceptions.FileError, "format_message",
             lambda _: lambda self: f"无法打开文件“{self.ui_filename}”：{WORDS.get(self.message, self.message)}")


def _hint(exc: Any) -> str:
    """“选项 --limit / -n” or “参数 记录”: what the clerk typed wrong, in Chinese."""
    if exc.param_hint is not None:
        names = [exc.param_hint] if isinstance(exc.param_hint, str) else list(exc.param_hint)
        return " / ".join(str(name).strip("'") for name in names)
    param = exc.param
    if param is None:
        return ""
    if getattr(param, "param_type_name", "") == "option":
        return "选项 " + " / ".join(param.opts)
    return "参数 " + str(getattr(param, "display_name_raw", None) or param.name)


def _bad_parameter(self: Any) -> str:
    hint = _hint(self)
    message = translate(self.message)
    return f"{hint} 的取值无效：{message}" if hint else f"取值无效：{message}"


def _missing_parameter(self: Any) -> str:
    text = "缺少" + (_hint(self) or {"option": "选项"}.get(self.param_type or "", "参数"))
    description = getattr(self.param, "type_descriptor", None)
    if description is not None and description.is_choice:
        text += "（可选：" + "、".join(str(getattr(c, "value", c)) for c in description.choices or ()) + "）"
    if self.message:
        text += "：" + translate(self.message)
    return text


def _no_such_option(self: Any) -> str:
    message = translate(self.message)
    if not self.possibilities:
        return message
    return f"{message}（相近的选项：{'、'.join(sorted(self.possibilities))}）"


def _pydantic() -> None:
    import typer._coercion
    import typer._param_types

    for module in (typer._coercion, typer._param_types):
        if hasattr(module, "get_error_msg"):
            setattr(module, "get_error_msg", _marked(pydantic_message))  # noqa: B010  (not in every Typer)


def _parameters() -> None:
    import typer.core

    _replace(typer.core._TyperParameter, "display_type", lambda _: _display_type)
    _replace(typer.core.TyperOption, "display_type_rich", _no_type_for_flags)
    if hasattr(typer.core, "describe_number_range"):
        typer.core.describe_number_range = _marked(describe_range)


def _type_name(annotation: Any) -> str:
    return TYPE_NAMES.get(getattr(annotation, "__name__", str(annotation)), "值")


def _display_type(self: Any, ctx: Any) -> str:
    """``<文本>``, ``<整数>``, ``<路径>``; ``<文本>...`` for a value given more than once; choices as they are."""
    from typing import get_args

    description = self.type_descriptor
    annotation = description.annotation
    if description.is_list:
        annotation = (get_args(annotation) or (str,))[0]
    if description.is_choice and getattr(self, "show_choices", True):
        label = "|".join(str(getattr(c, "value", c)) for c in description.choices or ())
    elif description.is_tuple:
        label = "，".join(_type_name(a) for a in get_args(annotation))
    elif description.is_path:
        label = TYPE_NAMES.get(description.path_type, "路径")
    elif description.is_datetime and description.parameter_info.formats:
        label = "|".join(description.parameter_info.formats)
    else:
        label = _type_name(annotation)
    return f"<{label}>" + ("..." if description.is_list else "")


def _no_type_for_flags(original: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(original)
    def display_type_rich(self: Any, ctx: Any) -> Any:
        if self.metavar is None and getattr(self, "is_flag", False):
            return None  # a flag takes no value
        return original(self, ctx)

    return display_type_rich


def describe_range(minimum: float | None, maximum: float | None) -> str | None:
    """``≥0``, ``≤9`` or ``1～9`` for a number option's range."""
    if minimum is None and maximum is None:
        return None
    if maximum is None:
        return f"≥{minimum}"
    if minimum is None:
        return f"≤{maximum}"
    return f"{minimum}～{maximum}"


def _usage() -> None:
    import typer.core
    from typer._click import core, formatting

    _replace(formatting.HelpFormatter, "write_usage", _chinese_prefix)
    _replace(typer.core.TyperGroup, "collect_usage_pieces", _chinese_pieces)
    _replace(core.Command, "collect_usage_pieces", _chinese_pieces)
    _replace(core.Command, "get_help_option", _chinese_help_option)
    _replace(core.Command, "parse_args", _naming_the_command)


def _chinese_prefix(original: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(original)
    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, USAGE_PREFIX if prefix is None else prefix)

    return write_usage


def _chinese_pieces(original: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(original)
    def collect_usage_pieces(self: Any, ctx: Any) -> list[str]:
        return [USAGE_PIECES.get(piece, piece) for piece in original(self, ctx)]

    return collect_usage_pieces


def _chinese_help_option(original: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(original)
    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    return get_help_option


def _naming_the_command(original: Callable[..., Any]) -> Callable[..., Any]:
    """Click's parser raises some usage errors without their command (``Option '--year' requires an argument``):
    give them the command whose arguments were being parsed, so the message names it, not ``ssj``."""
    from typer._click.exceptions import UsageError

    @wraps(original)
    def parse_args(self: Any, ctx: Any, args: list[str]) -> list[str]:
        try:
            return original(self, ctx, args)
        except UsageError as exc:
            if exc.ctx is None:
                exc.ctx, exc.cmd = ctx, ctx.command
            raise

    return parse_args


def _help_hook() -> None:
    """Help is formatted in one place per kind of command: install the help-only pieces there, on first use."""
    import typer.core

    for kind in (typer.core.TyperCommand, typer.core.TyperGroup):
        _replace(kind, "format_help", _installing_help)
    _replace(typer.core, "_main", _standalone)


def _standalone(original: Callable[..., Any]) -> Callable[..., Any]:
    """A Typer app run standalone (``CliRunner``, not ``ssj``) shows its errors in rich's panel: Chinese there too."""
    @wraps(original)
    def _main(self: Any, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if standalone_mode:
            install_help()
        return original(self, *args, standalone_mode=standalone_mode, **kwargs)

    return _main


def _installing_help(original: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(original)
    def format_help(self: Any, ctx: Any, formatter: Any) -> Any:
        install_help()
        return original(self, ctx, formatter)

    return format_help


#: where a line of Chinese may break: between any two characters, except before closing or after opening
#: punctuation; a run of printable ASCII (an option, a file name, a number) stays whole
_OPENING = "（「『《〈“‘【"
_CLOSING = "，。、；：？！）」』》〉”’】…"
_WORD = rf"\s*[{_OPENING}]*(?:[\x21-\x7e]+|[^\s\x21-\x7e])[{_CLOSING}]*\s*"  # compiled on first use


def words(text: str) -> Iterator[tuple[int, int, str]]:
    """The places rich may break ``text`` at, Chinese-aware (rich itself breaks only at spaces)."""
    for match in re.finditer(_WORD, text):
        yield match.start(), match.end(), match.group(0)


def _wrapped_by_columns(original: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(original)
    def rich_format_help(*args: Any, **kwargs: Any) -> Any:
        with _chinese_line_breaks():
            return original(*args, **kwargs)

    return rich_format_help


@contextlib.contextmanager
def _chinese_line_breaks() -> Iterator[None]:
    """rich breaks lines where ``rich._wrap.words`` says; Chinese-aware while help is printed, then as it was."""
    try:
        import rich._wrap as wrapping

        plain = wrapping.words
    except (ImportError, AttributeError):  # another rich: its own line breaks
        yield
        return
    wrapping.words = words
    try:
        yield
    finally:
        wrapping.words = plain
