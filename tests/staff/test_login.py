"""Console login throttling per account and address (Art. 32) and access reviews (R-84), seen over HTTP."""

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import audit, keystore, staff
from tests.factories import PASSWORD, make_register, make_staff

T0 = datetime.fromisoformat("2026-03-02T10:00:00+00:00")
WRONG = "wrong password!"


@pytest.fixture
def officer(db: Session, keys: keystore.Keys) -> staff.NewStaff:
    org = make_register(db).organisation_id
    return make_staff(db, keys, org, [staff.Role.PRIVACY_OFFICER], email="po@example.test")


@pytest.fixture
def elsewhere(app: FastAPI, client: TestClient) -> Iterator[TestClient]:
    """A browser at another address, sharing the test's database session (set up by `client`)."""
    with TestClient(app, headers=dict(client.headers), client=("198.51.100.7", 50000)) as other:
        yield other


def _login(
    client: TestClient, password: str, at: datetime, *, secret: str = "", email: str = "po@example.test"
) -> int:
    code = str(pyotp.TOTP(secret).at(at)) if secret else "123456"
    response = client.post(
        "/console/login",
        data={"email": email, "password": password, "code": code},
        headers={"X-Lawful-Now": at.isoformat()},
        follow_redirects=False,
    )
    return response.status_code


def _fail(client: TestClient, times: int, at: datetime = T0, email: str = "po@example.test") -> list[int]:
    return [_login(client, WRONG, at, email=email) for _ in range(times)]


def test_five_failures_from_one_address_make_it_wait(client: TestClient, officer: staff.NewStaff) -> None:
    statuses = _fail(client, 6)

    assert statuses == [401] * 5 + [429]
    assert _login(client, PASSWORD, T0, secret=officer.totp_secret) == 429


def test_the_owner_logs_in_from_another_address_while_one_is_throttled(
    client: TestClient, elsewhere: TestClient, officer: staff.NewStaff, db: Session
) -> None:
    _fail(client, 20)

    assert _login(elsewhere, PASSWORD, T0, secret=officer.totp_secret) == 303
    assert audit.latest(db, action="staff.login_failed") is not None


def test_the_wait_doubles_with_each_further_failure(client: TestClient, officer: staff.NewStaff) -> None:
    _fail(client, 5)
    after_one = T0 + timedelta(minutes=1)
    assert _login(client, WRONG, after_one - timedelta(seconds=1)) == 429
    assert _login(client, WRONG, after_one) == 401  # the sixth failure: now two minutes

    assert _login(client, WRONG, after_one + timedelta(seconds=119)) == 429
    assert _login(client, PASSWORD, after_one + timedelta(minutes=2), secret=officer.totp_secret) == 303


def test_the_wait_stops_growing_at_the_cap(client: TestClient, officer: staff.NewStaff) -> None:
    at = T0
    for wait in [0, 1, 2, 4, 8, 16, 32, 60, 60]:
        at += timedelta(minutes=wait)
        statuses = _fail(client, 5 if wait == 0 else 1, at)
        assert set(statuses) == {401}, wait

    assert _login(client, WRONG, at + timedelta(minutes=59)) == 429
    assert _login(client, PASSWORD, at + timedelta(minutes=60), secret=officer.totp_secret) == 303


def test_a_success_clears_the_failures_of_its_address(client: TestClient, officer: staff.NewStaff) -> None:
    _fail(client, 4)
    assert _login(client, PASSWORD, T0, secret=officer.totp_secret) == 303

    assert _fail(client, 5, T0 + timedelta(seconds=30)) == [401] * 5


def test_one_address_failing_on_many_accounts_must_wait_for_all(
    client: TestClient, elsewhere: TestClient, officer: staff.NewStaff
) -> None:
    for n in range(50):
        _fail(client, 1, email=f"guess-{n}@example.test")

    assert _login(client, PASSWORD, T0, secret=officer.totp_secret) == 429
    assert _login(elsewhere, PASSWORD, T0, secret=officer.totp_secret) == 303


def test_failures_older_than_the_window_no_longer_count(client: TestClient, officer: staff.NewStaff) -> None:
    _fail(client, 5)

    assert _login(client, PASSWORD, T0 + timedelta(days=1), secret=officer.totp_secret) == 303


@pytest.mark.parametrize(("due", "status"), [(date(2026, 3, 2), 303), (date(2026, 3, 1), 403)])
def test_a_grant_past_its_access_review_date_no_longer_logs_in(
    client: TestClient, officer: staff.NewStaff, db: Session, due: date, status: int
) -> None:
    officer.user.access_review_due = due
    db.flush()

    response = client.post(
        "/console/login",
        data={
            "email": "po@example.test",
            "password": PASSWORD,
            "code": pyotp.TOTP(officer.totp_secret).at(T0),
        },
        headers={"X-Lawful-Now": T0.isoformat()},
        follow_redirects=False,
    )

    assert response.status_code == status
    if status == 403:
        assert "due for review" in response.text and "set-cookie" not in response.headers
        entry = audit.latest(db, action="staff.login_failed")
        assert entry is not None and entry.data == {"reason": "access_review_due"}


def test_a_session_stops_working_the_day_after_the_review_date(
    client: TestClient, officer: staff.NewStaff, db: Session
) -> None:
    officer.user.access_review_due = date(2026, 3, 2)
    db.flush()
    assert _login(client, PASSWORD, T0, secret=officer.totp_secret) == 303
    on_the_day = client.get("/console", headers={"X-Lawful-Now": "2026-03-02T17:00:00+00:00"})

    next_day = client.get(
        "/console", headers={"X-Lawful-Now": "2026-03-03T00:30:00+00:00"}, follow_redirects=False
    )

    assert on_the_day.status_code == 200
    assert (next_day.status_code, next_day.headers["location"]) == (303, "/console/login")
