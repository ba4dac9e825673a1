"""ISO 8601 periods on the calendar: month ends, leap years, weeks, a time of day kept; others refused."""

from datetime import UTC, date, datetime

import pytest

from lawful.processing import add_period, period_parts, shortest


@pytest.mark.parametrize(
    ("start", "period", "end"),
    [
        (date(2027, 1, 31), "P1M", date(2027, 2, 28)),  # clamped to the month's end
        (date(2028, 1, 31), "P1M", date(2028, 2, 29)),  # a leap year
        (date(2028, 2, 29), "P1Y", date(2029, 2, 28)),
        (date(2026, 12, 15), "P1M2W", date(2027, 1, 29)),
        (date(2026, 1, 1), "P10Y", date(2036, 1, 1)),
        (datetime(2027, 1, 31, 9, 30, tzinfo=UTC), "P1M", datetime(2027, 2, 28, 9, 30, tzinfo=UTC)),
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), "P1D", datetime(2027, 1, 1, 23, 0, tzinfo=UTC)),
    ],
)
def test_a_period_is_added_on_the_calendar_to_dates_and_times(start: date, period: str, end: date) -> None:
    assert add_period(start, period) == end
    assert add_period(start, period) - start >= shortest(period)


@pytest.mark.parametrize("period", ["5 years", "P1.5Y", "1Y", ""])
def test_a_period_that_is_not_iso_is_refused_naming_it(period: str) -> None:
    with pytest.raises(ValueError, match="not an ISO 8601 period"):
        period_parts(period)
