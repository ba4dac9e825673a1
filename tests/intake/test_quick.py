"""The public forms' fast lane: the same rows as `submit`, written only while the guard holds."""

import dataclasses
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, consent, intake, keystore, subjects
from lawful.actor import PUBLIC
from lawful.consent import ConsentState
from lawful.db import insert_together
from lawful.intake import submissions
from lawful.subjects import Collection, Identity, PersonalData, Subject
from tests.factories import make_notice, make_register
from tests.registers import people

CONTACT = {"name": "Anne Dupont", "email": "Anne@Example.test", "message": "Une démo ?"}


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def _quick(db: Session, keys: keystore.Keys, org: uuid.UUID, **changes: Any) -> submissions.Quick:
    now = dataclasses.replace(submissions.current(db, organisation_id=org), **changes)
    quick = submissions.quick(
        PUBLIC,
        keys,
        now,
        organisation_id=org,
        form_key="contact",
        fields=CONTACT,
        marketing_consent=True,
        language="fr",
        channel=subjects.Channel.API,
    )
    assert quick is not None
    return quick


def _count(db: Session, model: type[Any]) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def _stored(db: Session, keys: keystore.Keys, org: uuid.UUID) -> dict[str, Any]:
    """What a submission left, without ids and times: the same whichever path wrote it."""
    found = subjects.find_by_identity(
        db, keys, organisation_id=org, kind=subjects.IdentityKind.EMAIL, value="anne@example.test"
    )
    assert found is not None
    (collection,) = subjects.history(db, subject_id=found.id)
    return {
        "subject": (found.categories, found.language, found.country, found.role, found.art14_due),
        "collection": (
            collection.activity,
            collection.channel,
            collection.form_key,
            collection.register_number,
            collection.notice_number,
            collection.language,
            collection.provided_by_subject,
            collection.recorded_by,
        ),
        "values": sorted(
            (v.category, v.value, v.version) for v in subjects.values(db, keys, subject_id=found.id)
        ),
        "identities": subjects.identity_values(db, keys, subject_id=found.id),
        "consent": sorted(
            (e.purpose, e.kind, e.text_hash, e.element) for e in consent.history(db, subject_id=found.id)
        ),
        "state": db.execute(
            select(ConsentState.purpose, ConsentState.state).where(ConsentState.subject_id == found.id)
        ).all(),
        "audit": sorted(e.action for e in audit.list_entries(db, limit=10) if e.actor_label == PUBLIC.label),
    }


def test_the_quick_rows_are_what_submit_writes(db: Session, keys: keystore.Keys, org: uuid.UUID) -> None:
    quick = _quick(db, keys, org)
    assert insert_together(db.connection(), quick.new.groups, only_if=quick.guard) is True
    by_lane = _stored(db, keys, org)
    db.rollback()

    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    intake.submit(
        db,
        PUBLIC,
        keys,
        organisation_id=org,
        form_key="contact",
        fields=CONTACT,
        marketing_consent=True,
        language="fr",
        channel=subjects.Channel.API,
    )

    assert _stored(db, keys, org) == by_lane
    assert by_lane["consent"] and by_lane["audit"] == ["consent.given", "subjects.collected"]


@pytest.mark.parametrize(
    "stale",
    [{"version_id": uuid.uuid4()}, {"notice_number": 99}, {"notice_number": None}],
    ids=["register-changed", "notice-changed", "notice-appeared"],
)
def test_nothing_is_written_when_a_stamped_version_is_no_longer_current(
    db: Session, keys: keystore.Keys, org: uuid.UUID, stale: dict[str, Any]
) -> None:
    quick = _quick(db, keys, org, **stale)

    assert insert_together(db.connection(), quick.new.groups, only_if=quick.guard) is False
    assert [_count(db, m) for m in (Subject, Identity, Collection, PersonalData)] == [0, 0, 0, 0]


def test_nothing_is_written_for_someone_already_known(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    first = _quick(db, keys, org)
    assert insert_together(db.connection(), first.new.groups, only_if=first.guard)

    second = _quick(db, keys, org)

    assert insert_together(db.connection(), second.new.groups, only_if=second.guard) is False
    assert _count(db, Subject) == 1


def test_the_lane_answers_a_new_person_and_hands_a_known_one_to_the_route(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    url = "/api/forms/contact/submissions"
    body = {"fields": CONTACT, "language": "fr"}

    assert client.post(url, json=body).status_code == 201
    changed = client.post(url, json={**body, "fields": {**CONTACT, "name": "Anne Dupont-Martin"}})

    assert changed.status_code == 201
    assert _count(db, Subject) == 1 and _count(db, Collection) == 2
    found = subjects.find_by_identity(
        db, keys, organisation_id=org, kind=subjects.IdentityKind.EMAIL, value="anne@example.test"
    )
    assert found is not None
    names = [v.value for v in subjects.values(db, keys, subject_id=found.id) if v.category == "user.name"]
    assert names == ["Anne Dupont-Martin"]
