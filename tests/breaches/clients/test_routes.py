"""R-103 from outside: a breach reaching two clients' data is told to each client once, by mail (a real
SMTP server on loopback) and by its webhook (a real HTTP server on loopback), with its own people's facts
only; the case shows each client's deadline and status; bad input is refused by name, nothing written."""

import json
import uuid
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, keystore, mail
from lawful.breaches.clients import BreachClientNotice
from lawful.config import Settings
from tests.breaches.affected import make_people
from tests.breaches.clients.conftest import ACME, BETA, qualifio
from tests.conftest import Mailbox, Receiver
from tests.factories import bearer, make_api_key, make_register

BEFORE = datetime(2026, 10, 1, tzinfo=UTC)
AWARE = "2026-10-24T12:00:00+02:00"  # 10:00 UTC, the day before the end of summer time
NOW = {"X-Lawful-Now": "2026-10-24T14:00:00+02:00"}
DAY_AFTER = {"X-Lawful-Now": "2026-10-25T14:00:00+01:00"}  # 13:00 UTC: Acme's 24 hours are over


def _case(client: TestClient, token: str) -> None:
    body = {
        "title": "Export lost",
        "aware_at": AWARE,
        "nature": ["confidentiality"],
        "consequences": "Phishing.",
    }
    assert client.post("/api/breaches", json=body, headers=bearer(token) | NOW).status_code == 201
    scoped = client.post("/api/breaches/B-1/scope", json={"systems": ["lawful"]}, headers=bearer(token) | NOW)
    assert scoped.status_code == 200, scoped.text


def _people(db: Session, keys: keystore.Keys, org: uuid.UUID) -> None:
    make_people(db, keys, org, 3, prefix="own", at=BEFORE)
    make_people(db, keys, org, 4, prefix="acme", client=ACME, phone=True, at=BEFORE)
    make_people(db, keys, org, 2, prefix="beta", client=BETA, at=BEFORE)


def test_each_client_is_told_once_of_its_own_people_by_mail_and_webhook_within_its_deadline(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    org: uuid.UUID,
    receiver: Receiver,
    smtp: Mailbox,
) -> None:
    _people(db, keys, org)
    token = make_api_key(db, org, ["breaches:read", "breaches:write"])
    _case(client, token)

    before = client.get("/api/breaches/B-1/clients", headers=bearer(token) | NOW)
    sent = client.post("/api/breaches/B-1/clients/notices", json={}, headers=bearer(token) | NOW)
    again = client.post("/api/breaches/B-1/clients/notices", json={}, headers=bearer(token) | NOW)
    after = client.get("/api/breaches/B-1/clients", headers=bearer(token) | NOW)

    assert before.status_code == 200, before.text
    shown = {n["client"]: n for n in before.json()}
    # real hours from awareness (10:00 UTC), across the end of summer time: 24 and 36 hours
    assert (shown[ACME]["due_at"], shown[ACME]["status"]) == ("2026-10-25T10:00:00Z", "due")
    assert (shown[BETA]["due_at"], shown[BETA]["status"]) == ("2026-10-25T22:00:00Z", "due")
    assert (shown[ACME]["approx_subjects"], shown[BETA]["approx_subjects"]) == (4, 2)
    assert sent.status_code == 200, sent.text
    assert sorted(n["client"] for n in sent.json()) == [ACME, BETA]
    assert again.json() == []
    told = {n["client"]: n for n in after.json()}
    assert {n["status"] for n in told.values()} == {"sent"}
    assert (told[ACME]["webhook"], told[BETA]["webhook"]) == ("delivered", None)
    assert told[ACME]["sent_by"] and told[ACME]["mail_queued"]
    # the webhook: Acme's facts, nothing of Beta's
    [posted] = receiver.received
    assert (posted["type"], posted["client"], posted["approx_subjects"]) == ("breach_notice", ACME, 4)
    assert posted["consequences"] == "Phishing." and posted["measures_taken"] == "to_follow"
    assert "user.contact.phone_number" in {c["key"] for c in posted["data_categories"]}
    assert "beta" not in json.dumps(posted).lower()
    # the mail: one to each client's contact address, each with its own numbers
    delivered = mail.deliver(db, keys, settings, limit=100).sent
    db.commit()
    received = {str(m["To"]): m for m in smtp.wait_for(delivered)}
    assert set(received) == {"privacy@acme-brands.example.test", "dpo@beta-foods.example.test"}
    acme_text = received["privacy@acme-brands.example.test"].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "B-1" in acme_text and "DPA-ACME-2026-01" in acme_text and "Beta" not in acme_text
    beta_text = received["dpo@beta-foods.example.test"].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Acme" not in beta_text and "DPA-BETA-2026-02" in beta_text
    # recorded and audited, one per client
    assert db.scalar(select(func.count()).select_from(BreachClientNotice)) == 2
    actions = db.scalars(
        select(audit.AuditEntry.action).where(audit.AuditEntry.action == "breach.client_notified")
    )
    assert len(list(actions)) == 2


