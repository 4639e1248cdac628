"""Output for people: rich on a terminal, plain when piped; errors in red on stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shuangsuiji.errors import Problem

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(text: str) -> None:
    """Machine output: exactly ``text`` on stdout, no markup, no wrapping."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def print_problems(problems: list[Problem], console: Console = out) -> None:
    """One line per problem, errors in red, warnings in yellow."""
    for problem in problems:
        style = "red" if problem.severity == "error" else "yellow"
        console.print(str(problem), style=style, markup=False)


def error(message: str) -> None:
    """A refusal: one red line on stderr."""
    err.print(message, style="bold red", markup=False)


@contextmanager
def progress(label: str, total: int | None) -> Iterator[Any]:
    """A progress bar on a terminal; a silent stand-in when output is piped."""
    if not err.is_terminal:
        yield lambda *_args, **_kw: None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda *_args, **_kw: bar.advance(task)
