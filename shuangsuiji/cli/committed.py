"""How a command that wrote files under data/ ends: ``--no-commit``, and the fate of the commit of what it wrote."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from shuangsuiji.registry.commits import Saved

NoCommitOption = Annotated[bool, typer.Option(
    "--no-commit", help="只写入文件，不提交 git（之后按提示手工提交）")]


def settle(saved: Saved | None) -> None:
    """First of all: a commit that failed after the files were written is exit status 3 (SPEC §8), nothing shown."""
    from shuangsuiji.errors import NotCommittedError

    if saved is not None and saved.error is not None:
        raise NotCommittedError(
            f"已写入 {_listed(saved)}，但 git 提交失败：{saved.error}。文件不会删除；请处理后运行：{by_hand(saved)}")


def tell(saved: Saved | None, as_json: bool) -> None:
    """Last: one line on what became of the commit (on stderr with ``--json``, so stdout stays one document)."""
    from shuangsuiji.cli.console import err, out
    from shuangsuiji.registry.commits import ASKED, OUTSIDE_GIT

    if saved is None:
        return
    console = err if as_json else out
    if saved.commit:
        console.print(f"[green]已提交 git[/]（{saved.commit[:10]}）：{saved.message}", markup=True, highlight=False)
    elif saved.skipped == ASKED:
        console.print(f"未提交 git（--no-commit）。确认无误后提交：{by_hand(saved)}", style="yellow", markup=False,
                      highlight=False)
    elif saved.skipped == OUTSIDE_GIT:
        console.print("警告：这里不是 git 仓库，写入的文件没有提交", style="yellow", markup=False, highlight=False)
    else:
        console.print("文件与 git 中已提交的内容相同，无需提交", markup=False, highlight=False)


def by_hand(saved: Saved) -> str:
    """The git commands that commit exactly these files, as the command would have."""
    files = " ".join(f'"{p}"' if any(c.isspace() for c in p) else p for p in saved.paths)
    message = saved.message.replace('"', '\\"')
    return f'git add -- {files} && git commit -m "{message}" -- {files}'


def _listed(saved: Saved) -> str:
    return "、".join(saved.paths[:5]) + ("等" if len(saved.paths) > 5 else "")
