"""Roles and their permissions (R-84)."""

import pytest

from lawful.staff import Role, permissions_for
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
