"""R-102, T-29: a rights request about a brand's participant is recorded `forwarded`, sent to the brand
(mail and its webhook, a real HTTP server on loopback), and carried out only on the brand's instruction,
in that brand's space only; the answer goes to the brand and the person is told who the controller is."""

import uuid
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, dsr, keystore, staff
from lawful.clients import forwarding
from lawful.config import Settings
from lawful.subjects import Subject
from tests.clients.forwarding_world import (
    ACME,
    ACME_MAIL,
    ACME_NAME,
    BETA,
    WORKER,
    World,
    ask,
    body,
    deliver,
    enter,
    forwardings,
    instruct,
    people_of,
    run_steps,
    to,
    world,
)
from tests.conftest import Mailbox, Receiver, _free_port
from tests.factories import log_in

ANNE, BOB = "anne@example.test", "bob@example.test"


@pytest.fixture
def site(db: Session, receiver: Receiver) -> World:
    return world(db, receiver.url)


def test_a_participants_erasure_request_is_forwarded_to_the_brand_and_not_answered_no_data(
    client: TestClient,
    db: Session,
    site: World,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    receiver: Receiver,
) -> None:
    enter(client, "acme_contest", ANNE)

    asked = ask(client, site.staff, ANNE, ["erasure"])

    assert asked["status"] == "forwarded"
    [row] = forwardings(db)
    assert (row.client, row.state, row.webhook, row.kinds) == (ACME, "forwarded", "pending", ["erasure"])
    request = db.get(dsr.Request, uuid.UUID(asked["id"]))
    assert request is not None and request.subject_id is None  # never one of the company's own people
    assert forwarding.deliver_webhook(
        db, WORKER, keys, forwarding_id=row.id, base_url=settings.base_url
    )  # what the job does once the forwarding is committed
    db.commit()
    [posted] = receiver.received
    assert (posted["event"], posted["reference"], posted["email"], posted["kinds"]) == (
        "rights_request.forwarded",
        asked["reference"],
        ANNE,
        ["erasure"],
    )
    assert posted["instruction_url"].endswith(f"/api/clients/{ACME}/requests/{row.request_id}/instruction")
    deliver(db, keys, settings)
    received = smtp.wait_for(2)
    [to_brand] = to(received, ACME_MAIL)
    assert asked["reference"] in body(to_brand) and ANNE in body(to_brand)
    [to_person] = to(received, ANNE)  # in French, as she asked; naming the brand as controller
    assert to_person["Subject"] == f"Votre demande {asked['reference']} : qui la traite"
    assert f"{ACME_NAME}, qui est le responsable du traitement" in body(to_person)
    assert people_of(db, ACME) == 1  # nothing is done before the brand's instruction


def test_the_brands_erasure_instruction_is_carried_out_and_the_certificate_goes_to_the_brand(
    client: TestClient,
    db: Session,
    site: World,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    receiver: Receiver,
) -> None:
    enter(client, "acme_contest", ANNE)
    asked = ask(client, site.staff, ANNE, ["erasure"])
    [row] = forwardings(db)
    deliver(db, keys, settings)  # the forwarding's mails leave once committed

    response = instruct(client, site.brand, ACME, row.request_id, "carry_out")

    assert response.status_code == 200, response.text
    assert (response.json()["instruction"], response.json()["state"]) == ("carry_out", "carried_out")
    request_id = uuid.UUID(asked["id"])
    assert run_steps(db, keys, request_id, settings.base_url) == ["erasure", "client_answer"]
    assert people_of(db, ACME) == 0
    [done] = forwardings(db)
    assert (done.subject_id, done.contact) == (None, None)  # her address is not kept with the forwarding
    request = db.get(dsr.Request, request_id)
    assert request is not None and request.status == "completed"
    [carried] = [p for p in receiver.received if p["event"] == "rights_request.carried_out"]
    erased = carried["certificate"]["results"]["erasure"]
    assert erased["erased"] == ["client_campaigns"], erased
    deliver(db, keys, settings)
    received = smtp.wait_for(3)
    assert [m["Subject"] for m in to(received, ANNE)] == [
        f"Votre demande {asked['reference']} : qui la traite"
    ]  # the person gets no answer from the processor (T-29): the brand answers her
    certificate = [
        m
        for m in to(received, ACME_MAIL)
        if "certificat" in m["Subject"].lower() or "certificate" in m["Subject"].lower()
    ]
    assert len(certificate) == 1 and "/rights/" in body(certificate[0])
    actions = {e.action for e in audit.list_entries(db, organisation_id=site.org)}
    assert {"clients.request_forwarded", "clients.request_instructed", "clients.request_answered"} <= actions


def test_an_access_instruction_sends_the_package_to_the_brand(
    client: TestClient, db: Session, site: World, keys: keystore.Keys, settings: Settings, smtp: Mailbox
) -> None:
    enter(client, "acme_contest", ANNE)
    asked = ask(client, site.staff, ANNE, ["access"])
    [row] = forwardings(db)

    assert instruct(client, site.brand, ACME, row.request_id, "carry_out").status_code == 200

    assert run_steps(db, keys, uuid.UUID(asked["id"]), settings.base_url) == ["access", "client_answer"]
    parts = {
        p.kind
        for p in db.scalars(select(dsr.Package).where(dsr.Package.request_id == uuid.UUID(asked["id"])))
    }
    assert {"access.json", "answer.json"} <= parts
    deliver(db, keys, settings)
    received = smtp.wait_for(2)
    assert len(to(received, ACME_MAIL)) == 2 and len(to(received, ANNE)) == 1


