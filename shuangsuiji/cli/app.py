"""The Typer application and its options shared by every command. Heavy modules load per command."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from shuangsuiji.workspace import Workspace

HELP = """ssj —— 应急管理局“双随机、一公开”抽查工具。

随机抽取检查对象和执法检查人员（任何人都能复核），把每次抽取写入防篡改台账，并生成公开材料。
在数据仓库目录里运行；第一次使用先运行 ssj check。"""

app = typer.Typer(
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出，供脚本使用")]

_repo: list[Path | None] = [None]


def workspace() -> Workspace:
    """The bureau repository named by ``--repo`` or found from the current folder."""
    from shuangsuiji.workspace import Workspace

    return Workspace.find(_repo[0])


def chinese_help_panels() -> None:
    """Chinese titles for Typer's help panels (imported only when help is shown: it costs ~0.1 s)."""
    import typer.rich_utils as panels

    panels.OPTIONS_PANEL_TITLE = "选项"
    panels.COMMANDS_PANEL_TITLE = "命令"
    panels.ARGUMENTS_PANEL_TITLE = "参数"
    panels.ERRORS_PANEL_TITLE = "错误"
    panels.REQUIRED_LONG_STRING = "[必填]"
    panels.DEFAULT_STRING = "[默认：{}]"
    panels.ABORTED_TEXT = "已中止。"
    _chinese_help_option()


def _chinese_help_option() -> None:
    """“显示本帮助并退出” for ``--help`` itself; Typer hard-codes the English text in a private module, so
    a Typer without that module simply keeps the English line."""
    try:
        import typer._click.decorators as decorators
    except ImportError:
        return
    original = getattr(decorators, "help_option", None)
    if original is None or getattr(original, "chinese", False):
        return

    def help_option(param_decls: list[str]) -> Any:
        decorate = original(param_decls)

        def apply(command: Any) -> Any:
            result = decorate(command)
            command.params[-1].help = "显示本帮助并退出。"
            return result

        return apply

    setattr(help_option, "chinese", True)  # noqa: B010  (marks the wrapper so it is installed once)
    decorators.help_option = help_option



@app.callback()
def _root(
    repo: Annotated[
        Path | None,
        typer.Option("--repo", envvar="SSJ_REPO", help="数据仓库目录（默认：当前目录或其上级目录）", show_default=False),
    ] = None,
) -> None:
    """ssj —— 应急管理局“双随机、一公开”抽查工具。"""
    _repo[0] = repo
