"""Imports every command module so each registers itself on the app."""

from __future__ import annotations

from shuangsuiji.cli import (  # noqa: F401
    check,
    checklist,
    credit,
    doc,
    draw,
    heads,
    importing,
    init,
    ledger,
    plan,
    publish,
    report,
    stats,
    todo,
)
