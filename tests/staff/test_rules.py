"""Roles and their permissions (R-84)."""

from datetime import date, timedelta

import pytest

from lawful.staff import Role, permissions_for, rules
from lawful.staff.rules import grant_problem, password_problem


@pytest.mark.parametrize(
    ("role", "trained", "signed", "refused"),
    [
        (Role.SUPPORT, False, True, True),
        (Role.SUPPORT, True, False, True),
        (Role.SUPPORT, True, True, False),
        (Role.PRIVACY_OFFICER, False, False, True),
        (Role.AUDITOR, False, False, False),
        (Role.ENGINEER, False, False, False),
    ],
)
def test_personal_data_roles_need_training_and_confidentiality(
    role: Role, trained: bool, signed: bool, refused: bool
) -> None:
    assert (grant_problem(role, trained=trained, confidentiality_signed=signed) is not None) is refused


@pytest.mark.parametrize(
    ("role", "permission", "granted"),
    [
        (Role.MARKETING, "audit:read", False),
        (Role.FINANCE, "archive:read", True),
        (Role.SALES, "archive:read", False),
        (Role.AUDITOR, "register:write", False),
        (Role.PRIVACY_OFFICER, "notice:publish", True),
        (Role.ADMIN, "personal_data:read", False),
    ],
)
def test_least_privilege(role: Role, permission: str, granted: bool) -> None:
    assert (permission in permissions_for([role])) is granted


def test_short_passwords_are_refused() -> None:
    assert password_problem("short") is not None
    assert password_problem("a long enough passphrase") is None


@pytest.mark.parametrize(
    ("failures", "wait_minutes"),
    [(0, 0), (4, 0), (5, 1), (6, 2), (7, 4), (10, 32), (11, 60), (500, 60)],
)
def test_the_login_wait_doubles_after_the_free_failures_up_to_the_cap(
    failures: int, wait_minutes: int
) -> None:
    delay = rules.login_delay(failures, free=5, base=timedelta(minutes=1), cap=timedelta(minutes=60))

    assert delay == timedelta(minutes=wait_minutes)


@pytest.mark.parametrize(
    ("due", "today", "overdue"),
    [
        (None, date(2026, 3, 2), False),
        (date(2026, 3, 2), date(2026, 3, 2), False),
        (date(2026, 3, 2), date(2026, 3, 3), True),
        (date(2024, 2, 29), date(2024, 3, 1), True),
        (date(2025, 12, 31), date(2026, 1, 1), True),
    ],
)
def test_access_lapses_the_day_after_its_review_date(due: date | None, today: date, overdue: bool) -> None:
    assert rules.access_review_overdue(due, today=today) is overdue
