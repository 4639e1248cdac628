"""One exception family, and the Problem a check reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about one place in one file: ``path:line: message``."""

    path: str
    line: int | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        label = "" if self.severity == "error" else "警告："
        return f"{where}: {label}{self.message}" if where else f"{label}{self.message}"


class SsjError(Exception):
    """A refusal a user can act on; the CLI prints it in red and exits 1."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class InputError(SsjError):
    """Bad input in one file, at one line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        problem = Problem(path, line, message)
        super().__init__(str(problem), [problem])
        self.path = path
        self.line = line


class DataError(SsjError):
    """The bureau's files do not pass their checks; ``problems`` lists them all."""


class RuleError(SsjError):
    """A command breaks one of the bureau's rules (细则); the message names the article."""


class LedgerError(SsjError):
    """The ledger is damaged or does not verify."""


class NotCommittedError(SsjError):
    """The record was written but git could not commit it (exit status 3, SPEC §8)."""

    exit_code = 3
