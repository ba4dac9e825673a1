"""R-104: when a client's data may flow to a sub-processor told to it (pure, boundary days)."""

from datetime import UTC, datetime, timedelta

import pytest

from lawful.clients.subprocessors import rules

TOLD = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
END = rules.window_end(TOLD, 30)


@pytest.mark.parametrize(
    ("status", "authorisation", "now", "expected"),
    [
        ("pending", "general", TOLD + timedelta(days=29), rules.IN_WINDOW),
        ("pending", "general", END - timedelta(microseconds=1), rules.IN_WINDOW),
        ("pending", "general", TOLD + timedelta(days=30), None),
        ("pending", "general", TOLD + timedelta(days=400), None),
        ("objected", "general", TOLD + timedelta(days=30), rules.OBJECTION),
        ("objected", "general", TOLD + timedelta(days=1), rules.OBJECTION),
        ("approved", "general", TOLD + timedelta(days=1), None),
        ("pending", "specific", TOLD + timedelta(days=31), rules.AWAITING_APPROVAL),
        ("approved", "specific", TOLD + timedelta(days=2), None),
    ],
)
def test_a_flow_opens_after_the_window_or_an_approval_and_never_after_an_objection(
    status: str, authorisation: str, now: datetime, expected: str | None
) -> None:
    assert rules.blocked_by(status, authorisation, END, now) == expected


def test_the_window_ends_thirty_days_later_across_the_end_of_february() -> None:
    assert rules.window_end(TOLD, 30) == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
