"""The one error boundary: known errors → red lines and exit 1 (or 3), usage → 2, Ctrl-C → 130."""

from __future__ import annotations

import sys

import typer

from shuangsuiji.cli import commands  # noqa: F401  (registers every command on the app)
from shuangsuiji.cli.app import app


def main(argv: list[str] | None = None) -> int:
    """Run ``ssj``; returns the exit status instead of raising."""
    from shuangsuiji.core.draw import Refused
    from shuangsuiji.errors import SsjError

    try:
        result = app(args=argv, prog_name="ssj", standalone_mode=False)
    except SsjError as exc:
        from shuangsuiji.cli.console import err, error, print_problems

        error(exc.message)
        if exc.problems and exc.problems[0].message not in exc.message:
            print_problems(exc.problems, err)
        return exc.exit_code
    except Refused as exc:  # the public rules of the draw (core/) refuse in their own words
        from shuangsuiji.cli.console import error

        error(str(exc))
        return 1
    except typer.Exit as exc:
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("已中止。\n")
        return 130
    except OSError as exc:
        # A path a clerk typed that cannot be written, a file Excel or WPS holds open: the environment, not a bug.
        from shuangsuiji.cli.console import error

        error(_os_error(exc))
        return 1
    except Exception as exc:
        # Typer's usage errors (click's, vendored in recent Typer) are matched by shape, not import path.
        if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
            raise
        return _usage_error(exc)
    return result if isinstance(result, int) else 0


_OS_ERRORS = {
    "FileNotFoundError": "找不到文件或目录", "FileExistsError": "已存在同名文件", "IsADirectoryError": "这是一个目录，不是文件",
    "NotADirectoryError": "路径中有一段不是目录", "PermissionError": "没有权限，或文件正被其他程序（如 Excel、WPS）打开",
}


def _os_error(exc: OSError) -> str:
    """One Chinese line for a failed file operation, naming the path."""
    what = _OS_ERRORS.get(type(exc).__name__, exc.strerror or "文件操作失败")
    where = f"：{exc.filename}" if exc.filename else ""
    return f"无法读写文件{where}（{what}）。请检查路径后重试"


def _usage_error(exc: Exception) -> int:
    from shuangsuiji.cli.console import err

    text = str(getattr(exc, "format_message")())  # noqa: B009  (click's exceptions, matched by shape)
    if type(exc).__name__ == "NoArgsIsHelpError":
        err.print(text, markup=False)
        return 0
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "ssj"
    message = text.rstrip().removesuffix(".")  # Click's and Typer's words are Chinese at their source (cli/chinese.py)
    message = message if message.endswith(("。", "？", "！")) else message + "。"
    err.print(f"用法错误：{message}", style="bold red", markup=False)
    err.print(f"运行“{command} --help”查看用法。", markup=False)
    return int(getattr(exc, "exit_code", 2))


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
