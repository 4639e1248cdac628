"""Imports every command module so each registers itself on the app."""

from __future__ import annotations

from . import (  # noqa: F401
    check_cmd,
    credit_cmd,
    draw_cmd,
    import_cmd,
    init_cmd,
    ledger_cmd,
    plan_cmd,
    publish_cmd,
    report_cmd,
)
