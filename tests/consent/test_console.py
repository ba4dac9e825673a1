"""Console pages for consent and audiences: figures, proof of a banner choice, the audience summary."""

import uuid
from datetime import datetime

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import consent, keystore, staff
from lawful.actor import Actor
from tests.factories import PASSWORD, make_person, make_register, make_staff
from tests.registers import people

NOW = "2026-03-02T10:00:00+00:00"
HEADERS = {"X-Lawful-Now": NOW}


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, people()).organisation_id


def _log_in(client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, role: staff.Role) -> None:
    created = make_staff(db, keys, org, [role])
    code = pyotp.TOTP(created.totp_secret).at(datetime.fromisoformat(NOW))
    client.post(
        "/console/login",
        data={"email": created.user.email, "password": PASSWORD, "code": code},
        headers=HEADERS,
    )


def test_the_consent_page_charts_given_and_withdrawn_per_purpose(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    person = make_person(db, keys, org).subject
    proof = consent.Proof(text="Yes", text_version="1", language="en", channel="web_form", element="x")
    consent.record(
        db,
        actor,
        organisation_id=org,
        subject_id=person.id,
        purpose="newsletter",
        kind=consent.EventKind.GIVEN,
        proof=proof,
    )
    _log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER)

    page = client.get("/console/consent", headers=HEADERS)

    assert page.status_code == 200
    assert "<svg" in page.text and "newsletter" in page.text and "1 given" in page.text


def test_the_audience_builder_says_how_many_are_left_out_and_why(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    make_person(db, keys, org)
    _log_in(client, db, keys, org, staff.Role.MARKETING)

    page = client.get("/console/audiences?purpose=newsletter", headers=HEADERS)

    assert page.status_code == 200 and "0 people for newsletter" in page.text and "no_consent: 1" in page.text


def test_an_auditor_cannot_open_the_audience_builder(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    _log_in(client, db, keys, org, staff.Role.AUDITOR)

    assert client.get("/console/audiences", headers=HEADERS).status_code == 403
