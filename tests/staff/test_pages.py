"""Console login: password plus authenticator code, rate limited, secure session cookie."""

from datetime import datetime

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import keystore, staff
from tests.factories import PASSWORD, make_register, make_staff

NOW = "2026-03-02T10:00:00+00:00"


@pytest.fixture
def officer(db: Session, keys: keystore.Keys) -> staff.NewStaff:
    org = make_register(db).organisation_id
    return make_staff(db, keys, org, [staff.Role.PRIVACY_OFFICER], email="po@example.test")


def _code(secret: str, at: str = NOW) -> str:
    return str(pyotp.TOTP(secret).at(datetime.fromisoformat(at)))


def _login(client: TestClient, password: str, code: str, at: str = NOW) -> object:
    return client.post(
        "/console/login",
        data={"email": "po@example.test", "password": password, "code": code},
        headers={"X-Lawful-Now": at},
        follow_redirects=False,
    )


def test_the_console_sends_anonymous_visitors_to_the_login(client: TestClient) -> None:
    response = client.get("/console", follow_redirects=False)

    assert (response.status_code, response.headers["location"]) == (303, "/console/login")


def test_password_and_code_open_the_console(client: TestClient, officer: staff.NewStaff) -> None:
    response = _login(client, PASSWORD, _code(officer.totp_secret))
    console = client.get("/console", headers={"X-Lawful-Now": NOW})

    assert response.status_code == 303  # type: ignore[attr-defined]
    assert console.status_code == 200 and "Register of Acme SRL" in console.text


def test_the_session_cookie_is_httponly_strict_and_secure_when_configured(
    client: TestClient, officer: staff.NewStaff
) -> None:
    response = _login(client, PASSWORD, _code(officer.totp_secret))

    cookie = response.headers["set-cookie"].lower()  # type: ignore[attr-defined]
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/console" in cookie


def test_a_password_without_the_second_factor_is_401(client: TestClient, officer: staff.NewStaff) -> None:
    response = _login(client, PASSWORD, "000000")

    assert response.status_code == 401  # type: ignore[attr-defined]
    assert "set-cookie" not in response.headers  # type: ignore[attr-defined]


def test_a_code_cannot_be_used_twice(client: TestClient, officer: staff.NewStaff) -> None:
    code = _code(officer.totp_secret)
    _login(client, PASSWORD, code)

    assert _login(client, PASSWORD, code).status_code == 401  # type: ignore[attr-defined]


def test_a_login_form_missing_the_code_is_422_naming_it(client: TestClient, officer: staff.NewStaff) -> None:
    response = client.post("/console/login", data={"email": "po@example.test", "password": PASSWORD})

    assert response.status_code == 422 and "body.code" in response.text


def test_a_role_without_audit_access_gets_403_on_the_audit_trail(
    client: TestClient, db: Session, keys: keystore.Keys, officer: staff.NewStaff
) -> None:
    sales = make_staff(db, keys, officer.user.organisation_id, [staff.Role.SALES], email="sales@example.test")
    client.post(
        "/console/login",
        data={"email": "sales@example.test", "password": PASSWORD, "code": _code(sales.totp_secret)},
        headers={"X-Lawful-Now": NOW},
    )

    assert client.get("/console/audit", headers={"X-Lawful-Now": NOW}).status_code == 403


def test_the_officer_sees_the_audit_trail_verified(client: TestClient, officer: staff.NewStaff) -> None:
    _login(client, PASSWORD, _code(officer.totp_secret))

    page = client.get("/console/audit", headers={"X-Lawful-Now": NOW})

    assert page.status_code == 200 and "intact" in page.text and "staff.logged_in" in page.text


def test_logout_revokes_the_session_on_the_server(client: TestClient, officer: staff.NewStaff) -> None:
    _login(client, PASSWORD, _code(officer.totp_secret))
    stolen = client.cookies.get("lawful_session")

    client.post("/console/logout", headers={"X-Lawful-Now": NOW})
    client.cookies.set("lawful_session", stolen or "", path="/console")

    assert client.get("/console", headers={"X-Lawful-Now": NOW}, follow_redirects=False).status_code == 303


def test_a_cross_site_login_post_is_refused(client: TestClient, officer: staff.NewStaff) -> None:
    response = client.post(
        "/console/login",
        data={"email": "po@example.test", "password": PASSWORD, "code": _code(officer.totp_secret)},
        headers={"Origin": "https://evil.example", "X-Lawful-Now": NOW},
    )

    assert response.status_code == 403
