"""Children (R-110, R-111): a child found after collection stops every consent-based use and marketing at
once and their data go by the next run but what a legal obligation keeps; consent given as a child is
marked, and the data it covered are erased without weighing anyone's other interests."""

import json
import uuid
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import clock, consent, dsr, keystore, mail, marketing, subjects
from lawful import db as lawful_db
from lawful.actor import Actor, ActorKind
from lawful.config import Settings, get_settings
from lawful.decisions import Reason, service
from tests.conftest import Lawful, Mailbox
from tests.factories import bearer, make_api_key, make_fulfilled_request, make_person, make_register
from tests.marketing import world

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, world.register()).organisation_id


def _queue(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID) -> None:
    marketing.send_campaign(
        db,
        actor,
        keys,
        organisation_id=org,
        purpose="newsletter",
        campaign="march",
        subject_line="News",
        text="Hello. Unsubscribe: {unsubscribe_url}",
        base_url="https://acme.example.test",
    )


def test_a_child_flagged_gets_no_queued_mail_no_consent_based_use_and_is_erased_by_the_next_run(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, settings: Settings, smtp: Mailbox
) -> None:
    child = world.subscriber(db, keys, actor, org, "child@example.test")
    world.subscriber(db, keys, actor, org, "adult@example.test")
    _queue(db, actor, keys, org)

    subjects.flag_child(db, actor, subject_id=child)
    decided = {
        purpose: service.decide(db, organisation_id=org, purpose=purpose, subject_id=child)
        for purpose in ("newsletter", "talent_pool", "contest")
    }
    mail.deliver_due(db, keys, settings)
    sends = [(s.outcome, s.reason) for s in marketing.sends_of(db, subject_id=child)]
    [deletion_id] = dsr.deletions.due(db, now=clock.now())
    done = dsr.deletions.execute(db, actor, keys, deletion_id=deletion_id)

    assert [str(m["To"]) for m in smtp.wait_for(1)] == ["adult@example.test"]
    assert sends == [("cancelled", "child")]
    assert all(Reason.UNDER_AGE in d.reasons and not d.allow for d in decided.values())
    assert done is not None and done.trigger == "child_discovered" and done.result["whole"]
    assert db.get(subjects.Subject, child) is None and keys.subject_key(child) is None


def test_a_flagged_child_leaves_only_what_a_legal_obligation_keeps(lawful: Lawful, fresh_url: str) -> None:
    keys = keystore.open_keys(get_settings())
    cli = Actor(ActorKind.CLI, label="cli:test")
    with lawful_db.open_session(fresh_url) as session:
        org = make_register(session, world.register()).organisation_id
        person = make_person(
            session, keys, org, email="kid@example.test", category="customer", activity="invoicing",
            values={"user.name": "Kid Invoiced"},
        ).subject.id  # fmt: skip
        make_person(
            session, keys, org, email="kid@example.test", category="customer", activity="contest",
            values={"user.demographic.date_of_birth": "2015-04-02"},
        )  # fmt: skip
        world.give(session, cli, org, person, "newsletter", "contest")
        session.commit()

    flagged = lawful("flags", "flag-child", str(person))
    ran = lawful("dsr", "deletions", "run")
    listed = lawful("dsr", "deletions", "list", "--json")

    assert flagged.exit_code == 0 and "queued marketing mail is cancelled" in flagged.output
    assert ran.exit_code == 0 and "1 carried out" in ran.output, ran.output
    [row] = json.loads(listed.output)
    assert (row["trigger"], row["status"], row["whole"]) == ("child_discovered", "done", False)
    assert {d["activity"] for d in row["deleted"]} == {"contest"}
    with lawful_db.open_session(fresh_url) as session:
        left = {v.category: v.value for v in subjects.values(session, keys, subject_id=person)}
    assert left == {"user.contact.email": "kid@example.test", "user.name": "Kid Invoiced"}  # the invoicing


