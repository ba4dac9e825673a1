"""Collecting personal data: provenance, versions, identities by keyed hash, flags and their audit."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, keystore, subjects
from lawful.actor import Actor
from lawful.subjects import Identity, PersonalData
from tests.factories import make_person, make_register
from tests.registers import people


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, people()).organisation_id


def test_a_person_is_found_again_however_the_address_is_typed(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    first = make_person(db, keys, org, email="Anne.Dupont@Example.test")

    again = make_person(db, keys, org, email="anne.dupont@example.TEST ")

    assert (again.subject.id, again.created) == (first.subject.id, False)


def test_identities_are_stored_as_keyed_hashes_and_ciphertext(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    collected = make_person(db, keys, org, email="hidden@example.test")

    row = db.scalars(select(Identity).where(Identity.subject_id == collected.subject.id)).one()

    assert len(row.lookup) == 64 and "hidden" not in row.lookup
    assert b"hidden@example.test" not in row.value


def test_a_changed_value_gets_a_new_version_and_keeps_the_old(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    first = make_person(db, keys, org, values={"user.name": "Anne"})
    email = subjects.identity_values(db, keys, subject_id=first.subject.id)["email"]

    second = make_person(db, keys, org, email=email, values={"user.name": "Anne Dupont"})

    names = db.scalars(
        select(PersonalData).where(
            PersonalData.subject_id == first.subject.id, PersonalData.category == "user.name"
        )
    ).all()
    current = subjects.values(db, keys, subject_id=first.subject.id, categories={"user.name"})
    assert second.changed == ["user.name"]
    assert sorted((n.version, n.superseded_at is None) for n in names) == [(1, False), (2, True)]
    assert [(v.value, v.version) for v in current] == [("Anne Dupont", 2)]


def test_the_same_value_again_adds_no_version(db: Session, keys: keystore.Keys, org: uuid.UUID) -> None:
    first = make_person(db, keys, org, values={"user.name": "Anne"})
    email = subjects.identity_values(db, keys, subject_id=first.subject.id)["email"]

    again = make_person(db, keys, org, email=email, values={"user.name": "Anne"})

    assert again.changed == []


def test_provenance_is_kept_with_each_value(db: Session, keys: keystore.Keys, org: uuid.UUID) -> None:
    collected = make_person(db, keys, org, values={"user.name": "Bo"})

    value = subjects.values(db, keys, subject_id=collected.subject.id, categories={"user.name"})[0]

    assert (value.collection.channel, value.collection.activity, value.collection.source) == (
        "email",
        "request_followup",
        "subject",
    )


def test_collection_is_audited_with_ids_and_category_names_only(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    collected = make_person(db, keys, org, email="audit.me@example.test", values={"user.name": "Secret"})

    entry = audit.latest(db, action="subjects.collected")

    assert entry is not None and entry.data["subject_id"] == str(collected.subject.id)
    assert "audit.me" not in str(audit.content(entry)) and "Secret" not in str(audit.content(entry))


def test_data_from_others_owe_an_art14_notice_within_a_month(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    with clock.pinned(datetime(2026, 1, 31, 10, tzinfo=UTC)):
        collected = make_person(db, keys, org, source=subjects.Source.AGGREGATOR)

    pending = subjects.art14_pending(db, organisation_id=org, due_by=date(2026, 2, 28))

    assert collected.subject.art14_due == date(2026, 2, 28)
    assert [s.id for s in pending] == [collected.subject.id]


def test_data_given_by_the_person_owe_no_art14_notice(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    collected = make_person(db, keys, org)

    assert collected.subject.art14_due is None


def test_a_hold_without_reason_or_review_date_is_refused(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    subject = make_person(db, keys, org).subject

    with pytest.raises(subjects.HoldRefused):
        subjects.place_hold(
            db,
            actor,
            subject_id=subject.id,
            case_ref="C-1",
            reason=" ",
            purpose="x",
            review_on=clock.today() + timedelta(days=30),
        )
    with pytest.raises(subjects.HoldRefused):
        subjects.place_hold(
            db, actor, subject_id=subject.id, case_ref="C-1", reason="claim", purpose="x", review_on=None
        )


def test_a_restriction_is_lifted_only_after_the_person_was_told(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    subject = make_person(db, keys, org).subject
    row = subjects.restrict(
        db,
        actor,
        subject_id=subject.id,
        ground=subjects.RestrictionGround.ACCURACY_CONTESTED,
        reason="contests the address",
    )

    with pytest.raises(subjects.RestrictionRefused):
        subjects.lift_restriction(db, actor, restriction_id=row.id, informed_at=None)
    lifted = subjects.lift_restriction(db, actor, restriction_id=row.id, informed_at=clock.now())

    assert lifted.lifted_at is not None
    assert audit.latest(db, entity=row).action == "subjects.restriction_lifted"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("born", "today", "country", "below"),
    [
        (date(2013, 6, 1), date(2026, 5, 31), "BE", True),  # 12, one day short
        (date(2013, 6, 1), date(2026, 6, 1), "BE", False),  # 13 on the day
        (date(2012, 1, 1), date(2026, 6, 1), "NL", True),  # 14 in the Netherlands (16)
        (date(2012, 1, 1), date(2026, 6, 1), "BE", False),
        (date(2011, 1, 1), date(2026, 6, 1), "FR", False),  # 15 in France (15)
        (date(2012, 1, 1), date(2026, 6, 1), None, False),  # unknown country: the organisation's (BE)
        (date(2012, 2, 29), date(2025, 2, 28), "BE", True),  # leap-day birthday: 13 on 1 March
        (date(2012, 2, 29), date(2025, 3, 1), "BE", False),
    ],
)
def test_the_digital_consent_age_depends_on_the_country(
    born: date, today: date, country: str | None, below: bool
) -> None:
    assert subjects.is_below_consent_age(born, today, country) is below
