"""Bulk exports (R-91): purpose required, the gate for everyone, approval above the threshold, expiry."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from lawful import audit, clock, decisions, keystore, staff, subjects
from lawful.actor import Actor
from lawful.errors import Forbidden
from tests.factories import make_person, make_register, make_staff
from tests.registers import people


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, people()).organisation_id


def _actor(db: Session, keys: keystore.Keys, org: uuid.UUID, role: staff.Role) -> Actor:
    return staff.actor_for(make_staff(db, keys, org, [role]).user)


def test_a_small_export_is_ready_and_leaves_out_whom_the_purpose_may_not_use(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    kept = make_person(db, keys, org, email="kept@example.test")
    restricted = make_person(db, keys, org, email="out@example.test").subject
    subjects.restrict(
        db, actor, subject_id=restricted.id, ground=subjects.RestrictionGround.LEGAL_CLAIMS, reason="x"
    )
    sales = _actor(db, keys, org, staff.Role.SALES)

    export = decisions.exports.request(
        db,
        sales,
        keys,
        organisation_id=org,
        purpose="request_followup",
        fields=["user.contact.email"],
        subject_category="prospect",
        approval_threshold=500,
    )
    body = decisions.exports.download(db, sales, keys, export_id=export.id).decode()

    assert (export.status, export.people, export.excluded) == ("ready", 1, {"restricted": 1})
    assert body.splitlines() == ["subject_id,user.contact.email", f"{kept.subject.id},kept@example.test"]
    assert audit.latest(db, action="decisions.export_downloaded") is not None


def test_a_large_export_waits_for_another_persons_approval(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    for n in range(3):
        make_person(db, keys, org, email=f"m{n}@example.test")
    sales = _actor(db, keys, org, staff.Role.SALES)
    officer = _actor(db, keys, org, staff.Role.PRIVACY_OFFICER)
    export = decisions.exports.request(
        db,
        sales,
        keys,
        organisation_id=org,
        purpose="request_followup",
        fields=[],
        subject_category=None,
        approval_threshold=2,
    )

    with pytest.raises(decisions.exports.ExportNotReady):
        decisions.exports.download(db, sales, keys, export_id=export.id)
    with pytest.raises(Forbidden):
        decisions.exports.approve(db, sales, keys, export_id=export.id)
    decisions.exports.approve(db, officer, keys, export_id=export.id)

    assert (export.status, export.people, export.approved_by) == ("ready", 3, officer.label)


def test_an_officer_cannot_approve_their_own_large_export(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    for n in range(3):
        make_person(db, keys, org, email=f"o{n}@example.test")
    officer = _actor(db, keys, org, staff.Role.PRIVACY_OFFICER)
    export = decisions.exports.request(
        db,
        officer,
        keys,
        organisation_id=org,
        purpose="request_followup",
        fields=[],
        subject_category=None,
        approval_threshold=2,
    )

    with pytest.raises(Forbidden):
        decisions.exports.approve(db, officer, keys, export_id=export.id)


def test_an_expired_export_is_destroyed(db: Session, keys: keystore.Keys, org: uuid.UUID) -> None:
    make_person(db, keys, org)
    sales = _actor(db, keys, org, staff.Role.SALES)
    export = decisions.exports.request(
        db,
        sales,
        keys,
        organisation_id=org,
        purpose="request_followup",
        fields=[],
        subject_category=None,
        approval_threshold=500,
    )

    with clock.pinned(clock.now() + timedelta(hours=25)), pytest.raises(decisions.exports.ExportNotReady):
        decisions.exports.download(db, sales, keys, export_id=export.id)

    assert export.file is None and export.status == "expired"


def test_an_export_for_an_unknown_purpose_is_refused(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    with pytest.raises(decisions.UnknownPurpose):
        decisions.exports.request(
            db,
            _actor(db, keys, org, staff.Role.SALES),
            keys,
            organisation_id=org,
            purpose="everything",
            fields=[],
            subject_category=None,
            approval_threshold=500,
        )
