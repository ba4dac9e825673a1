"""The legal calendar: Brussels dates and Belgian public holidays (R-122)."""

from datetime import UTC, date, datetime

import pytest

from lawful import clock


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 1), False),  # New Year
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 4, 7), True),
        (date(2026, 5, 1), False),  # Labour Day
        (date(2026, 5, 14), False),  # Ascension
        (date(2026, 5, 25), False),  # Whit Monday
        (date(2026, 7, 21), False),  # National Day
        (date(2026, 8, 15), False),  # Assumption (a Saturday in 2026)
        (date(2026, 11, 1), False),  # All Saints (a Sunday in 2026)
        (date(2026, 11, 11), False),  # Armistice
        (date(2026, 12, 25), False),  # Christmas
        (date(2026, 12, 26), False),  # Saturday; not a Belgian public holiday in itself
        (date(2026, 12, 28), True),
        (date(2024, 2, 29), True),  # leap day, a Thursday
        (date(2026, 11, 21), False),  # Saturday
        (date(2026, 11, 22), False),  # Sunday
    ],
)
def test_belgian_working_days(day: date, working: bool) -> None:
    assert clock.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "rolled"),
    [
        (date(2026, 4, 4), date(2026, 4, 7)),  # Saturday before Easter Monday → Tuesday
        (date(2026, 12, 25), date(2026, 12, 28)),
        (date(2026, 7, 20), date(2026, 7, 20)),
        (date(2026, 12, 31), date(2026, 12, 31)),
    ],
)
def test_next_working_day_rolls_past_weekends_and_holidays(day: date, rolled: date) -> None:
    assert clock.next_working_day(day) == rolled


@pytest.mark.parametrize(
    ("instant", "day"),
    [
        (datetime(2026, 3, 31, 22, 30, tzinfo=UTC), date(2026, 4, 1)),  # CEST: UTC+2
        (datetime(2026, 1, 31, 23, 30, tzinfo=UTC), date(2026, 2, 1)),  # CET: UTC+1
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), date(2026, 10, 25)),  # the night DST ends
        (datetime(2026, 12, 31, 22, 59, tzinfo=UTC), date(2026, 12, 31)),
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), date(2027, 1, 1)),
    ],
)
def test_legal_dates_are_brussels_dates(instant: datetime, day: date) -> None:
    assert clock.brussels_date(instant) == day


def test_the_clock_can_be_pinned_only_to_an_aware_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"), clock.pinned(datetime(2026, 1, 1)):  # noqa: DTZ001
        pass


def test_a_pinned_clock_gives_the_brussels_today() -> None:
    with clock.pinned(datetime(2026, 3, 31, 22, 30, tzinfo=UTC)):
        assert (clock.now().tzinfo, clock.today()) == (UTC, date(2026, 4, 1))
