"""ISO 8601 periods on the calendar, as registers write them (retention rules, keeping periods). Pure."""

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache
from typing import TypeVar

_PERIOD = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_Day = TypeVar("_Day", bound=date)  # a date or a datetime


@lru_cache(maxsize=256)
def period_parts(period: str) -> tuple[int, int, int, int]:
    """`P1Y2M3W4D` → (1, 2, 3, 4); anything else is refused."""
    match = _PERIOD.match(period)
    if match is None:
        raise ValueError(f"not an ISO 8601 period: {period}")
    years, months, weeks, days = (int(part or 0) for part in match.groups())
    return years, months, weeks, days


def add_period(start: _Day, period: str) -> _Day:
    """The period after `start` on the calendar: 31 January + P1M is the last day of February (a
    datetime keeps its time of day and zone)."""
    years, months, weeks, days = period_parts(period)
    index = start.month - 1 + months + 12 * years
    year, month = start.year + index // 12, index % 12 + 1
    moved = start.replace(year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1]))
    return moved + timedelta(weeks=weeks, days=days)


@lru_cache(maxsize=256)
def shortest(period: str) -> timedelta:
    """A lower bound of the period's length from any start: a month is at least 28 days, and clamping
    to a month's end (31 January + P1M) takes at most 3 days off."""
    years, months, weeks, days = period_parts(period)
    return timedelta(days=max(0, 28 * (12 * years + months) - 3) + 7 * weeks + days)
