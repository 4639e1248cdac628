"""How commands end: data as JSON or in words, a written record with its commit's fate, usage errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shuangsuiji.ledger.writing import Written


def print_data(value: Any, indent: int | None = None) -> None:
    """Machine output (``--json``): ``value`` as JSON on stdout, Chinese written as is."""
    from shuangsuiji.cli.console import print_json

    print_json(json.dumps(value, ensure_ascii=False, indent=indent))


def finish(written: Written, as_json: bool, show: Callable[[], None] | None = None, data: Any = None) -> int:
    """The end of every command that writes a ledger record (SPEC §4 Git, §8).

    A failed commit comes first: the record stays, nothing of it is shown, exit status 3 says how to commit it.
    Otherwise ``data`` or the record exactly as the ledger holds it (``--json``), or ``show`` in words; then
    where it went.
    """
    from rich.markup import escape

    from shuangsuiji.cli.console import err, out
    from shuangsuiji.errors import NotCommittedError

    where = written.path.relative_to(written.path.parents[3]).as_posix()  # data/ledger/<ledger>/<year>.jsonl
    if written.commit_error is not None:
        raise NotCommittedError(
            f"记录已写入 {where}，但 git 提交失败：{written.commit_error}。"
            f"记录不会删除；请处理后运行：git add data/ledger && git commit -m \"补交台账记录\""
        )
    if as_json and data is not None:
        print_data(data, indent=2)
    elif as_json:
        from shuangsuiji.cli.console import print_json
        from shuangsuiji.core.canonical import canonical

        print_json(canonical(written.record).decode("utf-8"))
    elif show is not None:
        show()
    console = err if as_json else out
    line = f"{where} 末行"
    place = f"记录 {written.label}（{line}）" if written.label else f"记录：{line}"
    note = f"已提交 git（{written.commit[:10]}）" if written.commit else "不在 git 仓库中，未提交"
    who = f"；操作人 {escape(written.record['operator'])}" if written.record.get("operator") else ""  # it is public
    console.print(f"[green]已写入[/]{place}；{note}{who}", markup=True, highlight=False)
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
