"""Lifecycle events retention counts from, and the archive state (R-72 to R-78, T-30)."""

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, keystore, subjects
from lawful.actor import Actor
from lawful.subjects.lifecycle import event_problem
from tests.factories import make_person, make_register
from tests.registers import people

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "channel", "at", "problem"),
    [
        ("last_inbound_contact", "reply", NOW, None),
        ("last_inbound_contact", "registration", NOW, None),
        ("last_inbound_contact", "staff", NOW, "channel"),  # staff entering data is not the person's contact
        ("last_inbound_contact", "datastore", NOW, "channel"),  # nor an import (T-30)
        ("contract_end", "datastore", NOW, None),
        ("contract_end", "staff", datetime(2026, 12, 7, 12, 0, 1, tzinfo=UTC), "occurred_at"),
        ("collection", "form", NOW, "kind"),  # collection is counted from the collections themselves
        ("contract_end", "pigeon", NOW, "channel"),
    ],
)
def test_which_events_can_be_recorded(kind: str, channel: str, at: datetime, problem: str | None) -> None:
    found = event_problem(kind, channel, at, NOW)

    assert (found[0] if found else None) == problem


def test_an_event_is_recorded_once_per_reference_and_audited(
    db: Session, keys: keystore.Keys, actor: Actor
) -> None:
    org = make_register(db, people()).organisation_id
    person = make_person(db, keys, org, email="contract@example.test").subject
    ended = datetime(2020, 6, 30, 22, tzinfo=UTC)

    first = subjects.record_event(
        db,
        actor,
        subject_id=person.id,
        kind="contract_end",
        occurred_at=ended,
        channel="staff",
        reference="C-12",
    )
    again = subjects.record_event(
        db,
        actor,
        subject_id=person.id,
        kind="contract_end",
        occurred_at=ended,
        channel="staff",
        reference="C-12",
    )

    assert again.id == first.id
    assert [e.occurred_at for e in subjects.events(db, subject_ids=[person.id])] == [ended]
    entries = db.scalars(select(audit.AuditEntry).where(audit.AuditEntry.action == "subjects.event_recorded"))
    assert [e.entity_id for e in entries] == [str(first.id)]


def test_a_refused_event_names_its_field_and_writes_nothing(
    db: Session, keys: keystore.Keys, actor: Actor
) -> None:
    org = make_register(db, people()).organisation_id
    person = make_person(db, keys, org, email="import@example.test").subject

    with pytest.raises(subjects.EventRefused, match=r"^channel:"):
        subjects.record_event(
            db, actor, subject_id=person.id, kind="last_inbound_contact", occurred_at=NOW, channel="staff"
        )

    assert subjects.events(db, subject_ids=[person.id]) == []
    with pytest.raises(subjects.SubjectNotFound):
        subjects.record_event(
            db, actor, subject_id=uuid.uuid4(), kind="contract_end", occurred_at=NOW, channel="staff"
        )


def test_an_archived_activity_stays_archived_with_its_first_end(
    db: Session, keys: keystore.Keys, actor: Actor
) -> None:
    org = make_register(db, people()).organisation_id
    person = make_person(db, keys, org, email="archived@example.test").subject

    subjects.archive(
        db, actor, subject_id=person.id, activity="sales", rule="ten_years", delete_on=date(2030, 6, 30)
    )
    again = subjects.archive(
        db, actor, subject_id=person.id, activity="sales", rule="ten_years", delete_on=date(2031, 1, 1)
    )

    assert again.delete_on == date(2030, 6, 30)
    assert subjects.archived(db, subject_ids=[person.id]) == {person.id: frozenset({"sales"})}
