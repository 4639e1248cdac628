"""How the verifiers write values into their messages, and the checks of plain field formats."""

from __future__ import annotations

import re
from datetime import date as _date
from datetime import datetime as _datetime
from datetime import timedelta as _timedelta
from datetime import timezone as _timezone

from shuangsuiji.core.canonical import canonical

_HEX64 = re.compile(r"[0-9a-f]{64}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AT = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?(Z|([+-])([0-9]{2}):([0-9]{2}))")


def show(value, limit: int = 80) -> str:
    """A short, readable rendering of a value for a message."""
    if isinstance(value, str):
        text = f"“{value}”"
    else:
        try:
            text = canonical(value).decode("utf-8")
        except ValueError:
            try:
                text = repr(value)
            except RecursionError:  # a value nested too deeply even for repr
                text = f"<{type(value).__name__}>"
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
    try:
        moment(value)
    except ValueError:
        return False
    return True


def moment(value) -> _datetime:
    """The moment an ``at`` or ``not_before`` names, comparable across offsets; ValueError when it is none.

    Read by hand rather than with ``datetime.fromisoformat``: Python 3.8 reads neither ``Z`` nor a fraction of
    other than 3 or 6 digits.
    """
    match = _AT.fullmatch(value) if isinstance(value, str) else None
    if match is None or not is_date(match.group(1)):
        raise ValueError(f"不是带时区的 ISO 8601 时间：{value!r}")
    day, hour, minute, second, fraction, zone, sign, zone_hours, zone_minutes = match.groups()
    offset = _timedelta(0) if zone == "Z" else _timedelta(hours=int(zone_hours), minutes=int(zone_minutes))
    if offset >= _timedelta(hours=24):
        raise ValueError(f"时区偏移超出范围：{value!r}")
    return _datetime(int(day[:4]), int(day[5:7]), int(day[8:]), int(hour), int(minute), int(second or 0),
                     int((fraction or "0")[:6].ljust(6, "0")),
                     _timezone(-offset if sign == "-" else offset))
