"""The bureau's local date and time (SPEC §4: dates are the bureau's local dates)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
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
        shaped = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text.strip())
        if shaped is None:
            raise SsjError(f"日期“{text}”无效：请写成 2026-12-01 这样的格式") from None
        year, month, _ = (int(g) for g in shaped.groups())
        if not 1 <= month <= 12:
            raise SsjError(f"日期“{text}”不存在：没有 {month} 月") from None
        last = calendar.monthrange(year, month)[1]
        raise SsjError(f"日期“{text}”不存在：{year} 年 {month} 月只有 {last} 天") from None
