"""The one clock, and the legal calendar: Europe/Brussels time and Belgian public holidays.

Only this module reads the system time. Tests (and test mode) may pin it; nothing else can.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

BRUSSELS = ZoneInfo("Europe/Brussels")

_pinned: ContextVar[datetime | None] = ContextVar("lawful_clock_pinned", default=None)


def now() -> datetime:
    """The current instant, aware, in UTC."""
    pinned = _pinned.get()
    return pinned if pinned is not None else datetime.now(UTC)


@contextmanager
def pinned(at: datetime) -> Iterator[None]:
    """Run a block as if it were `at` (test mode and tests only; callers check that)."""
    if at.tzinfo is None:
        raise ValueError("a pinned time must be timezone-aware")
    token = _pinned.set(at.astimezone(UTC))
    try:
        yield
    finally:
        _pinned.reset(token)


def today() -> date:
    """Today's date in Brussels: legal dates are Belgian dates, not UTC ones."""
    return now().astimezone(BRUSSELS).date()


def brussels_date(instant: datetime) -> date:
    return instant.astimezone(BRUSSELS).date()


@lru_cache(maxsize=64)
def _belgian_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("BE", years=year)


def is_holiday(day: date) -> bool:
    return day in _belgian_holidays(day.year)


def holiday_name(day: date) -> str | None:
    name = _belgian_holidays(day.year).get(day)
    return str(name) if name else None


def is_working_day(day: date) -> bool:
    """Regulation 1182/71 Art. 2(2): working days exclude Saturdays, Sundays and public holidays."""
    return day.weekday() < 5 and not is_holiday(day)


def working_day(day: date) -> dict[str, object]:
    """Whether `day` is a working day and, when it is not, why (the holiday's name or the weekday)."""
    working = is_working_day(day)
    why = None if working else holiday_name(day) or day.strftime("%A")
    return {"day": day.isoformat(), "working_day": working, "why": why}


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
