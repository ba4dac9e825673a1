"""ISO 8601 periods on the calendar, as registers write them (retention rules, keeping periods). Pure."""

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

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


# Triggers that name a day rather than a moment (the last day of a contract, of a recruitment, of an account;
# a document's date). Their periods are counted in Brussels days from the day after (Regulation 1182/71
# Art. 3(1): the day of the event is not counted), so a contract that ended on 30 June 2020 is kept through
# 30 June 2030, whatever the time of day recorded and the season. Moments the system recorded (a collection,
# a reply, a withdrawal) are counted from the moment itself, in UTC, as the purpose gate always counted them.
DAY_TRIGGERS = frozenset(
    {
        "contract_end",
        "recruitment_end",
        "account_closure",
        "relationship_end",
        "client_dpa_end",
        "document_date_next_january",
    }
)
_BRUSSELS = ZoneInfo("Europe/Brussels")


def retention_start(trigger: str, occurred_at: datetime) -> datetime:
    """When a retention period starts for the trigger's event at `occurred_at`: the moment itself; for a
    day, midnight in Brussels after it; for a document, 1 January after its date (Belgian VAT Code
    art. 60 §4, R-75)."""
    if trigger not in DAY_TRIGGERS:
        return occurred_at.astimezone(UTC)
    day = occurred_at.astimezone(_BRUSSELS).date()
    if trigger == "document_date_next_january":
        return datetime(day.year + 1, 1, 1, tzinfo=_BRUSSELS)
    after = day + timedelta(days=1)
    return datetime(after.year, after.month, after.day, tzinfo=_BRUSSELS)


def retention_end(trigger: str, occurred_at: datetime, period: str | None) -> datetime:
    """The first moment past retention for data whose trigger happened at `occurred_at` (Art. 5(1)(e)):
    the purpose gate stops their use and the retention run removes them from that moment on, so the two
    can never disagree. Without a period the data last until the trigger itself."""
    start = retention_start(trigger, occurred_at)
    return start if period is None else add_period(start, period)
