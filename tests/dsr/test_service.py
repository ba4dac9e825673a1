"""Rights requests end to end in the service layer: a code by real SMTP, each right carried out, the answer."""

import json
import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, dsr, keystore, mail, subjects
from lawful.actor import Actor
from lawful.config import Settings
from tests.conftest import Mailbox, Receiver
from tests.dsr.requests import answer, run, verified
from tests.factories import answer_files, bearer, make_api_key, make_notice, make_person, make_register
from tests.registers import people

PROOF = consent.Proof(text="Yes", text_version="1", language="en", channel="web_form", element="x")


@pytest.fixture
def org(db: Session, receiver: Receiver) -> uuid.UUID:
    document = people()
    next(r for r in document["recipients"] if r["key"] == "hubspot")["endpoint"] = receiver.url
    org = make_register(db, document).organisation_id
    make_notice(db, org)
    return org


def _code(db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox) -> str:
    mail.deliver_due(db, keys, settings)
    found = re.search(r"\b(\d{6})\b", smtp.wait_for(1)[-1].get_content())
    assert found is not None
    return found.group(1)


def test_an_access_request_confirmed_by_code_gets_every_datum_with_its_provenance(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID, actor: Actor
) -> None:
    make_person(db, keys, org, email="anne@example.test", values={"user.name": "Anne"})
    request = dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=["access"],
        email="Anne@Example.test",
        language="fr",
        channel="web_form",
        base_url="https://acme.example.test",
    )

    dsr.verify(db, actor, keys, request_id=request.id, code=_code(db, keys, settings, smtp))
    run(db, actor, keys, request)

    report = json.loads(answer_files(db, keys, dsr.steps.download_token(keys, request.id))["access.json"])
    assert request.status == "completed" and request.identity_method == "email_code"
    assert {(d["category"], d["value"], d["channel"]) for d in report["data"]} >= {
        ("user.name", "Anne", "email")
    }
    assert report["activities"][0]["activity"] == "request_followup"
    assert "Gegevensbeschermingsautoriteit" not in json.dumps(report)
    files = answer_files(db, keys, dsr.steps.download_token(keys, request.id))
    assert (
        files["access.pdf"].startswith(b"%PDF") and "Autorité de protection" in files["access.html"].decode()
    )


def test_a_request_about_nobody_says_so_and_creates_no_record(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID, actor: Actor
) -> None:
    request = dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=["access"],
        email="nobody@example.test",
        language="en",
        channel="web_form",
        base_url="https://x.test",
    )

    dsr.verify(db, actor, keys, request_id=request.id, code=_code(db, keys, settings, smtp))
    run(db, actor, keys, request)

    assert request.subject_id is None and db.scalar(select(func.count()).select_from(subjects.Subject)) == 0
    assert answer(db, keys, request)["results"]["access"] == {"found": False, "values": 0}


def test_wrong_codes_are_limited_and_expired_codes_refused(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID, actor: Actor
) -> None:
    request = dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=["access"],
        email="a@example.test",
        language="en",
        channel="web_form",
        base_url="https://x.test",
    )
    code = _code(db, keys, settings, smtp)
    for _ in range(dsr.service.MAX_CODE_ATTEMPTS):
        dsr.verify(db, actor, keys, request_id=request.id, code="000000" if code != "000000" else "111111")

    with pytest.raises(dsr.TooManyAttempts):
        dsr.verify(db, actor, keys, request_id=request.id, code=code)
    assert request.status == "awaiting_identity"


def test_erasure_destroys_the_key_keeps_an_exclusion_entry_and_tells_recipients(
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    actor: Actor,
    receiver: Receiver,
) -> None:
    person = make_person(
        db, keys, org, email="erase@example.test", activity="newsletter", category="prospect"
    ).subject
    consent.record(
        db,
        actor,
        organisation_id=org,
        subject_id=person.id,
        purpose="newsletter",
        kind=consent.EventKind.GIVEN,
        proof=PROOF,
    )
    request = verified(db, actor, keys, org, ["erasure"], "erase@example.test", language="nl")

    run(db, actor, keys, request)

    result = answer(db, keys, request)["results"]
    assert db.get(subjects.Subject, person.id) is None
    assert keys.subject_key(person.id) is None
    assert result["erasure"]["kept"] == [] and "key_destroyed" not in result["erasure"]  # the person's copy
    assert consent.suppressed(
        db, organisation_id=org, lookups=[consent.suppression_lookup(keys, "erase@example.test")]
    )
    scope = {"activities": ["newsletter"], "categories": ["user.contact.email", "user.name"]}
    assert receiver.received == [
        {"event": ["erasure"], "reference": request.reference, "email": "erase@example.test", "scope": scope}
    ]
    assert request.outcome["recipients_notified"] == {"HubSpot Inc.": "delivered"}
    assert db.scalars(select(consent.ConsentEvent.subject_id)).all() == [None]  # proof kept, pseudonymised


