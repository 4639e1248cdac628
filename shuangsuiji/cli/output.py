"""What every command that writes a ledger record says at the end, and usage errors raised by commands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shuangsuiji.ledger.writing import Written


def finish(written: Written, as_json: bool) -> int:
    """Say where the record went and whether git has it; exit status 3 when the commit failed (SPEC §8)."""
    from shuangsuiji.cli.console import err, out
    from shuangsuiji.errors import NotCommittedError

    where = written.path.relative_to(written.path.parents[2]).as_posix()
    if written.commit_error is not None:
        raise NotCommittedError(
            f"记录已写入 {where}，但 git 提交失败：{written.commit_error}。"
            f"记录不会删除；请处理后运行：git add {where} && git commit -m \"补交台账记录\""
        )
    console = err if as_json else out
    line = f"{where} 第 {written.record['seq'] + 1} 行"
    place = f"记录 {written.label}（{line}）" if written.label else f"记录：{line}"
    note = f"已提交 git（{written.commit[:10]}）" if written.commit else "不在 git 仓库中，未提交"
    console.print(f"[green]已写入[/]{place}；{note}", markup=True, highlight=False)
    return 0


@dataclass(frozen=True)
class _Command:
    command_path: str


class UsageProblem(Exception):
    """Wrong usage found by a command itself: printed like Typer's own usage errors, exit status 2."""

    exit_code = 2

    def __init__(self, message: str, command: str = "ssj") -> None:
        super().__init__(message)
        self.message = message
        self.ctx = _Command(command)

    def format_message(self) -> str:
        return self.message
