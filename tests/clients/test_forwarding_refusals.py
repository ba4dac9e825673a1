"""R-102, R-106, T-29: what is refused around forwarded requests: client A's key on client B's request, an
unknown brand, a bad instruction, a key without the scope or of another organisation, processor staff
completing a forwarded request. Each is a 4xx naming the field, and nothing changes."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, dsr
from tests.clients.forwarding_world import (
    ACME,
    BETA,
    BETA_MAIL,
    World,
    ask,
    enter,
    forwardings,
    instruct,
    people_of,
    world,
)
from tests.conftest import Receiver
from tests.factories import bearer, make_api_key

ANNE, BOB = "anne@example.test", "bob@example.test"


@pytest.fixture
def site(db: Session, receiver: Receiver) -> World:
    return world(db, receiver.url)


def test_client_a_can_never_instruct_on_client_bspeople_of(
    client: TestClient, db: Session, site: World
) -> None:
    enter(client, "acme_contest", ANNE)
    enter(client, "beta_contest", BOB)
    ask(client, site.staff, BOB, ["erasure"])
    [beta_row] = forwardings(db, BETA)

    response = instruct(client, site.brand, ACME, beta_row.request_id, "carry_out")

    assert response.status_code == 404
    [still] = forwardings(db, BETA)
    assert (still.instruction, still.state) == (None, "forwarded")
    assert (people_of(db, ACME), people_of(db, BETA)) == (1, 1)
    listed = client.get(f"/api/clients/{ACME}/requests", headers=bearer(site.brand)).json()
    assert listed == []  # Acme sees none of Beta's requests
    db.expire_all()
    [refused] = [
        e
        for e in audit.list_entries(db, organisation_id=site.org)
        if e.action == "clients.request_instruction_refused"
    ]
    assert (refused.outcome, refused.entity_id) == ("refused", str(beta_row.request_id))


def test_a_request_naming_an_unknown_brand_is_422_naming_the_field_and_writes_nothing(
    client: TestClient, db: Session, site: World
) -> None:
    response = client.post(
        "/api/dsr",
        json={"kinds": ["access"], "email": ANNE, "channel": "email", "details": {"client": "nobody"}},
        headers=bearer(site.staff),
    )

    assert response.status_code == 422
    assert "details.client" in response.text and ANNE not in response.text
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(dsr.Request)) == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"instruction": "delete"}, "instruction"),
        ({}, "instruction"),
        ({"instruction": "refuse", "x": 1}, "x"),
    ],
)
def test_a_bad_instruction_is_422_naming_the_field_and_changes_nothing(
    client: TestClient, db: Session, site: World, payload: dict[str, object], field: str
) -> None:
    enter(client, "acme_contest", ANNE)
    ask(client, site.staff, ANNE, ["erasure"])
    [row] = forwardings(db)

    response = client.post(
        f"/api/clients/{ACME}/requests/{row.request_id}/instruction", json=payload, headers=bearer(site.brand)
    )

    assert response.status_code == 422
    assert field in response.text
    [still] = forwardings(db)
    assert still.instruction is None


def test_without_the_clients_instruct_scope_it_is_403(client: TestClient, db: Session, site: World) -> None:
    enter(client, "acme_contest", ANNE)
    ask(client, site.staff, ANNE, ["erasure"])
    [row] = forwardings(db)

    assert instruct(client, site.staff, ACME, row.request_id, "carry_out").status_code == 403


def test_another_organisations_key_is_404(client: TestClient, db: Session, site: World) -> None:
    enter(client, "acme_contest", ANNE)
    ask(client, site.staff, ANNE, ["erasure"])
    [row] = forwardings(db)
    theirs = world(db, None, slug="other")

    assert instruct(client, theirs.brand, ACME, row.request_id, "carry_out").status_code == 404
    [still] = forwardings(db, ACME)
    assert still.instruction is None and still.organisation_id == site.org
    assert BETA_MAIL  # the second brand exists in both registers: its key is not enough


def test_processor_staff_cannot_complete_refuse_or_extend_a_forwarded_request(
    client: TestClient, db: Session, site: World
) -> None:
    enter(client, "acme_contest", ANNE)
    asked = ask(client, site.staff, ANNE, ["erasure"])

    response = client.post(f"/api/dsr/{asked['id']}/complete", headers=bearer(site.staff))
    officer = make_api_key(db, site.org, ["dsr:write", "export:approve"])
    refused = client.post(
        f"/api/dsr/{asked['id']}/refusal",
        json={"justification": "We do not answer this brand's participants."},
        headers=bearer(officer),
    )
    extended = client.post(
        f"/api/dsr/{asked['id']}/extension",
        json={"months": 1, "reason": "many systems"},
        headers=bearer(officer),
    )

    assert (response.status_code, refused.status_code, extended.status_code) == (403, 403, 403)
    db.expire_all()
    request = db.get(dsr.Request, uuid.UUID(asked["id"]))
    assert request is not None and request.status == "forwarded"
