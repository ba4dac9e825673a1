"""The forwarding deadlines of R-102 in Belgian working days (the receipt day not counted), and what is due
on each day: boundary days across weekends and Belgian public holidays."""

from datetime import date

import pytest

from lawful import clock
from lawful.clients.forwarding import rules

# Thu 24 Dec 2026; Fri 25 Dec is Christmas, then a weekend; Fri 1 Jan 2027 New Year, then a weekend.
CHRISTMAS_EVE = date(2026, 12, 24)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 12, 7), 2, date(2026, 12, 9)),  # Monday + 2: Wednesday
        (date(2026, 12, 10), 2, date(2026, 12, 14)),  # Thursday + 2: over the weekend to Monday
        (date(2026, 12, 11), 2, date(2026, 12, 15)),  # Friday + 2: Tuesday
        (date(2026, 12, 12), 2, date(2026, 12, 15)),  # received on a Saturday: Monday is the first day
        (CHRISTMAS_EVE, 2, date(2026, 12, 29)),  # Christmas and the weekend are not counted
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # New Year and the weekend
        (date(2026, 5, 13), 1, date(2026, 5, 15)),  # Ascension Day (Thu 14 May 2026)
        (date(2026, 7, 20), 1, date(2026, 7, 22)),  # Belgian National Day (Tue 21 July)
        (date(2026, 12, 7), 0, date(2026, 12, 7)),
    ],
)
def test_working_days_follow_the_belgian_calendar(start: date, days: int, expected: date) -> None:
    assert rules.add_working_days(start, days, clock.is_working_day) == expected


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        rules.add_working_days(CHRISTMAS_EVE, -1, clock.is_working_day)


def test_the_schedule_over_christmas_and_new_year() -> None:
    plan = rules.schedule(CHRISTMAS_EVE, 2, clock.is_working_day)

    assert plan == rules.Schedule(
        forward_by=date(2026, 12, 29), remind_on=date(2026, 12, 31), escalate_on=date(2027, 1, 5)
    )


PLAN = rules.schedule(CHRISTMAS_EVE, 2, clock.is_working_day)


@pytest.mark.parametrize(
    ("today", "reminded", "escalated", "expected"),
    [
        (date(2026, 12, 30), False, False, None),  # the day before the reminder
        (date(2026, 12, 31), False, False, rules.FollowUp.REMIND),  # the day of the reminder
        (date(2026, 12, 31), True, False, None),  # reminded once only
        (date(2027, 1, 4), True, False, None),  # the day before the escalation (a Monday after a holiday)
        (date(2027, 1, 5), True, False, rules.FollowUp.ESCALATE),  # the day of the escalation
        (date(2027, 1, 5), True, True, None),
        (date(2027, 1, 6), False, False, rules.FollowUp.ESCALATE),  # a late run escalates at once
    ],
)
def test_what_is_due_each_day(
    today: date, reminded: bool, escalated: bool, expected: rules.FollowUp | None
) -> None:
    assert rules.follow_up(today, PLAN, instructed=False, reminded=reminded, escalated=escalated) is expected


def test_nothing_is_due_once_the_client_has_instructed() -> None:
    assert rules.follow_up(date(2027, 2, 1), PLAN, instructed=True, reminded=False, escalated=False) is None


@pytest.mark.parametrize(
    ("forwarded_on", "in_time"),
    [(date(2026, 12, 28), True), (date(2026, 12, 29), True), (date(2026, 12, 30), False)],
)
def test_forwarded_in_time_up_to_the_deadline_day(forwarded_on: date, in_time: bool) -> None:
    assert rules.forwarded_in_time(forwarded_on, PLAN) is in_time
