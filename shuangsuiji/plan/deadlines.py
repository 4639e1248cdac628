"""Disclosure deadlines (第二十二条) in working days, following China's official holidays and 调休."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

from shuangsuiji.registry.models import DisclosureDeadline


@lru_cache(maxsize=32)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.China(years=[year - 1, year, year + 1])


def is_working_day(day: dt.date) -> bool:
    """A working day in mainland China: not a holiday, and a weekday or a make-up working day (调休)."""
    return bool(_calendar(day.year).is_working_day(day))


def calendar_known(year: int) -> bool:
    """Whether the calendar package holds the State Council's schedule for ``year``.

    Every recent year has make-up working days (调休); a year without any is one whose official schedule
    the installed ``holidays`` release does not have yet, so its working days are only estimated.
    """
    return any(day.year == year for day in getattr(_calendar(year), "weekend_workdays", ()))


def due_date(finished: dt.date, rule: DisclosureDeadline) -> dt.date:
    """The last day on which a result finished on ``finished`` may still be published."""
    if rule.unit == "自然日":
        return finished + dt.timedelta(days=rule.days)
    day, left = finished, rule.days
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day
