"""What a plan approval pins: a digest of the approved content, blind to comments and layout."""

from __future__ import annotations

from typing import Any

from shuangsuiji.core.canonical import digest, jsonable


def annual_plan_digest(raw_plan: dict[str, Any]) -> str:
    """Digest of an annual plan as approved: everything but its approval and its temporary plans."""
    return digest(jsonable({k: v for k, v in raw_plan.items() if k not in ("approval", "temporary")}))


def temporary_plan_digest(raw_temporary: dict[str, Any]) -> str:
    """Digest of one temporary plan as approved: everything but its approval."""
    return digest(jsonable({k: v for k, v in raw_temporary.items() if k != "approval"}))