def test_a_refusal_closes_the_request_and_touches_nobody(
    client: TestClient, db: Session, site: World
) -> None:
    enter(client, "acme_contest", ANNE)
    asked = ask(client, site.staff, ANNE, ["erasure"])
    [row] = forwardings(db)

    response = instruct(client, site.brand, ACME, row.request_id, "refuse")

    assert response.status_code == 200
    db.expire_all()
    request = db.get(dsr.Request, uuid.UUID(asked["id"]))
    assert request is not None and request.status == "refused"
    assert people_of(db, ACME) == 1
    again = instruct(client, site.brand, ACME, row.request_id, "carry_out")
    assert again.status_code == 409


def test_the_same_address_in_two_brands_spaces_is_forwarded_to_each_as_its_own_request(
    client: TestClient, db: Session, site: World
) -> None:
    enter(client, "acme_contest", ANNE)
    enter(client, "beta_contest", ANNE)

    ask(client, site.staff, ANNE, ["access"])

    rows = forwardings(db)
    assert [r.client for r in rows] == [ACME, BETA]
    assert rows[0].request_id != rows[1].request_id  # a request each: each brand instructs on its own
    people = {s.id: s.client for s in db.scalars(select(Subject))}
    assert [people[r.subject_id] for r in rows if r.subject_id] == [ACME, BETA]  # each its own person
    assert instruct(client, site.brand, ACME, rows[0].request_id, "refuse").status_code == 200
    assert instruct(client, site.brand, BETA, rows[1].request_id, "refuse").status_code == 200
    assert [(r.client, r.state) for r in forwardings(db)] == [(ACME, "refused"), (BETA, "refused")]


def test_a_request_naming_a_brand_is_forwarded_even_when_nobody_is_found(
    client: TestClient, db: Session, site: World, smtp: Mailbox
) -> None:
    asked = ask(client, site.staff, "nobody@example.test", ["access"], details={"client": BETA})

    assert asked["status"] == "forwarded"
    [row] = forwardings(db)
    assert (row.client, row.subject_id, row.webhook) == (BETA, None, "none")


def test_the_companys_own_contact_is_not_forwarded(client: TestClient, db: Session, site: World) -> None:
    asked = ask(client, site.staff, "stranger@example.test", ["access"])

    assert asked["status"] == "awaiting_identity"
    assert forwardings(db) == []


def test_the_console_lists_each_forwarded_request_with_its_client_and_deadlines(
    client: TestClient, db: Session, site: World, keys: keystore.Keys
) -> None:
    enter(client, "acme_contest", ANNE)
    enter(client, "beta_contest", BOB)
    acme = ask(client, site.staff, ANNE, ["erasure"])
    beta = ask(client, site.staff, BOB, ["access"])
    log_in(client, db, keys, site.org, staff.Role.PRIVACY_OFFICER, now=datetime.now(UTC).isoformat())

    page = client.get(f"/console/clients/requests?client={ACME}")

    assert page.status_code == 200
    assert f'data-reference="{acme["reference"]}" data-client="{ACME}" data-state="forwarded"' in page.text
    assert beta["reference"] not in page.text and ANNE not in page.text  # no address on the list
    assert client.get("/console/clients/requests").text.count('data-state="forwarded"') == 2


def test_a_participant_asking_in_the_privacy_center_is_told_the_brand_is_the_controller(
    client: TestClient, db: Session, site: World, keys: keystore.Keys, settings: Settings, smtp: Mailbox
) -> None:
    enter(client, "acme_contest", ANNE)

    response = client.post(
        "/rights", data={"email": ANNE, "lang": "nl", "kinds": ["erasure"]}, follow_redirects=True
    )

    assert response.status_code == 200
    assert "Doorgestuurd naar de betrokken verwerkingsverantwoordelijke." in response.text
    [row] = forwardings(db)
    assert row.client == ACME
    deliver(db, keys, settings)
    [to_person] = to(smtp.wait_for(2), ANNE)
    assert f"bewaren wij in opdracht van {ACME_NAME}" in body(to_person)


def test_a_webhook_that_does_not_answer_stays_pending_and_is_tried_again(
    client: TestClient, db: Session, keys: keystore.Keys, settings: Settings
) -> None:
    down = world(db, f"http://127.0.0.1:{_free_port()}/hook")  # nothing listens there
    enter(client, "acme_contest", ANNE)
    ask(client, down.staff, ANNE, ["access"])
    [row] = forwardings(db)

    assert not forwarding.deliver_webhook(db, WORKER, keys, forwarding_id=row.id, base_url=settings.base_url)
    db.commit()

    [still] = forwardings(db)
    assert (still.webhook, still.webhook_attempts) == ("pending", 1)
    assert forwarding.pending_webhooks(db) == [row.id]
    [entry] = [
        e for e in audit.list_entries(db, organisation_id=down.org) if e.action == "clients.request_webhook"
    ]
    assert entry.outcome == "failed"


def test_a_person_of_the_company_and_of_a_brand_gets_two_requests_one_forwarded(
    client: TestClient, db: Session, site: World, keys: keystore.Keys
) -> None:
    enter(client, "acme_contest", ANNE)
    response = client.post(  # also one of Qualifio's own contacts
        "/api/forms/contact/submissions",
        json={"fields": {"name": "Anne", "email": ANNE, "message": "Hello"}, "language": "en"},
    )
    assert response.status_code == 201, response.text

    asked = ask(client, site.staff, ANNE, ["access"])

    assert asked["status"] == "awaiting_identity"  # the company's own part: its usual flow
    [row] = forwardings(db)
    part = db.get(dsr.Request, row.request_id)
    assert part is not None and (part.status, part.details["part_of"]) == ("forwarded", asked["reference"])
    people = {s.id: s.client for s in db.scalars(select(Subject))}
    assert row.subject_id is not None and people[row.subject_id] == ACME
