"""A legal hold has one meaning everywhere (R-79, T-32): the gate, the automatic deletions and the flags."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from lawful import clock, dsr, keystore, subjects
from lawful.actor import Actor
from lawful.decisions import Reason, service
from lawful.subjects.rules import hold_in_force, hold_overdue
from tests.factories import make_person, make_register
from tests.registers import people

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
TODAY = NOW.date()


class Hold:
    def __init__(self, review_on: date, lifted_at: datetime | None = None) -> None:
        self.review_on, self.lifted_at = review_on, lifted_at


@pytest.mark.parametrize(
    ("review_on", "lifted", "in_force", "overdue"),
    [
        (TODAY + timedelta(days=1), False, True, False),
        (TODAY, False, True, False),  # the review is due today: not overdue yet
        (TODAY - timedelta(days=1), False, True, True),  # past review: still kept, and flagged
        (date(2024, 2, 29), False, True, True),
        (TODAY - timedelta(days=1), True, False, False),  # lifted: nothing is held any more
        (TODAY + timedelta(days=1), True, False, False),
    ],
)
def test_a_hold_is_in_force_until_lifted_and_overdue_after_its_review_date(
    review_on: date, lifted: bool, in_force: bool, overdue: bool
) -> None:
    hold = Hold(review_on, NOW if lifted else None)

    assert (hold_in_force(hold, TODAY), hold_overdue(hold, TODAY)) == (in_force, overdue)


def _held_customer(db: Session, keys: keystore.Keys, actor: Actor, review_on: date) -> uuid.UUID:
    """A customer collected for customer_offers four years ago (past its three years), held for it."""
    org = make_register(db, people()).organisation_id
    person = make_person(db, keys, org, category="customer", activity="customer_offers").subject
    db.execute(
        update(subjects.Collection)
        .where(subjects.Collection.subject_id == person.id)
        .values(collected_at=NOW - timedelta(days=4 * 365))
    )
    with clock.pinned(datetime.combine(review_on - timedelta(days=30), datetime.min.time(), UTC)):
        subjects.place_hold(
            db,
            actor,
            subject_id=person.id,
            case_ref="C-7",
            reason="a claim about the offer",
            purpose="customer_offers",
            review_on=review_on,
        )
    return person.id


@pytest.mark.parametrize("days", [-1, 0, 1], ids=["review-yesterday", "review-today", "review-tomorrow"])
def test_the_gate_and_the_deletion_agree_on_what_a_hold_keeps(
    db: Session, keys: keystore.Keys, actor: Actor, days: int
) -> None:
    subject_id = _held_customer(db, keys, actor, TODAY + timedelta(days=days))
    org = subjects.get(db, subject_id=subject_id).organisation_id

    with clock.pinned(NOW):
        gate = service.decide(db, organisation_id=org, purpose="customer_offers", subject_id=subject_id)
        other = service.decide(db, organisation_id=org, purpose="request_followup", subject_id=subject_id)
        objection = subjects.record_objection(
            db, actor, subject_id=subject_id, kind="legitimate_interest", activity="customer_offers"
        )
        subjects.decide_objection(db, actor, objection_id=objection.id, outcome="upheld")
        dsr.deletions.plan(db, actor)
        [deletion_id] = dsr.deletions.due(db, now=NOW)
        done = dsr.deletions.execute(db, actor, keys, deletion_id=deletion_id)

    assert done is not None
    kept = {(k["activity"], k["why"]) for k in done.result["kept"]}
    assert gate.allow, gate.reasons  # past retention, the data serve the hold's case
    assert kept == {("customer_offers", "legal_hold")} and not done.result["deleted"]
    assert Reason.RETENTION_EXPIRED not in gate.reasons
    assert not other.allow  # and nothing else (T-32)
