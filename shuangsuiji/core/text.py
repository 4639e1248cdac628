"""How the verifiers write values into their messages, and the checks of plain field formats."""

from __future__ import annotations

import re
from datetime import date as _date

from shuangsuiji.core.canonical import canonical

_HEX64 = re.compile(r"[0-9a-f]{64}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AT = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})")


def show(value, limit: int = 80) -> str:
    """A short, readable rendering of a value for a message."""
    if isinstance(value, str):
        text = f"“{value}”"
    else:
        try:
            text = canonical(value).decode("utf-8")
        except ValueError:
            text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def short_ticket(ticket) -> str:
    """The first digits of a ticket, enough to recognise it in a message."""
    if isinstance(ticket, str):
        return ticket if len(ticket) <= 16 else ticket[:14] + "…"
    return show(ticket)


def show_ids(ids, limit: int = 6) -> str:
    """A few ids, joined with 、 and the count when there are more."""
    ids = list(ids)
    if not ids:
        return "（空）"
    shown = "、".join(str(item) for item in ids[:limit])
    return shown + (f"等 {len(ids)} 个" if len(ids) > limit else "")


def is_int(value) -> bool:
    """An integer that is not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_hex64(value) -> bool:
    """64 lowercase hex digits (a SHA-256)."""
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


def is_date(value) -> bool:
    """A real calendar date written YYYY-MM-DD."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        _date(int(value[0:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        return False
    return True


def is_at(value) -> bool:
    """An ISO 8601 moment with its offset (2026-12-01T09:30:00+08:00)."""
    if not isinstance(value, str):
        return False
    match = _AT.fullmatch(value)
    return match is not None and is_date(match.group(1))
