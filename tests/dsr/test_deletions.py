"""Automatic deletions after a withdrawn consent or an upheld objection (R-62, R-67; Art. 17(1)(b)-(c))."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, jobs, keystore, subjects
from lawful import db as dbs
from lawful.actor import Actor
from lawful.config import Settings
from lawful.dsr import deletions, objections
from tests.factories import make_fulfilled_request, make_person, make_register
from tests.registers import label, people


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, people()).organisation_id


def _email() -> str:
    return f"auto-{uuid.uuid4().hex[:8]}@example.test"


def _consent(
    db: Session, actor: Actor, org: uuid.UUID, subject_id: uuid.UUID, purpose: str, kind: consent.EventKind
) -> None:
    proof = consent.Proof(text="Yes", text_version="1", language="en", channel="web_form", element="x")
    consent.record(
        db, actor, organisation_id=org, subject_id=subject_id, purpose=purpose, kind=kind, proof=proof
    )


def _collect(
    db: Session, keys: keystore.Keys, org: uuid.UUID, email: str, activity: str, category: str, **values: str
) -> uuid.UUID:
    collected = make_person(db, keys, org, email=email, category=category, activity=activity, values=values)
    return collected.subject.id


def _sweep(db: Session, actor: Actor, keys: keystore.Keys) -> list[deletions.Deletion]:
    """What the worker does: schedule what is new, then carry out what is due."""
    deletions.plan(db, actor)
    done = [deletions.execute(db, actor, keys, deletion_id=i) for i in deletions.due(db, now=clock.now())]
    return [d for d in done if d is not None]


def _held(db: Session, subject_id: uuid.UUID) -> list[tuple[str, str]]:
    """(activity, category) of every item still held of the person."""
    rows = db.execute(
        select(subjects.Collection.activity, subjects.PersonalData.category)
        .join(subjects.Collection, subjects.PersonalData.collection_id == subjects.Collection.id)
        .where(subjects.PersonalData.subject_id == subject_id)
    )
    return sorted((activity, category) for activity, category in rows)


def _subscriber(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, email: str) -> uuid.UUID:
    """A prospect known only through the newsletter, who consented."""
    subject_id = _collect(db, keys, org, email, "newsletter", "prospect", **{"user.name": "Test Subject"})
    _consent(db, actor, org, subject_id, "newsletter", consent.EventKind.GIVEN)
    return subject_id


def test_a_subscriber_who_withdraws_is_erased_whole_and_only_the_exclusion_entry_remains(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    email = _email()
    subject_id = _subscriber(db, actor, keys, org, email)
    _consent(db, actor, org, subject_id, "newsletter", consent.EventKind.WITHDRAWN)

    [done] = _sweep(db, actor, keys)

    assert (done.trigger, done.activity, done.status) == ("consent_withdrawn", "newsletter", "done")
    assert done.result["whole"] is True and done.result["kept"] == []
    assert sorted(d["category"] for d in done.result["deleted"]) == ["user.contact.email", "user.name"]
    assert db.get(subjects.Subject, subject_id) is None
    assert keys.store.get(keystore.subject_owner(subject_id)) is None  # crypto-shredded
    lookup = consent.suppression_lookup(keys, email)
    assert consent.suppressed(db, organisation_id=org, lookups=[lookup]) == {lookup}  # T-01


def test_a_customer_who_withdraws_the_newsletter_keeps_what_the_contract_needs(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    email = _email()
    subject_id = _collect(db, keys, org, email, "newsletter", "customer", **{"user.name": "Test Subject"})
    _consent(db, actor, org, subject_id, "newsletter", consent.EventKind.GIVEN)
    _collect(db, keys, org, email, "customer_service", "customer")  # the same values, now for the contract
    before = _held(db, subject_id)
    _consent(db, actor, org, subject_id, "newsletter", consent.EventKind.WITHDRAWN)

    [done] = _sweep(db, actor, keys)

    assert _held(db, subject_id) == before and done.result["deleted"] == []
    assert {(k["category"], k["why"], k["by"]) for k in done.result["kept"]} == {
        ("user.contact.email", "other_basis", "customer_service (contract)"),
        ("user.name", "other_basis", "customer_service (contract)"),
    }
    assert (done.result["whole"], done.result["why_not_whole"]) == (False, "data_kept")
    assert keys.store.get(keystore.subject_owner(subject_id)) is not None


def test_a_withdrawal_deletes_what_only_that_purpose_held_and_keeps_what_another_basis_needs(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    email = _email()
    values = {"user.demographic.date_of_birth": "2000-02-29", "user.contact.address.country": "BE"}
    subject_id = _collect(db, keys, org, email, "contest", "prospect", **values)
    _consent(db, actor, org, subject_id, "contest", consent.EventKind.GIVEN)
    _collect(db, keys, org, email, "request_followup", "prospect")  # asked for a quote: a pre-contract basis
    _consent(db, actor, org, subject_id, "contest", consent.EventKind.WITHDRAWN)

    [done] = _sweep(db, actor, keys)

    assert _held(db, subject_id) == [("contest", "user.contact.email")]
    assert sorted(d["category"] for d in done.result["deleted"]) == sorted(values)
    assert [(k["why"], k["by"]) for k in done.result["kept"]] == [
        ("other_basis", "request_followup (contract)")
    ]


def test_data_under_a_legal_hold_are_kept_and_the_person_is_not_erased(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    subject_id = _subscriber(db, actor, keys, org, _email())
    subjects.place_hold(
        db,
        actor,
        subject_id=subject_id,
        case_ref="COURT-2026-17",
        reason="claim about a prize",
        purpose="newsletter",
        review_on=clock.today() + timedelta(days=90),
    )
    _consent(db, actor, org, subject_id, "newsletter", consent.EventKind.WITHDRAWN)

    [done] = _sweep(db, actor, keys)

    assert len(_held(db, subject_id)) == 2 and done.result["deleted"] == []
    assert {(k["why"], k["by"]) for k in done.result["kept"]} == {("legal_hold", "newsletter")}
    assert done.result["whole"] is False and db.get(subjects.Subject, subject_id) is not None


def test_a_second_run_deletes_nothing_more_and_fails_nothing(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    email = _email()
    subject_id = _collect(
        db, keys, org, email, "contest", "prospect", **{"user.contact.address.country": "BE"}
    )
    _consent(db, actor, org, subject_id, "contest", consent.EventKind.GIVEN)
    _collect(db, keys, org, email, "request_followup", "prospect")
    _consent(db, actor, org, subject_id, "contest", consent.EventKind.WITHDRAWN)
    [first] = _sweep(db, actor, keys)
    held, result = _held(db, subject_id), dict(first.result)
    entries = len(audit.list_entries(db, action="dsr.deletion_"))

    again = _sweep(db, actor, keys)
    rerun = deletions.execute(db, actor, keys, deletion_id=first.id)

    assert again == [] and rerun is first and first.result == result
    assert _held(db, subject_id) == held
    assert len(audit.list_entries(db, action="dsr.deletion_")) == entries


def test_a_consent_given_again_before_the_deletion_runs_keeps_everything(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    subject_id = _subscriber(db, actor, keys, org, _email())
    _consent(db, actor, org, subject_id, "newsletter", consent.EventKind.WITHDRAWN)
    deletions.plan(db, actor)
    _consent(db, actor, org, subject_id, "newsletter", consent.EventKind.GIVEN)

    [done] = _sweep(db, actor, keys)

    assert len(_held(db, subject_id)) == 2
    assert (done.result["ended"], done.result["why_not_whole"]) == ([], "nothing_ended")


def _li_objection(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID) -> uuid.UUID:
    """A customer under contract objects to the offers (legitimate interests), which also hold a phone."""
    email = _email()
    _collect(
        db, keys, org, email, "customer_offers", "customer", **{"user.contact.phone_number": "+32470000000"}
    )
    _collect(db, keys, org, email, "customer_service", "customer", **{"user.name": "Test Subject"})
    request = make_fulfilled_request(
        db,
        actor,
        keys,
        org,
        kinds=["objection"],
        email=email,
        details={"scope": "legitimate_interest", "activity": "customer_offers"},
    )
    return request.id


def test_an_upheld_objection_schedules_the_deletion_in_the_decision_and_records_it_for_the_case(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    request_id = _li_objection(db, actor, keys, org)

    request = objections.decide(db, actor, keys, request_id=request_id, outcome="upheld")

    [scheduled] = deletions.list_deletions(db, organisation_id=org, status="scheduled")
    assert (scheduled.trigger, scheduled.activity, scheduled.request_id) == (
        "objection_upheld",
        "customer_offers",
        request.id,
    )
    assert request.outcome["automatic_erasure"] == {"deletion": str(scheduled.id), "status": "scheduled"}
    entry = audit.latest(db, entity=scheduled)
    assert entry is not None and entry.action == "dsr.deletion_scheduled"


def test_an_upheld_objection_deletes_what_only_that_activity_held(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    request = objections.decide(
        db, actor, keys, request_id=_li_objection(db, actor, keys, org), outcome="upheld"
    )
    assert request.subject_id is not None

    [done] = _sweep(db, actor, keys)

    assert [d["category"] for d in done.result["deleted"]] == ["user.contact.phone_number"]
    assert _held(db, request.subject_id) == [
        ("customer_offers", "user.contact.email"),
        ("customer_service", "user.name"),
    ]
    assert request.outcome["automatic_erasure"]["status"] == "done"
    assert request.outcome["automatic_erasure"]["deleted"] == ["user.contact.phone_number"]
    assert request.outcome["automatic_erasure"]["kept"] == [
        {
            "category": "user.contact.email",
            "activity": "customer_offers",
            "why": "other_basis",
            "until": None,
            "by": "customer_service (contract)",
        }
    ]


def test_a_marketing_objection_deletes_what_only_marketing_held(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    email = _email()
    subject_id = _collect(
        db, keys, org, email, "customer_offers", "customer", **{"user.contact.phone_number": "+32470000001"}
    )
    _collect(db, keys, org, email, "customer_service", "customer")

    request = make_fulfilled_request(
        db, actor, keys, org, kinds=["objection"], email=email, details={"scope": "direct_marketing"}
    )
    [done] = _sweep(db, actor, keys)

    assert (done.trigger, done.request_id) == ("marketing_objection", request.id)
    assert [d["category"] for d in done.result["deleted"]] == ["user.contact.phone_number"]
    assert _held(db, subject_id) == [("customer_offers", "user.contact.email")]


def test_an_unsubscribe_link_leaves_only_the_exclusion_entry_of_a_newsletter_only_subscriber(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    email = _email()
    subject_id = _subscriber(db, actor, keys, org, email)
    token = consent.optin.unsubscribe_token(keys, subject_id, "newsletter")
    consent.optin.unsubscribe(db, actor, keys, token=token)  # the newsletter's withdrawal, nothing more

    done = _sweep(db, actor, keys)

    assert [(d.trigger, d.result["whole"]) for d in done] == [("consent_withdrawn", True)]
    assert db.get(subjects.Subject, subject_id) is None
    lookup = consent.suppression_lookup(keys, email)
    assert consent.suppressed(db, organisation_id=org, lookups=[lookup]) == {lookup}


def test_the_audit_names_what_was_deleted_by_category_never_by_value(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    email = _email()
    subject_id = _subscriber(db, actor, keys, org, email)
    _consent(db, actor, org, subject_id, "newsletter", consent.EventKind.WITHDRAWN)

    [done] = _sweep(db, actor, keys)

    entry = audit.latest(db, entity=done)
    assert entry is not None and (entry.action, entry.actor_label) == ("dsr.deletion_executed", actor.label)
    assert entry.data == {
        "deleted": 2,
        "kept": 0,
        "categories": ["user.contact.email", "user.name"],
        "whole": True,
    }
    stored = json.dumps([e.data for e in audit.list_entries(db, action="dsr.deletion_")] + [done.result])
    assert email not in stored and "Test Subject" not in stored


def _kept_a_month(db: Session) -> uuid.UUID:
    """The register keeps newsletter data one month after a withdrawal (a retention rule, R-71)."""
    document = people()
    document["retention_rules"].append(
        {
            "key": "proof_1m",
            "label": label("1 month after the withdrawal"),
            "trigger": "consent_withdrawal",
            "duration": "P1M",
            "action": "delete",
        }
    )
    next(a for a in document["activities"] if a["key"] == "newsletter")["retention"] = "proof_1m"
    return make_register(db, document).organisation_id


def test_a_retention_period_counted_from_the_withdrawal_delays_the_deletion_to_its_end(
    db: Session, keys: keystore.Keys, actor: Actor
) -> None:
    org = _kept_a_month(db)
    withdrawn = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
    with time_machine.travel(withdrawn - timedelta(days=1), tick=False):
        subject_id = _subscriber(db, actor, keys, org, _email())
    with time_machine.travel(withdrawn, tick=False):
        _consent(db, actor, org, subject_id, "newsletter", consent.EventKind.WITHDRAWN)
        [waiting] = _sweep(db, actor, keys)
    with time_machine.travel(datetime(2026, 2, 28, 11, 59, tzinfo=UTC), tick=False):
        early = _sweep(db, actor, keys)

    with time_machine.travel(datetime(2026, 2, 28, 12, 0, tzinfo=UTC), tick=False):
        [done] = _sweep(db, actor, keys)

    assert waiting is done and early == []
    assert done.status == "done" and done.result["whole"] is True
    assert db.get(subjects.Subject, subject_id) is None


def test_the_retention_period_is_recorded_as_the_reason_to_wait(
    db: Session, keys: keystore.Keys, actor: Actor
) -> None:
    org = _kept_a_month(db)
    with time_machine.travel(datetime(2024, 1, 31, 12, 0, tzinfo=UTC), tick=False):
        subject_id = _subscriber(db, actor, keys, org, _email())
        _consent(db, actor, org, subject_id, "newsletter", consent.EventKind.WITHDRAWN)

        [waiting] = _sweep(db, actor, keys)

    assert waiting.status == "scheduled" and waiting.due_at == datetime(2024, 2, 29, 12, 0, tzinfo=UTC)
    assert {(k["why"], k["until"]) for k in waiting.result["kept"]} == {
        ("retention", "2024-02-29T12:00:00+00:00")
    }
    assert len(_held(db, subject_id)) == 2


def test_the_job_schedules_and_carries_out_each_deletion_in_its_own_commit(
    fresh_url: str, tmp_path: Path, settings: Settings, actor: Actor
) -> None:
    here = settings.model_copy(
        update={"database_url": fresh_url, "data_dir": tmp_path, "jobs_url": "immediate"}
    )
    keys = keystore.open_keys(here)
    with dbs.open_session(fresh_url) as session:
        org = make_register(session, people()).organisation_id
        subject_id = _subscriber(session, actor, keys, org, _email())
        _consent(session, actor, org, subject_id, "newsletter", consent.EventKind.WITHDRAWN)
        session.commit()
    with jobs.configured(here):
        first = deletions.tasks.run_deletions.call_local()
        second = deletions.tasks.run_deletions.call_local()

    assert (first, second) == (1, 0)
    with dbs.open_session(fresh_url) as session:
        [row] = deletions.list_deletions(session, organisation_id=org)
        assert (row.status, row.result["whole"]) == ("done", True)
        assert session.get(subjects.Subject, subject_id) is None
