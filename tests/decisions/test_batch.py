"""Batch decisions give, for every person and every fact, the answer of a decision asked one by one.

On PostgreSQL the database groups people by their facts (decisions.batch) and retention becomes one
two comparisons against `rules.retention_bounds`; the oracle here is the per-person statement of
decisions.facts with the rule applied to each person's own facts.
"""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from lawful import clock, consent, keystore, subjects
from lawful.actor import Actor
from lawful.decisions import Reason, facts, rules, service
from lawful.decisions.errors import UnknownPurpose
from tests.factories import give_consent, make_person, make_register
from tests.registers import people

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
PURPOSES = ("request_followup", "newsletter", "customer_offers")


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, people()).organisation_id


def _collected_at(db: Session, subject_id: uuid.UUID, at: datetime) -> None:
    db.execute(
        update(subjects.Collection)
        .where(subjects.Collection.subject_id == subject_id)
        .values(collected_at=at)
    )


def _population(db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor) -> dict[str, uuid.UUID]:
    """One person per fact the gate reads, and a few combinations."""
    who = {
        name: make_person(db, keys, org, email=f"{name}@example.test", category=category).subject.id
        for name, category in [
            ("plain", "prospect"),
            ("restricted", "prospect"),
            ("restricted_elsewhere", "prospect"),
            ("lifted", "prospect"),
            ("marketing_objector", "customer"),
            ("pending_objector", "customer"),
            ("upheld_objector", "customer"),
            ("held", "prospect"),
            ("hold_reviewed", "prospect"),
            ("suppressed", "customer"),
            ("consented", "prospect"),
            ("withdrawn", "prospect"),
            ("child", "prospect"),
            ("expired", "prospect"),
            ("expired_and_held", "prospect"),
            ("at_past_bound", "prospect"),
            ("at_end", "prospect"),
            ("after_end", "prospect"),
            ("at_kept_bound", "prospect"),
            ("everything", "customer"),
        ]
    }
    ground = subjects.RestrictionGround.ACCURACY_CONTESTED
    for name in ("restricted", "everything"):
        subjects.restrict(db, actor, subject_id=who[name], ground=ground, reason="checking")
    subjects.restrict(
        db, actor, subject_id=who["restricted_elsewhere"], ground=ground, reason="x", activity="newsletter"
    )
    lifted = subjects.restrict(db, actor, subject_id=who["lifted"], ground=ground, reason="checking")
    subjects.lift_restriction(db, actor, restriction_id=lifted.id, informed_at=NOW - timedelta(days=1))
    for name in ("marketing_objector", "everything"):
        subjects.record_objection(db, actor, subject_id=who[name], kind="direct_marketing", activity=None)
    for name in ("pending_objector", "upheld_objector"):
        objection = subjects.record_objection(
            db, actor, subject_id=who[name], kind="legitimate_interest", activity="customer_offers"
        )
        if name == "upheld_objector":
            subjects.decide_objection(db, actor, objection_id=objection.id, outcome="upheld")
    with clock.pinned(NOW - timedelta(days=10)):  # a hold needs a review date in the future when placed
        for name, review in [
            ("held", NOW.date() + timedelta(days=30)),
            ("expired_and_held", NOW.date() + timedelta(days=30)),
            ("everything", NOW.date()),  # a review due today still holds
            ("hold_reviewed", NOW.date() - timedelta(days=1)),
        ]:
            subjects.place_hold(
                db,
                actor,
                subject_id=who[name],
                case_ref="C-1",
                reason="claim",
                purpose="contest",
                review_on=review,
            )
    for name in ("suppressed", "everything"):
        lookup = consent.suppression_lookup(keys, f"{name}@example.test")
        consent.suppress(db, actor, organisation_id=org, lookup=lookup, reason="unsubscribed")
    for name in ("consented", "withdrawn", "everything"):
        give_consent(db, org, who[name], actor=actor)
    consent.record(
        db,
        actor,
        organisation_id=org,
        subject_id=who["withdrawn"],
        purpose="newsletter",
        kind=consent.EventKind.WITHDRAWN,
        proof=consent.Proof(text="No", text_version="1", language="en", channel="web_form", element="x"),
    )
    for name in ("child", "everything"):
        subjects.flag_child(db, actor, subject_id=who[name])
    return who


def _one_by_one(db: Session, org: uuid.UUID, purpose: str, ids: list[uuid.UUID]) -> list[rules.Decision]:
    target = service.purpose_of(db, organisation_id=org, purpose=purpose)
    known = facts.by_ids(db, organisation_id=org, purpose=purpose, subject_ids=ids)
    return [
        rules.decide(target, facts.person(known[i]), frozenset(), clock.now())
        if i in known
        else service.UNKNOWN
        for i in ids
    ]


