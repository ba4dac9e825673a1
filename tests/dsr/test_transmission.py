"""Art. 20(2) direct transmission: only to a destination the person confirmed with the code sent to their
address; what they read afterwards never tells how the network answered (Art. 32: no port scanner)."""

import json
import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, dsr, keystore, mail, outbound
from lawful.actor import SYSTEM, Actor
from lawful.config import Settings
from tests.conftest import Mailbox, Receiver
from tests.dsr.requests import answer, organisation, run
from tests.factories import bearer, make_api_key, make_person
from tests.live import free_port
from tests.tls import TlsReceiver

EMAIL = "porte@example.test"


@pytest.fixture
def org(db: Session, keys: keystore.Keys) -> uuid.UUID:
    org = organisation(db)
    make_person(db, keys, org, email=EMAIL, values={"user.name": "Anaïs Porte"})
    return org


def _ask(client: TestClient, destination: str) -> str:
    """The privacy center's form, portability with a destination; the status page's address."""
    asked = client.post(
        "/rights",
        data={"email": EMAIL, "lang": "en", "kinds": ["portability"], "transmit_to": destination},
        follow_redirects=False,
    )
    assert asked.status_code == 303, asked.text
    return str(asked.headers["location"]).split("?")[0]


def _confirm(
    client: TestClient, db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, status: str
) -> tuple[dsr.Request, str]:
    """The person reads the code in their mailbox and enters it; the request as the worker then runs it."""
    mail.deliver_due(db, keys, settings)
    text = str(smtp.wait_for(1)[-1].get_content())
    code = re.search(r"\b(\d{6})\b", text)
    assert code is not None
    assert (
        client.post(f"{status}/code", data={"code": code.group(1)}, follow_redirects=False).status_code == 303
    )
    request = dsr.get(db, request_id=dsr.request_from_token(keys, status.split("/")[2]))
    run(db, SYSTEM, keys, request)
    return request, text


def _transmissions(db: Session, request: dsr.Request) -> list[tuple[str, dict[str, Any]]]:
    return [
        (e.outcome, e.data)
        for e in audit.list_entries(db, action="dsr.transmitted", entity_id=str(request.id))
    ]


def test_a_destination_the_person_confirmed_with_their_code_receives_the_copy(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    tls: TlsReceiver,
) -> None:
    request, code_mail = _confirm(client, db, keys, settings, smtp, _ask(client, tls.url))

    assert f"sent directly to: {tls.url}" in code_mail  # the code confirms this destination
    [(path, sni, body)] = tls.received
    assert (path, sni, body["reference"]) == ("/in", "localhost", request.reference)
    assert {(r["category"], r["value"]) for r in body["data"]} >= {("user.name", "Anaïs Porte")}
    assert answer(db, keys, request)["results"]["portability"]["transmitted"] == dsr.rules.DELIVERED
    assert _transmissions(db, request) == [("ok", {"category": "delivered"})]


@pytest.mark.parametrize(
    ("allow", "category"),
    [
        ([], "refused_address"),  # an address inside the company's network, not allowed
        (["127.0.0.1/32"], "unreachable"),  # allowed, but nobody listens there
    ],
)
def test_a_failed_transmission_reads_the_same_whatever_the_network_answered(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    receiver: Receiver,
    allow: list[str],
    category: str,
) -> None:
    outbound.configure(allow)
    status = _ask(client, f"https://127.0.0.1:{free_port()}/in")

    request, _ = _confirm(client, db, keys, settings, smtp, status)

    seen = json.dumps(answer(db, keys, request), ensure_ascii=False)
    assert answer(db, keys, request)["results"]["portability"]["transmitted"] == dsr.rules.NOT_DELIVERED
    assert not re.search(r"Error|status \d|refused|unreachable|127\.0\.0\.1", seen)
    assert _transmissions(db, request) == [("failed", {"category": category})]
    assert receiver.received == []


def test_an_api_key_cannot_register_a_verified_request_with_a_destination(
    client: TestClient, db: Session, org: uuid.UUID, receiver: Receiver
) -> None:
    """The probe's finding: dsr:write, identity_verified and a transmit_to of its choice sent anyone's data."""
    token = make_api_key(db, org, ["dsr:write"])
    before = db.scalar(select(func.count()).select_from(dsr.Request))
    entries = audit.count(db)

    refused = client.post(
        "/api/dsr",
        headers=bearer(token),
        json={
            "kinds": ["portability"],
            "email": EMAIL,
            "channel": "api",
            "identity_verified": True,
            "details": {"transmit_to": "https://collector.example.test/in"},
        },
    )

    assert refused.status_code == 422 and refused.json()["error"] == "destination_unconfirmed"
    assert [p["path"] for p in refused.json()["problems"]] == ["details.transmit_to"]
    assert db.scalar(select(func.count()).select_from(dsr.Request)) == before
    assert audit.count(db) == entries and receiver.received == []


@pytest.mark.parametrize(
    ("details", "path", "code"),
    [
        ({"transmit_to": "http://other.example.test/in"}, "details.transmit_to", "bad_destination"),
        (
            {"transmit_to": "https://user:secret@other.example.test/in"},
            "details.transmit_to",
            "bad_destination",
        ),
        ({"transmit_to": "ftp://other.example.test/in"}, "details.transmit_to", "bad_destination"),
        ({"transmit_to": "https://"}, "details.transmit_to", "bad_destination"),
        ({"transmit_to": ["https://a.test"]}, "details.transmit_to", "bad_destination"),
        (
            {"transmit_to": "https://a.test/in", "transmit_confirmed": "https://a.test/in"},
            "details.transmit_confirmed",
            "recorded_by_lawful",
        ),
        ({"mandate_checked": "passport seen"}, "details.mandate_checked", "recorded_by_lawful"),
        ({"clock_paused_for_identity": True}, "details.clock_paused_for_identity", "recorded_by_lawful"),
    ],
)
def test_a_destination_that_is_no_https_address_or_a_forged_confirmation_is_refused_naming_the_field(
    client: TestClient, db: Session, org: uuid.UUID, details: dict[str, object], path: str, code: str
) -> None:
    token = make_api_key(db, org, ["dsr:write"])
    before = db.scalar(select(func.count()).select_from(dsr.Request))

    refused = client.post(
        "/api/dsr",
        headers=bearer(token),
        json={"kinds": ["portability"], "email": EMAIL, "channel": "api", "details": details},
    )

    assert refused.status_code == 422 and refused.json()["error"] == code
    assert [p["path"] for p in refused.json()["problems"]] == [path]
    assert db.scalar(select(func.count()).select_from(dsr.Request)) == before


def test_a_destination_whose_identity_staff_confirmed_by_other_means_is_not_sent_to(
    db: Session, keys: keystore.Keys, actor: Actor, org: uuid.UUID, tls: TlsReceiver
) -> None:
    """Staff checked who the person is, but the person never confirmed the destination: the download only."""
    request = dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=["portability"],
        email=EMAIL,
        language="en",
        channel="api",
        base_url="https://x.test",
        details={"transmit_to": tls.url},
    )
    officer = Actor(actor.kind, label=actor.label, organisation_id=org)

    dsr.cases.confirm_identity(db, officer, request_id=request.id, method="staff_in_person")
    run(db, actor, keys, request)

    assert answer(db, keys, request)["results"]["portability"]["transmitted"] == dsr.rules.UNCONFIRMED
    assert _transmissions(db, request) == [("failed", {"category": "unconfirmed"})]
    assert tls.received == []
