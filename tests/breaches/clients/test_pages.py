"""The console's notices to client controllers: the privacy officer sees each client's deadline and
status, and tells those not told yet with one button; support staff see nothing of it."""

import uuid
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import keystore, staff
from lawful.breaches.clients import BreachClientNotice
from tests.breaches.affected import make_people
from tests.breaches.clients.conftest import ACME, BETA
from tests.conftest import Receiver
from tests.factories import bearer, log_in, make_api_key

NOW = "2026-10-24T14:00:00+02:00"
HEADERS = {"X-Lawful-Now": NOW}


def _case(client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID) -> None:
    make_people(db, keys, org, 2, prefix="acme", client=ACME, at=datetime(2026, 10, 1, tzinfo=UTC))
    make_people(db, keys, org, 1, prefix="beta", client=BETA, at=datetime(2026, 10, 1, tzinfo=UTC))
    token = make_api_key(db, org, ["breaches:read", "breaches:write"])
    body = {"title": "Export lost", "aware_at": "2026-10-24T12:00:00+02:00"}
    assert client.post("/api/breaches", json=body, headers=bearer(token) | HEADERS).status_code == 201
    scoped = client.post(
        "/api/breaches/B-1/scope", json={"systems": ["lawful"]}, headers=bearer(token) | HEADERS
    )
    assert scoped.status_code == 200


def test_the_officer_sees_each_clients_deadline_and_tells_them_with_one_button(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, receiver: Receiver
) -> None:
    _case(client, db, keys, org)
    log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER, now=NOW)

    before = client.get("/console/breaches/B-1/clients", headers=HEADERS)
    sent = client.post("/console/breaches/B-1/clients", headers=HEADERS, follow_redirects=False)
    after = client.get("/console/breaches/B-1/clients", headers=HEADERS)
    case = client.get("/console/breaches/B-1", headers=HEADERS)

    assert before.status_code == 200
    assert f'data-client="{ACME}" data-status="due"' in before.text
    assert "2026-10-25 11:00" in before.text  # 24 real hours: 11:00 in Brussels, summer time has ended
    assert f'data-client="{BETA}" data-status="due"' in before.text and "Tell the clients" in before.text
    assert (sent.status_code, sent.headers["location"]) == (303, "/console/breaches/B-1/clients")
    assert f'data-client="{ACME}" data-status="sent"' in after.text and "delivered" in after.text
    assert "Tell the clients" not in after.text
    assert "/console/breaches/B-1/clients" in case.text
    assert len(receiver.received) == 1


def test_support_staff_cannot_see_or_send_the_notices(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    _case(client, db, keys, org)
    log_in(client, db, keys, org, staff.Role.SUPPORT, now=NOW)

    shown = client.get("/console/breaches/B-1/clients", headers=HEADERS)
    sent = client.post("/console/breaches/B-1/clients", headers=HEADERS, follow_redirects=False)

    assert (shown.status_code, sent.status_code) == (403, 403)
    assert db.scalar(select(func.count()).select_from(BreachClientNotice)) == 0