def test_a_notice_not_sent_by_the_deadline_is_shown_overdue_and_one_sent_after_it_late(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    _people(db, keys, org)
    token = make_api_key(db, org, ["breaches:read", "breaches:write"])
    _case(client, token)

    late = client.get("/api/breaches/B-1/clients", headers=bearer(token) | DAY_AFTER).json()
    sent = client.post(
        "/api/breaches/B-1/clients/notices", json={"clients": [ACME]}, headers=bearer(token) | DAY_AFTER
    )

    assert {n["client"]: n["status"] for n in late} == {ACME: "overdue", BETA: "due"}
    assert [(n["client"], n["status"]) for n in sent.json()] == [(ACME, "sent_late")]


def test_an_unknown_client_is_refused_by_name_and_nothing_is_written(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, receiver: Receiver
) -> None:
    _people(db, keys, org)
    token = make_api_key(db, org, ["breaches:read", "breaches:write"])
    _case(client, token)

    refused = client.post(
        "/api/breaches/B-1/clients/notices", json={"clients": [ACME, "nobody"]}, headers=bearer(token) | NOW
    )
    wrong_type = client.post(
        "/api/breaches/B-1/clients/notices", json={"clients": "acme"}, headers=bearer(token)
    )

    assert refused.status_code == 422 and "clients.1" in refused.text
    assert wrong_type.status_code == 422 and "clients" in wrong_type.text
    assert db.scalar(select(func.count()).select_from(BreachClientNotice)) == 0
    assert db.scalar(select(func.count()).select_from(mail.OutboxMessage)) == 0
    assert receiver.received == []


def test_another_organisations_key_gets_404_and_a_reader_cannot_send(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    _people(db, keys, org)
    token = make_api_key(db, org, ["breaches:read", "breaches:write"])
    _case(client, token)
    document = qualifio(None)
    document["organisation"]["slug"] = "other"
    theirs = make_register(db, document).organisation_id
    their_key = make_api_key(db, theirs, ["breaches:read", "breaches:write"])
    reader = make_api_key(db, org, ["breaches:read"])

    assert client.get("/api/breaches/B-1/clients", headers=bearer(their_key)).status_code == 404
    assert (
        client.post("/api/breaches/B-1/clients/notices", json={}, headers=bearer(their_key)).status_code
        == 404
    )
    assert (
        client.post("/api/breaches/B-1/clients/notices", json={}, headers=bearer(reader)).status_code == 403
    )
    assert db.scalar(select(func.count()).select_from(BreachClientNotice)) == 0


def test_a_case_reaching_no_clients_data_concerns_no_client(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    make_people(db, keys, org, 3, prefix="own", at=BEFORE)
    token = make_api_key(db, org, ["breaches:read", "breaches:write"])
    _case(client, token)

    assert client.get("/api/breaches/B-1/clients", headers=bearer(token)).json() == []
    assert client.post("/api/breaches/B-1/clients/notices", json={}, headers=bearer(token)).json() == []


def test_a_case_naming_a_client_concerns_it_before_any_scope(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["breaches:read", "breaches:write"])
    body = {"title": "Contest export lost", "aware_at": AWARE, "client_controller": ACME}
    assert client.post("/api/breaches", json=body, headers=bearer(token) | NOW).status_code == 201

    shown = client.get("/api/breaches/B-1/clients", headers=bearer(token) | NOW).json()

    assert [(n["client"], n["due_at"], n["approx_subjects"]) for n in shown] == [
        (ACME, "2026-10-25T10:00:00Z", 0)
    ]
