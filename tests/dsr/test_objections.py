"""The privacy officer's decision on an objection to legitimate interests (R-67; Art. 21(1), 18(3), 19)."""

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, db, decisions, dsr, keystore, mail, subjects
from lawful.actor import Actor, ActorKind
from lawful.config import Settings
from lawful.decisions import Person, Purpose, Reason
from lawful.dsr import objections, rules
from lawful.dsr.errors import NotPrivacyOfficer, ObjectionDecisionRefused, ObjectionNotPending
from tests.conftest import MASTER_KEY, Lawful, Mailbox, Receiver
from tests.factories import (
    bearer,
    make_api_key,
    make_fulfilled_request,
    make_notice,
    make_person,
    make_register,
    run_steps,
)
from tests.registers import people

OFFERS = Purpose("customer_offers", {"customer": "legitimate_interests"}, frozenset({"user.name"}), False)
SERVICE = Purpose("customer_service", {"customer": "contract"}, frozenset({"user.name"}), False)
GROUNDS = "Fraud prevention on this account outweighs the situation described."


@pytest.mark.parametrize(
    ("outcome", "grounds", "field"),
    [
        ("maybe", GROUNDS, "outcome"),
        ("rejected", None, "grounds"),
        ("rejected", "   too short    ", "grounds"),
    ],
)
def test_a_decision_is_upheld_or_rejected_with_written_grounds(
    outcome: str, grounds: str | None, field: str
) -> None:
    with pytest.raises(ObjectionDecisionRefused) as refused:
        rules.objection_decision(outcome, grounds)

    assert [p["path"] for p in refused.value.problems] == [field]


@pytest.mark.parametrize(
    ("outcome", "purpose", "allow", "reasons"),
    [
        (None, OFFERS, False, (Reason.OBJECTION_PENDING, Reason.RESTRICTED)),
        (rules.ObjectionOutcome.UPHELD, OFFERS, False, (Reason.OBJECTED,)),
        (rules.ObjectionOutcome.REJECTED, OFFERS, True, ()),
        (None, SERVICE, True, ()),  # only the activity objected to
        (rules.ObjectionOutcome.UPHELD, SERVICE, True, ()),
    ],
)
def test_what_the_gate_answers_after_each_outcome(
    outcome: rules.ObjectionOutcome | None, purpose: Purpose, allow: bool, reasons: tuple[Reason, ...]
) -> None:
    stored, restricted = rules.after_objection(outcome)
    person = Person(
        categories=("customer",),
        objections=(("legitimate_interest", "customer_offers", stored),),
        restricted=restricted and purpose.key == "customer_offers",
    )

    decision = decisions.rules.decide(purpose, person, frozenset(), datetime(2026, 1, 31, tzinfo=UTC))

    assert (decision.allow, decision.reasons) == (allow, reasons)


@pytest.fixture
def org(db: Session, receiver: Receiver) -> uuid.UUID:
    document = people()
    next(r for r in document["recipients"] if r["key"] == "hubspot")["endpoint"] = receiver.url
    org = make_register(db, document).organisation_id
    make_notice(db, org)
    return org


def _objection(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, lang: str = "nl"
) -> dsr.Request:
    """A customer objects to the offers (legitimate interests); staff checked identity; the steps ran."""
    email = f"li-{uuid.uuid4().hex[:6]}@example.test"
    make_person(db, keys, org, email=email, category="customer", activity="customer_offers")
    return make_fulfilled_request(
        db,
        actor,
        keys,
        org,
        kinds=["objection"],
        email=email,
        language=lang,
        details={"scope": "legitimate_interest", "activity": "customer_offers"},
    )


def _gate(db: Session, org: uuid.UUID, request: dsr.Request, purpose: str) -> decisions.Decision:
    assert request.subject_id is not None
    return decisions.decide(db, organisation_id=org, purpose=purpose, subject_id=request.subject_id)


def test_an_upheld_objection_stops_the_activity_for_good_and_replaces_the_restriction(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID, actor: Actor
) -> None:
    request = _objection(db, actor, keys, org)
    assert Reason.OBJECTION_PENDING in _gate(db, org, request, "customer_offers").reasons

    objections.decide(db, actor, keys, request_id=request.id, outcome="upheld")

    assert request.subject_id is not None
    flags = subjects.flags(db, subject_id=request.subject_id)
    offers = _gate(db, org, request, "customer_offers")
    assert [(o.activity, o.outcome) for o in flags.objections] == [("customer_offers", "upheld")]
    assert flags.restrictions == [] and not offers.allow and offers.reasons == (Reason.OBJECTED,)
    assert _gate(db, org, request, "customer_service").allow
    mail.deliver_due(db, keys, settings)
    letter = smtp.wait_for(1)[-1]
    assert str(letter["Subject"]).startswith("Onze beslissing over uw bezwaar")
    assert "Offers to customers (nl)" in letter.get_content()
    assert [e.action for e in audit.list_entries(db, action="dsr.objection_upheld")] == [
        "dsr.objection_upheld"
    ]


