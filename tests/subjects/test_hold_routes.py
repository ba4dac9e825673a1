"""Legal holds from outside (R-79): who may place and lift them, and holds past their review flagged in the
API, the CLI and the console (kept, not dropped)."""

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import clock, keystore, subjects
from lawful import db as lawful_db
from lawful.actor import Actor, ActorKind
from lawful.config import get_settings
from lawful.staff import Role
from tests.conftest import Lawful
from tests.factories import bearer, log_in, make_api_key, make_person, make_register
from tests.registers import people

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
AT = {"X-Lawful-Now": NOW.isoformat()}
HOLD = {"case_ref": "C-9", "reason": "a claim", "purpose": "request_followup", "review_on": "2026-06-01"}


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, people()).organisation_id


def _hold(db: Session, subject_id: uuid.UUID, case_ref: str, review_on: date) -> subjects.LegalHold:
    with clock.pinned(datetime.combine(review_on - timedelta(days=30), datetime.min.time(), UTC)):
        return subjects.place_hold(
            db,
            Actor(ActorKind.CLI, label="cli:test"),
            subject_id=subject_id,
            case_ref=case_ref,
            reason="a claim",
            purpose="request_followup",
            review_on=review_on,
        )


def _three_holds(db: Session, keys: keystore.Keys, org: uuid.UUID) -> uuid.UUID:
    """Reviews due yesterday (overdue), today and tomorrow (not yet), on one person."""
    person = make_person(db, keys, org, email="held@example.test").subject.id
    for case, days in (("C-yesterday", -1), ("C-today", 0), ("C-tomorrow", 1)):
        _hold(db, person, case, NOW.date() + timedelta(days=days))
    return person


def test_the_api_lists_holds_past_their_review_and_they_still_hold(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    _three_holds(db, keys, org)
    token = make_api_key(db, org, ["subjects:flag"])

    overdue = client.get("/api/subjects/holds?overdue=true", headers=bearer(token) | AT)
    every = client.get("/api/subjects/holds", headers=bearer(token) | AT)

    assert overdue.status_code == 200, overdue.text
    assert [(h["case_ref"], h["overdue"]) for h in overdue.json()] == [("C-yesterday", True)]
    assert [(h["case_ref"], h["overdue"]) for h in every.json()] == [
        ("C-yesterday", True),
        ("C-today", False),
        ("C-tomorrow", False),
    ]


@pytest.mark.parametrize("scopes", [["subjects:read"], ["personal_data:read", "archive:read"]])
def test_a_key_without_the_flag_scope_may_not_list_place_or_lift_holds(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, scopes: list[str]
) -> None:
    person = _three_holds(db, keys, org)
    held = db.scalars(select(subjects.LegalHold).where(subjects.LegalHold.subject_id == person)).first()
    assert held is not None
    token = make_api_key(db, org, scopes)

    listed = client.get("/api/subjects/holds", headers=bearer(token) | AT)
    placed = client.post(f"/api/subjects/{person}/holds", json=HOLD, headers=bearer(token) | AT)
    lifted = client.post(f"/api/holds/{held.id}/lift", headers=bearer(token) | AT)

    assert (listed.status_code, placed.status_code, lifted.status_code) == (403, 403, 403)
    db.refresh(held)
    assert held.lifted_at is None


def test_another_organisations_key_cannot_lift_a_hold(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    person = make_person(db, keys, org, email="held@example.test").subject.id
    hold = _hold(db, person, "C-1", NOW.date() + timedelta(days=30))
    other = people()
    other["organisation"] = other["organisation"] | {"slug": "other"}
    their_key = make_api_key(db, make_register(db, other).organisation_id, ["subjects:flag"])

    response = client.post(f"/api/holds/{hold.id}/lift", headers=bearer(their_key) | AT)

    assert response.status_code == 404
    db.refresh(hold)
    assert hold.lifted_at is None


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.LEGAL, True),
        (Role.PRIVACY_OFFICER, True),
        (Role.SALES, False),
        (Role.SUPPORT, False),
        (Role.MARKETING, False),
        (Role.FINANCE, False),
    ],
)
def test_only_legal_and_privacy_staff_place_and_lift_holds_in_the_console(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, role: Role, allowed: bool
) -> None:
    person = make_person(db, keys, org, email="held@example.test").subject.id
    hold = _hold(db, person, "C-1", NOW.date() + timedelta(days=30))
    log_in(client, db, keys, org, role, now=NOW.isoformat())
    form = HOLD | {"hold_purpose": "request_followup", "purpose": "request_followup"}

    placed = client.post(f"/console/subjects/{person}/holds", data=form, headers=AT, follow_redirects=False)
    lifted = client.post(
        f"/console/subjects/{person}/holds/{hold.id}/lift",
        data={"purpose": "request_followup"},
        headers=AT,
        follow_redirects=False,
    )

    assert (placed.status_code, lifted.status_code) == ((303, 303) if allowed else (403, 403))
    count = len(db.scalars(select(subjects.LegalHold).where(subjects.LegalHold.subject_id == person)).all())
    db.refresh(hold)
    assert (count, hold.lifted_at is not None) == ((2, True) if allowed else (1, False))


def test_the_console_flags_holds_past_their_review_on_the_list_and_the_person(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    person = _three_holds(db, keys, org)
    log_in(client, db, keys, org, Role.LEGAL, now=NOW.isoformat())

    listing = client.get("/console/subjects/holds?overdue=true", headers=AT)
    record = client.get(f"/console/subjects/{person}?purpose=request_followup", headers=AT)

    assert listing.status_code == 200 and "C-yesterday" in listing.text
    assert "C-today" not in listing.text and "C-tomorrow" not in listing.text
    assert record.text.count("review overdue") == 1  # yesterday's; today's review is still on time


def test_the_cli_lists_overdue_holds_and_exits_1_while_any_remain(lawful: Lawful, fresh_url: str) -> None:
    keys = keystore.open_keys(get_settings())
    with lawful_db.open_session(fresh_url) as session:
        org = make_register(session, people()).organisation_id
        person = make_person(session, keys, org, email="held@example.test").subject.id
        _hold(session, person, "C-old", date(2026, 2, 28))
        session.commit()

    on_review_day = lawful("flags", "holds", "--overdue", "--today", "2026-02-28", "--json")
    day_after = lawful("flags", "holds", "--overdue", "--today", "2026-03-01", "--json")

    assert on_review_day.exit_code == 0 and json.loads(on_review_day.output) == []
    assert day_after.exit_code == 1
    assert [(h["case_ref"], h["overdue"]) for h in json.loads(day_after.output)] == [("C-old", True)]