def test_flagging_a_child_through_the_api_takes_back_their_queued_mail_at_once(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    child = world.subscriber(db, keys, actor, org, "child@example.test")
    _queue(db, actor, keys, org)
    legal = make_api_key(db, org, ["subjects:flag", "subjects:read", "decisions:ask"])

    flagged = client.post(f"/api/subjects/{child}/child", headers=bearer(legal))
    asked = client.post(
        "/api/decisions",
        json={"subject": {"email": "child@example.test"}, "purpose": "newsletter"},
        headers=bearer(legal),
    )

    assert flagged.status_code == 200
    assert asked.json()["decision"] == "deny" and "under_age" in asked.json()["reasons"]
    outbox = db.scalars(select(mail.OutboxMessage).where(mail.OutboxMessage.subject_id == child)).all()
    assert [m.status for m in outbox] == ["cancelled"]
    scheduled = db.scalars(
        select(dsr.deletions.Deletion).where(dsr.deletions.Deletion.subject_id == child)
    ).all()
    assert [d.trigger for d in scheduled] == ["child_discovered"]


@pytest.mark.parametrize(
    ("born", "as_child"),
    [
        (date(2012, 3, 1), True),  # 14: old enough to consent in Belgium, still a child
        (date(2008, 3, 2), True),  # 18 tomorrow
        (date(2008, 3, 1), False),  # 18 today
    ],
)
def test_consent_given_as_a_child_is_marked_on_the_consent_record(
    client: TestClient, db: Session, keys: keystore.Keys, actor: Actor, born: date, as_child: bool
) -> None:
    document = world.register()
    contest = next(f for f in document["forms"] if f["key"] == "contest")
    contest["marketing_consent"] = "newsletter"
    org = make_register(db, document).organisation_id
    token = make_api_key(db, org, ["subjects:read"])
    at = {"X-Lawful-Now": NOW.isoformat()}

    submitted = client.post(
        "/api/forms/contest/submissions",
        json={
            "fields": {"email": "young@example.test", "born": born.isoformat(), "country": "BE"},
            "marketing_consent": True,
        },
        headers=at,
    )
    person = subjects.find_by_identity(
        db, keys, organisation_id=org, kind=subjects.IdentityKind.EMAIL, value="young@example.test"
    )
    assert submitted.status_code == 201, submitted.text
    assert person is not None
    events = client.get(f"/api/subjects/{person.id}/consents", headers=bearer(token) | at).json()

    assert [(e["purpose"], e["as_child"]) for e in events] == [("newsletter", as_child)]


def _consented(db: Session, keys: keystore.Keys, org: uuid.UUID, email: str, *, as_child: bool) -> uuid.UUID:
    """A customer with a newsletter name and customer offers (legitimate interests) covering names too."""
    person = make_person(
        db, keys, org, email=email, category="customer", activity="newsletter", values={"user.name": "Nina"}
    ).subject.id
    make_person(
        db, keys, org, email=email, category="customer", activity="customer_offers",
        values={"user.contact.phone_number": "+32470000000"},
    )  # fmt: skip
    proof = consent.Proof(text="Yes", text_version="1", language="en", channel="web_form", element="x")
    for kind in (consent.EventKind.GIVEN, consent.EventKind.WITHDRAWN):
        consent.record(
            db,
            Actor(ActorKind.CLI, label="cli:test"),
            organisation_id=org,
            subject_id=person,
            purpose="newsletter",
            kind=kind,
            proof=consent.Proof(
                **{**proof.__dict__, "as_child": as_child and kind is consent.EventKind.GIVEN}
            ),
        )
    return person


def test_data_consented_as_a_child_go_on_withdrawal_without_weighing_other_interests(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    child = _consented(db, keys, org, "was-a-child@example.test", as_child=True)
    adult = _consented(db, keys, org, "adult@example.test", as_child=False)

    dsr.deletions.plan(db, actor)
    done = {}
    for deletion_id in dsr.deletions.due(db, now=clock.now()):
        row = dsr.deletions.execute(db, actor, keys, deletion_id=deletion_id)
        assert row is not None
        done[row.subject_id] = row.result

    assert sorted(d["category"] for d in done[child]["deleted"]) == ["user.contact.email", "user.name"]
    assert done[child]["kept"] == []
    assert sorted((k["category"], k["why"], k["by"]) for k in done[adult]["kept"]) == [
        (
            "user.contact.email",
            "other_basis",
            "customer_offers (legitimate_interests)",
        ),  # weighed, for an adult
        ("user.name", "other_basis", "customer_offers (legitimate_interests)"),
    ]


def test_an_erasure_request_names_the_child_consent_ground_and_keeps_nothing_it_covered(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    person = _consented(db, keys, org, "grown-up@example.test", as_child=True)

    request = make_fulfilled_request(db, actor, keys, org, kinds=["erasure"], email="grown-up@example.test")

    erased = db.scalars(
        select(dsr.Step.result).where(dsr.Step.request_id == request.id, dsr.Step.kind == "erasure")
    ).one()
    assert erased["child_consent"] == ["newsletter"] and erased["kept"] == []
    assert db.get(subjects.Subject, person) is None
