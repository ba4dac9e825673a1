"""The run on the real database: anonymisation, withdrawn consent, objections, claims, several activities,
the audit of every step (R-72 to R-80, Q7)."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, keystore, retention, subjects
from lawful.actor import Actor
from tests.factories import make_register
from tests.registers import label
from tests.retention import world as worlds

PROOF = consent.Proof(text="Yes", text_version="1", language="en", channel="web_form", element="x")


def moment(day: str) -> datetime:
    return retention.rules.start_of_day(datetime.fromisoformat(day).date())


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, worlds.register()).organisation_id


def _run(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, day: str) -> retention.RetentionRun:
    return retention.run(db, actor, keys, organisation_id=org, now=moment(day))


def _consent(db: Session, org: uuid.UUID, sid: uuid.UUID, purpose: str, kind: consent.EventKind) -> None:
    consent.record(
        db, worlds.ACTOR, organisation_id=org, subject_id=sid, purpose=purpose, kind=kind, proof=PROOF
    )


def test_anonymising_keeps_counts_of_generalised_values_and_nothing_of_the_person(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    people = [
        worlds.collect(
            db,
            keys,
            org,
            email=f"contest-{n}@example.test",
            activity="contest",
            at=datetime(2025, 3, 1, 9, tzinfo=UTC),
            values={"user.demographic.date_of_birth": f"199{n}-07-14", "user.contact.address.country": "BE"},
        )
        for n in range(2)
    ]
    for sid in people:
        _consent(db, org, sid, "contest", consent.EventKind.GIVEN)

    kept = _run(db, actor, keys, org, "2026-03-01")
    done = _run(db, actor, keys, org, "2026-03-02")

    counts = db.scalars(
        select(retention.AnonymousCount).where(retention.AnonymousCount.organisation_id == org)
    )
    assert {(c.category, c.value, c.count) for c in counts} == {
        ("user.demographic.date_of_birth", "1990", 1),
        ("user.demographic.date_of_birth", "1991", 1),
        ("user.contact.address.country", "BE", 2),
    }
    assert kept.counts == [] and done.counts[0]["step"] == "anonymised" and done.counts[0]["done"] == 2
    assert all(db.get(subjects.Subject, sid) is None for sid in people)  # consent ended with its period


def test_a_second_anonymising_run_counts_nobody_twice(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    worlds.collect(
        db,
        keys,
        org,
        email="once@example.test",
        activity="contest",
        at=datetime(2025, 3, 1, 9, tzinfo=UTC),
        values={"user.contact.address.country": "NL"},
    )
    _run(db, actor, keys, org, "2026-03-02")
    _run(db, actor, keys, org, "2026-03-02")

    [count] = db.scalars(select(retention.AnonymousCount).where(retention.AnonymousCount.value == "NL"))
    assert count.count == 1


def test_a_withdrawn_pool_consent_keeps_nothing_past_the_recruitments_end(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    at = datetime(2025, 11, 3, 9, tzinfo=UTC)
    sid = worlds.collect(
        db, keys, org, email="left-pool@example.test", activity="recruitment", category="candidate", at=at
    )
    worlds.collect(
        db, keys, org, email="left-pool@example.test", activity="talent_pool", category="candidate", at=at
    )
    _consent(db, org, sid, "talent_pool", consent.EventKind.GIVEN)
    _consent(db, org, sid, "talent_pool", consent.EventKind.WITHDRAWN)
    retention.record_event(
        db,
        actor,
        organisation_id=org,
        subject_id=sid,
        kind="recruitment_end",
        at=date(2026, 1, 15),
        channel="staff",
    )

    _run(db, actor, keys, org, "2026-07-16")

    assert db.get(subjects.Subject, sid) is None


def test_only_the_ended_activity_goes_when_another_still_runs(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    sid = worlds.collect(
        db,
        keys,
        org,
        email="two@example.test",
        activity="request_followup",
        at=datetime(2023, 1, 10, 10, tzinfo=UTC),
    )
    worlds.collect(
        db,
        keys,
        org,
        email="two@example.test",
        activity="contracts",
        category="customer",
        at=datetime(2023, 2, 1, tzinfo=UTC),
        values={"user.name": "Renamed Person"},
    )

    run = _run(db, actor, keys, org, "2026-01-11")

    [step] = retention.actions(db, run_id=run.id)
    assert (step.activity, step.whole) == ("request_followup", False)
    left = db.execute(
        select(subjects.Collection.activity, subjects.PersonalData.category)
        .join(subjects.PersonalData, subjects.PersonalData.collection_id == subjects.Collection.id)
        .where(subjects.PersonalData.subject_id == sid)
    ).all()
    # the old name went with the prospecting; the address the contract still uses stays
    assert sorted(left) == [("contracts", "user.name"), ("request_followup", "user.contact.email")]
    assert db.get(subjects.Subject, sid) is not None


def test_an_upheld_objection_ends_an_activity_counted_from_it(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    document = worlds.register()
    document["retention_rules"].append(
        {
            "key": "until_objection",
            "label": label("x"),
            "trigger": "objection",
            "action": "delete",
            "review_every": "P12M",
        }
    )
    next(a for a in document["activities"] if a["key"] == "customer_offers")["retention"] = "until_objection"
    organisation = make_register(db, document).organisation_id
    sid = worlds.collect(
        db,
        keys,
        organisation,
        email="objects@example.test",
        activity="customer_offers",
        category="customer",
        at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    objection = subjects.record_objection(
        db, actor, subject_id=sid, kind="legitimate_interest", activity="customer_offers"
    )

    before = _run(db, actor, keys, organisation, "2026-01-01")
    subjects.decide_objection(db, actor, objection_id=objection.id, outcome="upheld")
    after = retention.run(db, actor, keys, organisation_id=organisation, now=clock.now())

    assert before.counts == [] and after.counts[0]["done"] == 1
    assert db.get(subjects.Subject, sid) is None


def test_a_restriction_for_a_legal_claim_holds_the_data_back(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    sid = worlds.collect(
        db,
        keys,
        org,
        email="claim@example.test",
        activity="request_followup",
        at=datetime(2023, 1, 10, 10, tzinfo=UTC),
    )
    subjects.restrict(
        db, actor, subject_id=sid, ground=subjects.RestrictionGround.LEGAL_CLAIMS, reason="their claim"
    )

    run = _run(db, actor, keys, org, "2026-01-11")

    assert run.counts[0]["skipped"] == {"legal_claims": 1} and run.counts[0]["done"] == 0
    assert worlds.items(db, sid) == 2


def test_every_step_and_the_run_itself_are_audited_without_content(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    sid = worlds.collect(
        db,
        keys,
        org,
        email="audited@example.test",
        activity="request_followup",
        at=datetime(2023, 1, 10, 10, tzinfo=UTC),
    )

    run = _run(db, actor, keys, org, "2026-01-11")

    [step] = retention.actions(db, run_id=run.id)
    entry = db.scalars(select(audit.AuditEntry).where(audit.AuditEntry.entity_id == str(step.id))).one()
    assert (entry.action, entry.actor_label, entry.data["subject_id"], entry.data["items"]) == (
        "retention.deleted",
        actor.label,
        str(sid),
        2,
    )
    finished = audit.latest(db, entity=run)
    assert finished is not None and finished.action == "retention.run_finished"
    assert "audited@example.test" not in str(entry.data) + str(finished.data)


def test_a_stale_running_run_is_marked_interrupted_by_the_next(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    stale = retention.RetentionRun(
        organisation_id=org,
        as_of=clock.now(),
        started_at=clock.now() - timedelta(hours=2),
        heartbeat_at=clock.now() - timedelta(hours=2),
        status="running",
        started_by="system:worker",
        counts=[],
    )
    db.add(stale)
    db.flush()

    retention.run(db, actor, keys, organisation_id=org, now=clock.now())

    assert stale.status == "interrupted"