def test_every_fact_gives_the_answer_of_a_decision_asked_one_by_one(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    with clock.pinned(NOW):
        who = _population(db, keys, org, actor)
        bounds = rules.retention_bounds(
            service.purpose_of(db, organisation_id=org, purpose="newsletter"), NOW
        )
        assert bounds is not None
        end = datetime(2023, 3, 1, 9, 30, tzinfo=UTC)  # collected then, the three years end at NOW
        for name, at in [
            ("expired", NOW - timedelta(days=4 * 365)),
            ("expired_and_held", NOW - timedelta(days=4 * 365)),
            ("at_past_bound", bounds[0]),
            ("at_end", end),
            ("after_end", end + timedelta(microseconds=1)),
            ("at_kept_bound", bounds[1]),
        ]:
            _collected_at(db, who[name], at)
        other = people()
        other["organisation"] = other["organisation"] | {"slug": "other"}
        stranger = make_person(db, keys, make_register(db, other).organisation_id).subject.id
        db.flush()
        ids = [*who.values(), stranger, uuid.uuid4(), who["plain"]]  # another organisation's, nobody's, twice

        for purpose in PURPOSES:
            batch = service.decide_each(db, organisation_id=org, purpose=purpose, subject_ids=ids)
            assert batch == _one_by_one(db, org, purpose, ids), purpose
        followup = dict(
            zip(
                ids,
                service.decide_each(db, organisation_id=org, purpose="request_followup", subject_ids=ids),
                strict=True,
            )
        )
        newsletter = service.decide_many(db, organisation_id=org, purpose="newsletter", subject_ids=ids)
        offers = service.decide_many(db, organisation_id=org, purpose="customer_offers", subject_ids=ids)

    def reasons(decided: dict[uuid.UUID, rules.Decision], name: str) -> tuple[Reason, ...]:
        return decided[who[name]].reasons

    assert followup[who["plain"]].allow and followup[who["restricted_elsewhere"]].allow
    assert followup[who["lifted"]].allow and followup[who["hold_reviewed"]].allow
    assert reasons(followup, "restricted") == (Reason.RESTRICTED,)
    assert reasons(newsletter, "restricted_elsewhere") == (Reason.NO_CONSENT, Reason.RESTRICTED)
    assert reasons(newsletter, "marketing_objector") == (Reason.NO_CONSENT, Reason.OBJECTED)
    assert reasons(offers, "pending_objector") == (Reason.OBJECTION_PENDING,)
    assert reasons(offers, "upheld_objector") == (Reason.OBJECTED,)
    assert newsletter[who["consented"]].allow
    assert reasons(newsletter, "withdrawn") == (Reason.CONSENT_WITHDRAWN,)
    assert reasons(newsletter, "suppressed") == (Reason.NO_CONSENT, Reason.SUPPRESSED)
    assert reasons(newsletter, "child") == (Reason.NO_CONSENT, Reason.UNDER_AGE)
    assert reasons(followup, "expired") == (Reason.RETENTION_EXPIRED,)
    assert reasons(followup, "expired_and_held") == (Reason.RETENTION_EXPIRED, Reason.HELD_FOR_OTHER_PURPOSE)
    assert reasons(followup, "at_past_bound") == reasons(followup, "at_end") == (Reason.RETENTION_EXPIRED,)
    assert followup[who["after_end"]].allow and followup[who["at_kept_bound"]].allow
    assert set(reasons(newsletter, "everything")) == {
        Reason.OBJECTED,
        Reason.RESTRICTED,
        Reason.SUPPRESSED,
        Reason.UNDER_AGE,
    }
    assert followup[ids[-3]] == followup[ids[-2]] == service.UNKNOWN


def test_a_batch_of_nobody_and_of_no_one_known(db: Session, org: uuid.UUID) -> None:
    assert service.decide_each(db, organisation_id=org, purpose="newsletter", subject_ids=[]) == []
    assert service.decide_each(db, organisation_id=org, purpose="newsletter", subject_ids=[uuid.uuid4()]) == [
        service.UNKNOWN
    ]


def test_an_unknown_purpose_is_refused_in_a_batch_too(db: Session, org: uuid.UUID) -> None:
    with pytest.raises(UnknownPurpose):
        service.decide_each(db, organisation_id=org, purpose="nothing", subject_ids=[uuid.uuid4()])