def test_erasure_keeps_what_the_law_requires_and_says_why(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    customer = make_person(
        db,
        keys,
        org,
        email="cust@example.test",
        category="customer",
        activity="customer_service",
        values={"user.name": "Cas"},
    )
    make_person(db, keys, org, email="cust@example.test", category="customer", activity="invoicing")
    request = verified(db, actor, keys, org, ["erasure"], "cust@example.test", language="en")

    run(db, actor, keys, request)

    erasure = answer(db, keys, request)["results"]["erasure"]
    assert erasure["erased"] == ["customer_service"]
    assert [k["activity"] for k in erasure["kept"]] == ["invoicing"] and "legal obligation" in erasure[
        "kept"
    ][0]["why"]
    assert {c.activity for c in subjects.history(db, subject_id=customer.subject.id)} == {"invoicing"}
    assert subjects.flags(db, subject_id=customer.subject.id).restrictions[0].ground == "retained_by_law"


def test_rectification_adds_a_version_and_the_statement(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    person = make_person(db, keys, org, email="rect@example.test", values={"user.name": "Rekt"}).subject
    request = verified(
        db,
        actor,
        keys,
        org,
        ["rectification"],
        "rect@example.test",
        language="en",
        details={"values": {"user.name": "Rect"}, "statement": "My name was misspelt."},
    )

    run(db, actor, keys, request)

    held = {v.category: (v.value, v.version) for v in subjects.values(db, keys, subject_id=person.id)}
    assert held["user.name"] == ("Rect", 2)
    assert held["lawful.supplementary_statement"] == ("My name was misspelt.", 1)


def test_an_objection_to_marketing_needs_no_identity_and_is_immediate(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    make_person(db, keys, org, email="obj@example.test")

    request = dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=["objection"],
        email="obj@example.test",
        language="fr",
        channel="phone",
        base_url="https://x.test",
        details={"scope": "direct_marketing"},
    )
    run(db, actor, keys, request)

    assert request.identity_method == "not_required" and request.status == "completed"
    assert consent.suppressed(
        db, organisation_id=org, lookups=[consent.suppression_lookup(keys, "obj@example.test")]
    )


def test_the_download_link_expires_after_fourteen_days(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    request = verified(db, actor, keys, org, ["access"], "late@example.test", language="en")
    run(db, actor, keys, request)
    token = dsr.steps.download_token(keys, request.id)

    with clock.pinned(datetime.now(UTC) + timedelta(days=15)), pytest.raises(dsr.PackageGone):
        dsr.steps.packages(db, keys, token=token)


def test_each_step_is_audited(db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor) -> None:
    request = verified(db, actor, keys, org, ["access"], "aud@example.test", language="en")

    run(db, actor, keys, request)

    actions = [e.action for e in audit.list_entries(db, entity_id=str(request.id), limit=20)]
    assert {"dsr.received", "dsr.verified", "dsr.step_access", "dsr.step_answer"} <= set(actions)


def test_staff_register_extend_and_refuse_over_the_api(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["dsr:read", "dsr:write"])
    created = client.post(
        "/api/dsr",
        headers=bearer(token),
        json={
            "kinds": ["access", "erasure"],
            "email": "post@example.test",
            "channel": "post",
            "received_at": "2026-03-05T10:00:00+01:00",
            "language": "nl",
        },
    ).json()

    late = client.post(
        f"/api/dsr/{created['id']}/extension",
        headers=bearer(token) | {"X-Lawful-Now": "2026-04-08T10:00:00+02:00"},
        json={"months": 2, "reason": "complex"},
    )
    refused = client.post(
        f"/api/dsr/{created['id']}/refusal",
        headers=bearer(token),
        json={"justification": "manifestly excessive: the tenth identical request this month"},
    )

    assert (created["due_on"], created["kinds"], created["status"]) == (
        "2026-04-07",
        ["access", "erasure"],
        "awaiting_identity",
    )
    assert late.status_code == 409
    assert refused.status_code == 403  # only the privacy officer refuses


def test_a_representative_waits_for_the_mandate_before_anything_is_released(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    request = dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=["access"],
        email="kid@example.test",
        language="en",
        channel="post",
        base_url="",
        identity_verified=True,
        details={"on_behalf_of": "parent of the person"},
    )

    waiting = (request.status, db.scalars(select(dsr.Step).where(dsr.Step.request_id == request.id)).all())
    dsr.cases.confirm_mandate(db, actor, request_id=request.id, evidence="birth certificate seen at the desk")

    assert waiting == ("awaiting_mandate", [])
    assert request.status == "in_progress"


def test_more_identification_needs_a_recorded_doubt(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    request = dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=["access"],
        email="doubt@example.test",
        language="en",
        channel="email",
        base_url="",
    )

    with pytest.raises(dsr.CodeRefused):
        dsr.cases.ask_more_identification(db, actor, keys, request_id=request.id, doubt=" ", asked="id card")
    dsr.cases.ask_more_identification(
        db, actor, keys, request_id=request.id, doubt="the address changed yesterday", asked="customer number"
    )

    assert request.details["doubt"] == "the address changed yesterday"


def test_a_complaint_is_answered_by_a_person_naming_the_apd_and_the_courts(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID, actor: Actor
) -> None:
    request = dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=["complaint"],
        email="c@example.test",
        language="nl",
        channel="email",
        base_url="",
        identity_verified=True,
    )

    pending = db.scalars(select(dsr.Step).where(dsr.Step.request_id == request.id)).all()
    dsr.cases.close_case(db, actor, keys, request_id=request.id, answer="Wij hebben uw klacht onderzocht.")
    mail.deliver_due(db, keys, settings)

    body = smtp.wait_for(1)[-1].get_content()
    assert [s.kind for s in pending] == ["acknowledge"] and request.status == "completed"  # no "answer" step
    assert "Gegevensbeschermingsautoriteit" in body and "rechtbank van eerste aanleg" in body


@pytest.mark.parametrize(
    ("today", "why"),
    [
        ("2026-03-28", "due in 10 days"),
        ("2026-04-04", "due in 3 days"),
        ("2026-04-08", "overdue"),
        ("2026-03-29", None),
    ],
)
def test_reminders_fall_ten_and_three_days_before_and_overdue_escalates(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, today: str, why: str | None
) -> None:
    dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=["access"],
        email="rem@example.test",
        language="en",
        channel="post",
        base_url="",
        received_at=datetime(2026, 3, 5, 10, tzinfo=UTC),
    )

    found = dsr.cases.reminders_due(db, organisation_id=org, today=date.fromisoformat(today))

    assert [w for _, w in found] == ([why] if why else [])


def test_invoiced_data_cannot_be_rectified_by_request(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    make_person(
        db,
        keys,
        org,
        email="inv@example.test",
        category="customer",
        activity="invoicing",
        values={"user.name": "Old Name"},
    )

    with pytest.raises(dsr.FrozenData) as raised:
        dsr.open_request(
            db,
            actor,
            keys,
            organisation_id=org,
            kinds=["rectification"],
            email="inv@example.test",
            language="en",
            channel="email",
            base_url="",
            details={"values": {"user.name": "New"}},
        )

    assert raised.value.problems == [{"path": "details.values.user.name", "message": "frozen"}]


@pytest.mark.parametrize(("pause", "due"), [(False, date(2026, 4, 7)), (True, date(2026, 5, 11))])
def test_the_month_runs_from_receipt_unless_the_organisation_pauses_it_for_identity(
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    actor: Actor,
    pause: bool,
    due: date,
) -> None:
    with clock.pinned(datetime(2026, 3, 5, 10, tzinfo=UTC)):
        request = dsr.open_request(
            db,
            actor,
            keys,
            organisation_id=org,
            kinds=["access"],
            email="p@example.test",
            language="en",
            channel="email",
            base_url="",
        )
        _code(db, keys, settings, smtp)

    with clock.pinned(datetime(2026, 4, 10, 10, tzinfo=UTC)):  # the person answers late, with a fresh code
        dsr.send_code(db, keys, request, base_url="")
        code = _code(db, keys, settings, smtp)
        dsr.verify(db, actor, keys, request_id=request.id, code=code, pause_while_identity=pause)

    assert request.due_on == due
