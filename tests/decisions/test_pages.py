"""Console: a person is looked up by identity through a purpose; the view is audited and minimal."""

import uuid
from datetime import datetime

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import audit, keystore, staff
from tests.factories import PASSWORD, make_person, make_register, make_staff
from tests.registers import people

NOW = "2026-03-02T10:00:00+00:00"
HEADERS = {"X-Lawful-Now": NOW}


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, people()).organisation_id


def _log_in(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, role: staff.Role
) -> staff.StaffUser:
    created = make_staff(db, keys, org, [role])
    code = pyotp.TOTP(created.totp_secret).at(datetime.fromisoformat(NOW))
    client.post(
        "/console/login",
        data={"email": created.user.email, "password": PASSWORD, "code": code},
        headers=HEADERS,
    )
    return created.user


def test_a_lookup_needs_a_purpose_and_keeps_the_identity_out_of_the_url(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    person = make_person(db, keys, org, email="look@example.test", values={"user.name": "Lou"}).subject
    _log_in(client, db, keys, org, staff.Role.SUPPORT)

    found = client.post(
        "/console/subjects",
        data={"kind": "email", "value": "look@example.test", "purpose": "request_followup"},
        headers=HEADERS,
        follow_redirects=False,
    )
    page = client.get(found.headers["location"], headers=HEADERS)

    assert found.headers["location"] == f"/console/subjects/{person.id}?purpose=request_followup"
    assert "look" not in found.headers["location"]
    assert "Lou" in page.text and "look@example.test" in page.text
    entry = audit.latest(db, action="decisions.read")
    assert entry is not None and entry.purpose == "request_followup"


def test_a_purpose_that_may_not_use_the_data_shows_no_values(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    person = make_person(db, keys, org, values={"user.name": "Hidden Name"}).subject
    _log_in(client, db, keys, org, staff.Role.SUPPORT)

    page = client.get(f"/console/subjects/{person.id}?purpose=newsletter", headers=HEADERS)

    assert "Hidden Name" not in page.text and "no_consent" in page.text


def test_a_role_without_personal_data_access_cannot_look_people_up(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    _log_in(client, db, keys, org, staff.Role.AUDITOR)

    assert client.get("/console/subjects", headers=HEADERS).status_code == 403


def test_legal_places_a_hold_from_the_record_and_it_is_audited(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    person = make_person(db, keys, org).subject
    _log_in(client, db, keys, org, staff.Role.LEGAL)

    response = client.post(
        f"/console/subjects/{person.id}/holds",
        headers=HEADERS,
        follow_redirects=False,
        data={
            "case_ref": "C-7",
            "reason": "pending claim",
            "hold_purpose": "request_followup",
            "review_on": "2026-09-01",
            "purpose": "request_followup",
        },
    )

    assert response.status_code == 303
    assert audit.latest(db, action="subjects.hold_placed") is not None


def test_support_cannot_place_holds(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    person = make_person(db, keys, org).subject
    _log_in(client, db, keys, org, staff.Role.SUPPORT)

    response = client.post(
        f"/console/subjects/{person.id}/holds",
        headers=HEADERS,
        data={
            "case_ref": "C-7",
            "reason": "x",
            "hold_purpose": "request_followup",
            "review_on": "2026-09-01",
            "purpose": "request_followup",
        },
    )

    assert response.status_code == 403


def test_the_exports_page_lists_exports_with_what_was_left_out(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    make_person(db, keys, org)
    _log_in(client, db, keys, org, staff.Role.SALES)

    client.post("/console/exports", data={"purpose": "newsletter", "subject_category": ""}, headers=HEADERS)
    page = client.get("/console/exports", headers=HEADERS)

    assert "no_consent: 1" in page.text and "ready" in page.text