def test_a_rejection_tells_the_person_the_grounds_before_the_restriction_is_lifted(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID, actor: Actor
) -> None:
    request = _objection(db, actor, keys, org, lang="fr")

    objections.decide(db, actor, keys, request_id=request.id, outcome="rejected", grounds=GROUNDS)

    assert _gate(db, org, request, "customer_offers").allow
    lifted = db.scalars(
        select(subjects.Restriction).where(subjects.Restriction.subject_id == request.subject_id)
    ).one()
    assert lifted.informed_at is not None and lifted.lifted_at is not None
    assert lifted.informed_at <= lifted.lifted_at
    notice, lift = (
        audit.list_entries(db, action=a)[0] for a in ("dsr.objection_notified", "subjects.restriction_lifted")
    )
    assert notice.seq is not None and lift.seq is not None and notice.seq < lift.seq
    mail.deliver_due(db, keys, settings)
    letter = smtp.wait_for(1)[-1].get_content()
    assert GROUNDS in letter and "Autorité de protection des données" in letter
    assert request.outcome["objection_decision"]["grounds"] == GROUNDS


def test_the_recipients_of_that_activity_hear_the_outcome_with_its_scope_only(
    db: Session, keys: keystore.Keys, receiver: Receiver, org: uuid.UUID, actor: Actor
) -> None:
    request = _objection(db, actor, keys, org)
    receiver.received.clear()

    objections.decide(db, actor, keys, request_id=request.id, outcome="upheld")
    run_steps(db, actor, keys, request, base_url="https://x.test")

    assert receiver.received == [
        {
            "event": ["objection_upheld"],
            "reference": request.reference,
            "email": dsr.contact(keys, request),
            "scope": {"activities": ["customer_offers"], "categories": ["user.contact.email", "user.name"]},
        }
    ]
    assert request.outcome["recipients_told_of_decision"] == {"HubSpot Inc.": "delivered"}


def test_a_decision_without_grounds_or_twice_or_by_support_changes_nothing(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    request = _objection(db, actor, keys, org)
    support = Actor(
        ActorKind.STAFF, label="support", permissions=frozenset({"dsr:write"}), organisation_id=org
    )

    with pytest.raises(ObjectionDecisionRefused):
        objections.decide(db, actor, keys, request_id=request.id, outcome="rejected", grounds="")
    with pytest.raises(NotPrivacyOfficer):
        objections.decide(db, support, keys, request_id=request.id, outcome="upheld")
    assert request.subject_id is not None
    flags = subjects.flags(db, subject_id=request.subject_id)
    pending = ([o.outcome for o in flags.objections], len(flags.restrictions))
    objections.decide(db, actor, keys, request_id=request.id, outcome="upheld")
    with pytest.raises(ObjectionNotPending):
        objections.decide(db, actor, keys, request_id=request.id, outcome="rejected", grounds=GROUNDS)

    assert pending == ([None], 1)


def test_only_the_privacy_officer_decides_over_the_api_and_a_missing_ground_is_named(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    request = _objection(db, actor, keys, org)
    support = bearer(make_api_key(db, org, ["dsr:read", "dsr:write"]))
    officer = bearer(make_api_key(db, org, ["dsr:read", "dsr:write", "export:approve"]))
    url = f"/api/dsr/{request.id}/objection"

    forbidden = client.post(url, json={"outcome": "upheld"}, headers=support)
    ungrounded = client.post(url, json={"outcome": "rejected"}, headers=officer)
    rejected = client.post(url, json={"outcome": "rejected", "grounds": GROUNDS}, headers=officer)
    again = client.post(url, json={"outcome": "upheld"}, headers=officer)

    assert forbidden.status_code == 403 and forbidden.json()["error"] == "privacy_officer_only"
    assert ungrounded.status_code == 422 and ungrounded.json()["problems"][0]["path"] == "grounds"
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["outcome"]["objection_decision"]["outcome"] == "rejected"
    assert again.status_code == 409 and again.json()["error"] == "objection_not_pending"


def test_the_objection_command_upholds_and_refuses_an_unknown_word(
    lawful: Lawful, fresh_url: str, tmp_path: Path, actor: Actor
) -> None:
    keys = keystore.open_keys(
        Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    )
    with db.open_session(fresh_url) as session:
        org = make_register(session, people()).organisation_id
        request = _objection(session, actor, keys, org)
        session.commit()

    unknown = lawful("dsr", "objection", request.reference, "maybe")
    ungrounded = lawful("dsr", "objection", request.reference, "reject")
    upheld = lawful("dsr", "objection", request.reference, "uphold")

    assert unknown.exit_code == 2 and ungrounded.exit_code == 1
    assert upheld.exit_code == 0 and "objection upheld" in upheld.stdout
    with db.open_session(fresh_url) as session:
        assert request.subject_id is not None
        assert [o.outcome for o in subjects.flags(session, subject_id=request.subject_id).objections] == [
            "upheld"
        ]
