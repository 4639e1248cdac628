"""The command-line interface: thin commands over the core."""

from __future__ import annotations

from shuangsuiji.cli.main import main, run

__all__ = ["main", "run"]
