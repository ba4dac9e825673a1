"""Organisation scope (ARCHITECTURE §3.10), seen from outside: another organisation's key or staff member
gets nothing of this organisation and changes nothing of it, whatever id they send."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import keystore, staff, subjects
from lawful.actor import Actor, ActorKind
from tests.factories import (
    bearer,
    log_in,
    make_api_key,
    make_hold_and_restriction,
    make_person,
    make_register,
)
from tests.registers import people

NOW = datetime.now(UTC).isoformat(timespec="seconds")
HEADERS = {"X-Lawful-Now": NOW}
OFFICER = Actor(ActorKind.CLI, label="cli:test")


def two_organisations(db: Session) -> tuple[uuid.UUID, uuid.UUID]:
    ours = make_register(db, people()).organisation_id
    theirs_document: dict[str, Any] = people()
    theirs_document["organisation"]["slug"] = "other"
    return ours, make_register(db, theirs_document).organisation_id


@pytest.fixture
def held(db: Session, keys: keystore.Keys) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID, uuid.UUID]:
    """Our person with a legal hold and a restriction; and the other organisation's id."""
    ours, theirs = two_organisations(db)
    person = make_person(db, keys, ours).subject
    hold, restriction = make_hold_and_restriction(db, person.id, actor=OFFICER)
    return person.id, hold.id, restriction.id, theirs


def _still_in_force(db: Session, model: type[Any], row_id: uuid.UUID) -> bool:
    return db.scalar(select(model.lifted_at).where(model.id == row_id)) is None


def test_another_organisations_key_cannot_lift_our_legal_hold(
    client: TestClient, db: Session, held: tuple[uuid.UUID, uuid.UUID, uuid.UUID, uuid.UUID]
) -> None:
    _, hold_id, _, theirs = held
    their_key = make_api_key(db, theirs, ["subjects:flag", "subjects:read"])

    response = client.post(f"/api/holds/{hold_id}/lift", headers=bearer(their_key))

    assert response.status_code == 404
    assert _still_in_force(db, subjects.LegalHold, hold_id)


def test_another_organisations_key_cannot_lift_our_restriction(
    client: TestClient, db: Session, held: tuple[uuid.UUID, uuid.UUID, uuid.UUID, uuid.UUID]
) -> None:
    _, _, restriction_id, theirs = held
    their_key = make_api_key(db, theirs, ["subjects:flag"])

    response = client.post(
        f"/api/restrictions/{restriction_id}/lift",
        headers=bearer(their_key),
        json={"informed_at": "2026-03-01T10:00:00+01:00"},
    )

    assert response.status_code == 404
    assert _still_in_force(db, subjects.Restriction, restriction_id)


def test_our_own_key_lifts_our_legal_hold(
    client: TestClient, db: Session, held: tuple[uuid.UUID, uuid.UUID, uuid.UUID, uuid.UUID]
) -> None:
    person_id, hold_id, _, _ = held
    our_key = make_api_key(db, db.get_one(subjects.Subject, person_id).organisation_id, ["subjects:flag"])

    response = client.post(f"/api/holds/{hold_id}/lift", headers=bearer(our_key))

    assert response.status_code == 200
    assert not _still_in_force(db, subjects.LegalHold, hold_id)


def _log_in(client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID) -> None:
    log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER, now=NOW)


def test_another_organisations_officer_cannot_lift_our_hold_from_the_console(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    held: tuple[uuid.UUID, uuid.UUID, uuid.UUID, uuid.UUID],
) -> None:
    _, hold_id, restriction_id, theirs = held
    person_id = make_person(db, keys, theirs).subject.id  # their own person in the URL, our hold's id
    _log_in(client, db, keys, theirs)

    hold = client.post(
        f"/console/subjects/{person_id}/holds/{hold_id}/lift",
        data={"purpose": "request_followup"},
        headers=HEADERS,
        follow_redirects=False,
    )
    restriction = client.post(
        f"/console/subjects/{person_id}/restrictions/{restriction_id}/lift",
        data={"purpose": "request_followup", "informed_at": "2026-03-01T10:00"},
        headers=HEADERS,
        follow_redirects=False,
    )

    assert (hold.status_code, restriction.status_code) == (404, 404)
    assert _still_in_force(db, subjects.LegalHold, hold_id)
    assert _still_in_force(db, subjects.Restriction, restriction_id)
