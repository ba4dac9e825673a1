"""What staff may read, seen from outside: refused reads stay on record (R-88), a refused purpose shows
nothing of the record, searches are audited, writing does not imply reading, exports need a role."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, decisions, keystore, staff, subjects
from tests.factories import (
    ACTOR,
    bearer,
    log_in,
    make_api_key,
    make_person,
    make_register,
)
from tests.registers import people

NOW = "2026-03-02T10:00:00+00:00"
HEADERS = {"X-Lawful-Now": NOW}


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, people()).organisation_id


def _entries(db: Session, action: str) -> list[audit.AuditEntry]:
    return list(db.scalars(select(audit.AuditEntry).where(audit.AuditEntry.action == action)))


def _log_in(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, role: staff.Role
) -> uuid.UUID:
    return log_in(client, db, keys, org, role, now=NOW)


def test_a_read_the_gate_refuses_over_the_api_stays_on_record(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    person = make_person(db, keys, org).subject
    token = make_api_key(db, org, ["personal_data:read"])

    response = client.post(
        "/api/subjects/read",
        headers=bearer(token),
        json={"subject": {"subject_id": str(person.id)}, "purpose": "newsletter"},
    )

    assert response.status_code == 422 and response.json()["error"] == "purpose_denied"
    [entry] = _entries(db, "decisions.read")
    assert (entry.outcome, entry.entity_id, entry.purpose) == ("denied", str(person.id), "newsletter")


def test_a_refused_purpose_shows_neither_provenance_nor_flags_in_the_console(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    person = make_person(db, keys, org).subject
    subjects.restrict(
        db,
        ACTOR,
        subject_id=person.id,
        ground=subjects.RestrictionGround.ACCURACY_CONTESTED,
        reason="Disputed X",
    )
    _log_in(client, db, keys, org, staff.Role.SUPPORT)

    page = client.get(f"/console/subjects/{person.id}?purpose=newsletter", headers=HEADERS)

    assert page.status_code == 200 and "no_consent" in page.text
    for hidden in ("Provenance", "Disputed X", "Restricted", "request_followup via", "Consent</h2>"):
        assert hidden not in page.text
    assert [e.outcome for e in _entries(db, "decisions.read")] == ["denied"]


@pytest.mark.parametrize(
    ("email", "outcome"), [("known@example.test", "found"), ("nobody@example.test", "not_found")]
)
def test_a_console_search_is_audited_without_the_identity(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, email: str, outcome: str
) -> None:
    make_person(db, keys, org, email="known@example.test")
    staff_id = _log_in(client, db, keys, org, staff.Role.SUPPORT)

    client.post(
        "/console/subjects",
        data={"kind": "email", "value": email, "purpose": "request_followup"},
        headers=HEADERS,
        follow_redirects=False,
    )

    [entry] = _entries(db, "decisions.searched")
    assert (entry.outcome, entry.actor_id, entry.purpose) == (outcome, staff_id, "request_followup")
    assert email not in str(entry.data) and "example.test" not in str(entry.data)


@pytest.mark.parametrize("known", [True, False])
def test_a_write_only_key_learns_nothing_about_whether_a_person_was_known(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, known: bool
) -> None:
    if known:
        make_person(db, keys, org, email="maybe@example.test")
    token = make_api_key(db, org, ["subjects:write"])

    response = client.post(
        "/api/subjects",
        headers=bearer(token),
        json={
            "subject_category": "prospect",
            "email": "maybe@example.test",
            "values": {"user.contact.email": "maybe@example.test"},
            "collection": {"activity": "request_followup", "channel": "email", "source": "subject"},
        },
    )

    assert (response.status_code, response.json()) == (
        201,
        {"recorded": True, "subject_id": None, "created": None, "changed": None},
    )
    assert db.scalar(select(func.count()).select_from(subjects.Subject)) == 1


def test_a_write_only_key_cannot_make_an_update_link_that_shows_the_person(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    person = make_person(db, keys, org).subject
    token = make_api_key(db, org, ["subjects:write"])

    response = client.post(f"/api/subjects/{person.id}/update-links", headers=bearer(token))

    assert response.status_code == 403


def test_an_export_cannot_be_downloaded_once_its_requester_lost_every_role(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    make_person(db, keys, org)
    staff_id = _log_in(client, db, keys, org, staff.Role.SUPPORT)
    client.post("/console/exports", data={"purpose": "request_followup"}, headers=HEADERS)
    export = db.scalars(select(decisions.Export)).one()
    staff.revoke(db, ACTOR, staff_id=staff_id, role=staff.Role.SUPPORT)

    response = client.get(f"/console/exports/{export.id}/file", headers=HEADERS)

    assert response.status_code == 403
    assert _entries(db, "decisions.export_downloaded") == []
