"""The fast lane's one-round-trip decision gives the ordinary path's answer, or steps aside."""

import uuid

import pytest
from sqlalchemy.orm import Session

from lawful import decisions, keystore, subjects
from lawful.actor import Actor
from lawful.decisions import service
from tests.factories import make_person, make_register
from tests.registers import people

EMAIL = subjects.IdentityKind.EMAIL


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, people()).organisation_id


def _quick(
    db: Session, keys: keystore.Keys, org: uuid.UUID, email: str, purpose: str
) -> decisions.Decision | None:
    connection = db.connection()
    question = service.Question(org, purpose, EMAIL, email)
    return service.decide_quick(connection.connection.driver_connection, connection.dialect, keys, question)


def _ordinary(
    db: Session, keys: keystore.Keys, org: uuid.UUID, email: str, purpose: str
) -> decisions.Decision:
    return service.decide_for(db, keys, service.Question(org, purpose, EMAIL, email))


def test_allowed_denied_and_restricted_people_get_the_ordinary_answer(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    make_person(db, keys, org, email="free@example.test")
    held_back = make_person(db, keys, org, email="held@example.test").subject
    subjects.restrict(
        db,
        actor,
        subject_id=held_back.id,
        ground=subjects.RestrictionGround.ACCURACY_CONTESTED,
        reason="checking",
    )
    db.flush()
    for email in ("free@example.test", " FREE@example.test", "held@example.test"):
        for purpose in ("request_followup", "newsletter"):
            _ordinary(db, keys, org, email, purpose)  # puts the purpose of this register version in cache
            quick = _quick(db, keys, org, email, purpose)
            assert quick is not None
            assert quick == _ordinary(db, keys, org, email, purpose)
    assert _quick(db, keys, org, "held@example.test", "request_followup").reasons == (  # type: ignore[union-attr]
        decisions.Reason.RESTRICTED,
    )


def test_it_steps_aside_when_the_answer_needs_more_than_one_row(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    objector = make_person(db, keys, org, email="no@example.test").subject
    subjects.record_objection(db, actor, subject_id=objector.id, kind="direct_marketing", activity=None)
    db.flush()
    _ordinary(db, keys, org, "no@example.test", "newsletter")

    assert _quick(db, keys, org, "no@example.test", "newsletter") is None  # objections are read in detail
    unknown = _quick(db, keys, org, "nobody@example.test", "newsletter")  # answered as fast as the known
    assert unknown is not None and unknown == _ordinary(db, keys, org, "nobody@example.test", "newsletter")
    assert _quick(db, keys, org, "not an address", "newsletter") is None
    assert _ordinary(db, keys, org, "no@example.test", "newsletter").reasons == (
        decisions.Reason.NO_CONSENT,
        decisions.Reason.OBJECTED,
    )
