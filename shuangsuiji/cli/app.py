"""The Typer application and its options shared by every command. Heavy modules load per command."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from shuangsuiji.cli import chinese

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
chinese.install()  # Typer's and Click's own words in Chinese, before any command is built or run

JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出，供脚本使用")]

_repo: list[Path | None] = [None]


def workspace() -> Workspace:
    """The bureau repository named by ``--repo`` or found from the current folder."""
    from shuangsuiji.workspace import Workspace

    return Workspace.find(_repo[0])


@app.callback()
def _root(
    repo: Annotated[
        Path | None,
        typer.Option("--repo", envvar="SSJ_REPO", help="数据仓库目录（默认：当前目录或其上级目录）", show_default=False),
    ] = None,
) -> None:
    """ssj —— 应急管理局“双随机、一公开”抽查工具。"""
    _repo[0] = repo
