"""The request deadline engine and lifecycle as pure functions, on the real Belgian calendar (no database)."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lawful.clock import is_working_day
from lawful.dsr.errors import ExtensionRefused, ExtensionTooLate, ExtensionTooLong, TransitionRefused
from lawful.dsr.rules import (
    TRANSITIONS,
    Status,
    add_months,
    due_date,
    ensure_extension,
    ensure_transition,
    extension_problem,
    identity_request_by,
    is_overdue,
    raw_due,
    received_date,
    reminders,
)
from lawful.errors import Conflict, RuleViolation


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 3, 10), 1, date(2025, 4, 10)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 11, 30), 1, date(2025, 12, 30)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 12, 31), 3, date(2026, 3, 31)),
        (date(2025, 11, 15), 2, date(2026, 1, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_number_clamped_to_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2025, 3, 10), date(2025, 4, 10)),
        (date(2025, 1, 31), date(2025, 2, 28)),  # month end
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year
        (date(2025, 11, 30), date(2025, 12, 30)),
        (date(2025, 3, 31), date(2025, 4, 30)),
        (date(2024, 2, 29), date(2024, 3, 29)),  # Good Friday is a working day in Belgium
        (date(2025, 2, 15), date(2025, 3, 17)),  # due on a Saturday → Monday
        (date(2025, 2, 16), date(2025, 3, 17)),  # due on a Sunday → Monday
        (date(2025, 12, 31), date(2026, 2, 2)),  # clamped to Saturday 31 Jan → Monday
        (date(2026, 3, 5), date(2026, 4, 7)),  # Easter Sunday, then Easter Monday
        (date(2026, 3, 4), date(2026, 4, 7)),  # Saturday, Easter Sunday, Easter Monday
        (date(2026, 4, 1), date(2026, 5, 4)),  # Labour Day, a Friday
        (date(2026, 4, 14), date(2026, 5, 15)),  # Ascension
        (date(2026, 4, 25), date(2026, 5, 26)),  # Whit Monday
        (date(2026, 6, 21), date(2026, 7, 22)),  # National Day
        (date(2026, 7, 15), date(2026, 8, 17)),  # Assumption, a Saturday
        (date(2025, 10, 1), date(2025, 11, 3)),  # All Saints, a Saturday
        (date(2026, 10, 1), date(2026, 11, 2)),  # All Saints, a Sunday
        (date(2026, 10, 11), date(2026, 11, 12)),  # Armistice, a Wednesday
        (date(2026, 11, 25), date(2026, 12, 28)),  # Christmas, a Friday
        (date(2025, 11, 25), date(2025, 12, 26)),  # 26 December is no Belgian holiday
        (date(2026, 12, 1), date(2027, 1, 4)),  # New Year, a Friday
    ],
)
def test_due_date_is_one_month_rolled_to_a_belgian_working_day(received: date, due: date) -> None:
    assert due_date(received, is_working_day) == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 1, 10), date(2026, 2, 10)),  # Saturday: not from the next Monday (12 Feb)
        (date(2026, 6, 21), date(2026, 7, 22)),  # Sunday
        (date(2024, 3, 31), date(2024, 4, 30)),  # Easter Sunday
    ],
)
def test_receipt_on_a_non_working_day_counts_from_that_day(received: date, due: date) -> None:
    assert due_date(received, is_working_day) == due


@pytest.mark.parametrize(
    ("received", "extension", "raw", "due"),
    [
        (date(2025, 12, 31), 2, date(2026, 3, 31), date(2026, 3, 31)),
        (date(2026, 3, 5), 1, date(2026, 5, 5), date(2026, 5, 5)),  # not 7 May, from the rolled 7 April
        (date(2025, 1, 31), 1, date(2025, 3, 31), date(2025, 3, 31)),  # not 28 March, from 28 February
        (date(2026, 3, 5), 2, date(2026, 6, 5), date(2026, 6, 5)),
        (date(2026, 2, 14), 2, date(2026, 5, 14), date(2026, 5, 15)),  # Ascension
    ],
)
def test_extension_counts_from_receipt_not_from_the_rolled_date(
    received: date, extension: int, raw: date, due: date
) -> None:
    assert (raw_due(received, extension), due_date(received, is_working_day, extension)) == (raw, due)


@pytest.mark.parametrize("extension", [-1, 3])
def test_extension_outside_zero_to_two_months_is_refused(extension: int) -> None:
    with pytest.raises(ExtensionTooLong):
        due_date(date(2025, 3, 10), is_working_day, extension_months=extension)


def test_a_calendar_without_working_days_is_an_error_not_a_hang() -> None:
    with pytest.raises(ValueError, match="no working day"):
        due_date(date(2025, 3, 10), lambda day: False)


@settings(max_examples=1000)
@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    st.integers(min_value=0, max_value=2),
)
def test_due_date_is_a_working_day_at_most_four_days_after_the_raw_date(
    received: date, extension: int
) -> None:
    raw = raw_due(received, extension)

    due = due_date(received, is_working_day, extension)

    assert is_working_day(due)
    assert raw <= due <= raw + timedelta(days=4)


@pytest.mark.parametrize(
    ("instant", "received"),
    [
        (datetime(2026, 3, 4, 23, 30, tzinfo=UTC), date(2026, 3, 5)),  # CET: already the 5th in Brussels
        (datetime(2026, 3, 4, 22, 59, tzinfo=UTC), date(2026, 3, 4)),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 29)),  # night of the spring DST change
        (datetime(2026, 7, 20, 22, 30, tzinfo=UTC), date(2026, 7, 21)),  # CEST: +2
        (datetime(2026, 7, 20, 21, 59, tzinfo=UTC), date(2026, 7, 20)),
        (datetime(2026, 10, 24, 22, 30, tzinfo=UTC), date(2026, 10, 25)),  # night of the autumn DST change
        (datetime(2026, 10, 25, 22, 30, tzinfo=UTC), date(2026, 10, 25)),  # CET again: 23:30
        (datetime(2026, 1, 31, 19, 0, tzinfo=timezone(timedelta(hours=-5))), date(2026, 2, 1)),
    ],
)
def test_received_date_is_the_brussels_calendar_date(instant: datetime, received: date) -> None:
    assert received_date(instant) == received


def test_received_date_refuses_a_naive_instant() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        received_date(datetime(2026, 3, 5, 12, 0))  # noqa: DTZ001


ORIGINAL_DUE = date(2026, 4, 7)


@pytest.mark.parametrize(
    ("today", "reason", "months", "already"),
    [
        (date(2026, 3, 5), "complex request", 2, 0),
        (date(2026, 4, 6), "many requests", 1, 0),  # the last day before the due date
        (date(2026, 4, 6), "still complex", 1, 1),
    ],
)
def test_reasoned_extension_within_the_first_month_is_allowed(
    today: date, reason: str, months: int, already: int
) -> None:
    assert (
        extension_problem(
            today=today, original_due=ORIGINAL_DUE, reason=reason, months=months, already=already
        )
        is None
    )


@pytest.mark.parametrize(
    ("today", "reason", "months", "already", "problem"),
    [
        (date(2026, 4, 7), "complex", 1, 0, "before 2026-04-07"),  # on the due date
        (date(2026, 4, 8), "complex", 1, 0, "before 2026-04-07"),
        (date(2026, 3, 20), None, 1, 0, "reason"),
        (date(2026, 3, 20), "   ", 1, 0, "reason"),
        (date(2026, 3, 20), "complex", 3, 0, "at most 2"),
        (date(2026, 3, 20), "complex", 2, 1, "at most 2"),
        (date(2026, 3, 20), "complex", 0, 0, "at most 2"),
    ],
)
def test_extension_problem_names_what_is_wrong(
    today: date, reason: str | None, months: int, already: int, problem: str
) -> None:
    message = extension_problem(
        today=today, original_due=ORIGINAL_DUE, reason=reason, months=months, already=already
    )

    assert message is not None and problem in message


@pytest.mark.parametrize(
    ("today", "reason", "months", "error", "base"),
    [
        (date(2026, 4, 7), "complex", 1, ExtensionTooLate, Conflict),  # 409
        (date(2026, 3, 20), None, 1, ExtensionRefused, RuleViolation),  # 422
        (date(2026, 3, 20), "complex", 3, ExtensionTooLong, RuleViolation),
    ],
)
def test_refused_extensions_raise_errors_with_their_status(
    today: date, reason: str | None, months: int, error: type[Exception], base: type[Exception]
) -> None:
    with pytest.raises(error) as raised:
        ensure_extension(today=today, original_due=ORIGINAL_DUE, reason=reason, months=months, already=0)

    assert isinstance(raised.value, base)


@pytest.mark.parametrize(
    ("due", "offsets", "expected"),
    [
        (date(2026, 4, 7), (10, 3), [date(2026, 3, 28), date(2026, 4, 4)]),  # R-45 example
        (date(2026, 3, 2), (3, 10), [date(2026, 2, 20), date(2026, 2, 27)]),
        (date(2024, 3, 5), (10, 3), [date(2024, 2, 24), date(2024, 3, 2)]),  # across a leap day
        (date(2026, 4, 7), (0, 0), [date(2026, 4, 7)]),
        (date(2026, 4, 7), (), []),
    ],
)
def test_reminders_fall_calendar_days_before_the_due_date(
    due: date, offsets: tuple[int, ...], expected: list[date]
) -> None:
    assert reminders(due, offsets) == expected


def test_reminders_default_to_ten_and_three_days() -> None:
    assert reminders(date(2026, 4, 7)) == [date(2026, 3, 28), date(2026, 4, 4)]


def test_reminder_after_the_due_date_is_refused() -> None:
    with pytest.raises(ValueError, match="before the due date"):
        reminders(date(2026, 4, 7), (-1,))


@pytest.mark.parametrize(
    ("today", "completed", "overdue"),
    [
        (date(2026, 4, 6), False, False),
        (date(2026, 4, 7), False, False),  # the due day itself is still in time
        (date(2026, 4, 8), False, True),
        (date(2026, 4, 8), True, False),
    ],
)
def test_an_open_request_is_overdue_after_its_due_day(today: date, completed: bool, overdue: bool) -> None:
    assert is_overdue(date(2026, 4, 7), today, completed) is overdue


@pytest.mark.parametrize(
    ("received", "working_days", "by"),
    [
        (date(2026, 3, 5), 5, date(2026, 3, 12)),  # Thursday: across one weekend
        (date(2026, 3, 3), 5, date(2026, 3, 10)),  # Tuesday
        (date(2026, 3, 7), 5, date(2026, 3, 13)),  # Saturday receipt: Monday is day one
        (date(2026, 4, 1), 5, date(2026, 4, 9)),  # across Easter Monday
        (date(2026, 4, 3), 5, date(2026, 4, 13)),  # Good Friday receipt
        (date(2026, 7, 17), 2, date(2026, 7, 22)),  # across a weekend and National Day
        (date(2026, 3, 5), 0, date(2026, 3, 5)),
    ],
)
def test_identity_request_goes_out_within_working_days_of_receipt(
    received: date, working_days: int, by: date
) -> None:
    assert identity_request_by(received, is_working_day, working_days) == by


def test_identity_request_defaults_to_five_working_days() -> None:
    assert identity_request_by(date(2026, 4, 1), is_working_day) == date(2026, 4, 9)


def test_every_status_has_its_transitions() -> None:
    assert set(TRANSITIONS) == set(Status)


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (Status.RECEIVED, Status.AWAITING_IDENTITY),
        (Status.RECEIVED, Status.AWAITING_MANDATE),
        (Status.RECEIVED, Status.COMPLETED),  # e.g. an unsubscribe, which needs no identification
        (Status.AWAITING_IDENTITY, Status.IN_PROGRESS),
        (Status.AWAITING_IDENTITY, Status.REFUSED),  # unable to identify
        (Status.AWAITING_MANDATE, Status.IN_PROGRESS),
        (Status.AWAITING_FEE_DECISION, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.EXTENDED),
        (Status.IN_PROGRESS, Status.FORWARDED),
        (Status.EXTENDED, Status.COMPLETED),
        (Status.FORWARDED, Status.COMPLETED),
    ],
)
def test_allowed_transition_passes(current: Status, new: Status) -> None:
    ensure_transition(current, new)


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (Status.AWAITING_IDENTITY, Status.COMPLETED),  # nothing released before identity
        (Status.AWAITING_MANDATE, Status.COMPLETED),  # nor before the mandate
        (Status.AWAITING_MANDATE, Status.FORWARDED),
        (Status.IN_PROGRESS, Status.AWAITING_FEE_DECISION),  # a fee is quoted before any work
        (Status.EXTENDED, Status.EXTENDED),
        (Status.IN_PROGRESS, Status.RECEIVED),
        *((Status.COMPLETED, status) for status in Status),
        *((Status.REFUSED, status) for status in Status),
    ],
)
def test_disallowed_transition_is_refused(current: Status, new: Status) -> None:
    with pytest.raises(TransitionRefused):
        ensure_transition(current, new)
