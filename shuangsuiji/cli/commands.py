"""Imports every command module so each registers itself on the app."""

from __future__ import annotations

from . import check_cmd, draw_cmd, init_cmd, ledger_cmd, plan_cmd  # noqa: F401
