"""The bureau's local date and time (SPEC §4: dates are the bureau's local dates)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from shuangsuiji.errors import SsjError

DEFAULT_TIMEZONE = "Asia/Shanghai"


def local_now(timezone: str = DEFAULT_TIMEZONE) -> dt.datetime:
    """Now in the bureau's time zone, to the second, with its offset."""
    return dt.datetime.now(ZoneInfo(timezone)).replace(microsecond=0)


def local_today(timezone: str = DEFAULT_TIMEZONE) -> dt.date:
    """Today's date in the bureau's time zone."""
    return local_now(timezone).date()


def parse_date(text: str | None) -> dt.date | None:
    """An ISO date such as 2026-12-01 given on the command line (None when not given); refused in Chinese."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise SsjError(f"日期“{text}”无效：请写成 2026-12-01 这样的格式") from None
