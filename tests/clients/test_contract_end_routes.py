"""/api/clients/{client}/end and `lawful clients end`: each step through its entry point, bad input refused
naming the field with nothing written, another organisation's key 404 (R-107)."""

import base64
import json
import uuid
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, clients, keystore, subjects
from lawful.actor import SYSTEM
from tests.clients.processor_world import processor_register
from tests.conftest import Lawful, Receiver
from tests.factories import bearer, make_api_key, make_register
from tests.registers import example

URL = "/api/clients/acme_brands/end"
AFTER_END = {"X-Lawful-Now": "2026-07-01T10:00:00+02:00"}
SCOPES = ["register:read", "register:write", "personal_data:read", "retention:run"]


@pytest.fixture
def org(db: Session, keys: keystore.Keys, receiver: Receiver) -> uuid.UUID:
    organisation_id = make_register(
        db, processor_register(endpoint=receiver.url, webhook=None)
    ).organisation_id
    subjects.collect(
        db,
        SYSTEM,
        keys,
        organisation_id=organisation_id,
        subject_category="contest_participant",
        identities={subjects.IdentityKind.EMAIL: "dora@participant.example.test"},
        values={"user.contact.email": "dora@participant.example.test"},
        collection=subjects.CollectionCreate(activity="client_campaigns", channel=subjects.Channel.WEB_FORM),
        client="acme_brands",
    )
    return organisation_id


@pytest.fixture
def token(db: Session, org: uuid.UUID) -> str:
    return make_api_key(db, org, SCOPES)


def test_each_step_through_the_api(client: TestClient, db: Session, token: str) -> None:
    ended = client.post(URL, json={"ends_on": "2026-06-30"}, headers=bearer(token) | AFTER_END)
    returned = client.post(f"{URL}/return", headers=bearer(token) | AFTER_END)
    erased = client.post(f"{URL}/erasure", headers=bearer(token) | AFTER_END)
    early = client.post(f"{URL}/certificate", headers=bearer(token) | AFTER_END)
    certified = client.post(
        f"{URL}/certificate", headers=bearer(token) | {"X-Lawful-Now": "2026-07-30T09:00:00+02:00"}
    )

    assert ended.status_code == 201 and ended.json()["certify_on"] == "2026-07-30"
    assert returned.status_code == 200 and "dora@participant.example.test" in returned.text
    assert erased.json()["status"] == "erased" and erased.json()["people"] == 1
    assert early.status_code == 409 and "certify_on" in early.json()["detail"]
    assert certified.json()["certificate"]["erased"]["remaining"] == 0
    assert db.scalar(select(func.count()).where(subjects.Subject.client == "acme_brands")) == 0
    actions = db.scalars(
        select(audit.AuditEntry.action).where(audit.AuditEntry.action.like("clients.contract%"))
    )
    assert sorted(actions) == [
        "clients.contract_data_erased",
        "clients.contract_data_returned",
        "clients.contract_end_certified",
        "clients.contract_ended",
    ]


def test_the_data_are_not_erased_before_the_dpa_ends(client: TestClient, db: Session, token: str) -> None:
    before = {"X-Lawful-Now": "2026-06-29T10:00:00+02:00"}
    client.post(URL, json={"ends_on": "2026-06-30"}, headers=bearer(token) | before)
    client.post(f"{URL}/return", headers=bearer(token) | before)

    refused = client.post(f"{URL}/erasure", headers=bearer(token) | before)

    assert refused.status_code == 409 and "ends_on" in refused.json()["detail"]
    assert db.scalar(select(func.count()).where(subjects.Subject.client == "acme_brands")) == 1


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"ends_on": "30/06/2026"}, 422, "ends_on"),
        ({"ends_on": "2020-01-01"}, 409, "ends_on"),
        ({"ends": "2026-06-30"}, 422, "ends"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    client: TestClient, db: Session, token: str, body: dict[str, str], status: int, field: str
) -> None:
    response = client.post(URL, json=body, headers=bearer(token))

    assert response.status_code == status and field in response.text
    assert db.scalar(select(func.count()).select_from(clients.ContractEnd)) == 0


def test_an_unknown_client_is_404_naming_it(client: TestClient, token: str) -> None:
    response = client.post("/api/clients/globex/end", json={}, headers=bearer(token))

    assert response.status_code == 404 and "globex" in response.json()["detail"]


def test_returning_the_data_needs_personal_data_read(
    client: TestClient, db: Session, org: uuid.UUID, token: str
) -> None:
    client.post(URL, json={"ends_on": "2026-06-30"}, headers=bearer(token))
    writer = make_api_key(db, org, ["register:write"])

    response = client.post(f"{URL}/return", headers=bearer(writer))

    assert response.status_code == 403


def test_another_organisations_key_is_404(client: TestClient, db: Session, token: str) -> None:
    client.post(URL, json={"ends_on": "2026-06-30"}, headers=bearer(token))
    other = make_register(db, yaml.safe_load(example("kresoft"))).organisation_id
    theirs = make_api_key(db, other, SCOPES)

    shown = client.get(URL, headers=bearer(theirs))
    returned = client.post(f"{URL}/return", headers=bearer(theirs))

    assert (shown.status_code, returned.status_code) == (404, 404)


def test_the_cli_ends_returns_and_erases(lawful: Lawful, tmp_path: Path) -> None:
    lawful.apply_register(
        tmp_path, yaml.safe_dump(processor_register(endpoint="https://print.example.test/x", webhook=None))
    )
    target = tmp_path / "acme.csv"

    ended = lawful("clients", "end", "record", "acme_brands", "--ends-on", "2026-03-31")
    bad = lawful("clients", "end", "record", "acme_brands", "--ends-on", "31/01/2026")
    returned = lawful("clients", "end", "return", "acme_brands", "-o", str(target))
    erased = lawful("clients", "end", "erase", "acme_brands")
    shown = lawful("clients", "end", "show", "acme_brands")
    unknown = lawful("clients", "end", "show", "nobody")

    assert ended.exit_code == 0, ended.output
    assert bad.exit_code != 0 and "--ends-on" in bad.output
    assert returned.exit_code == 0, returned.output
    assert target.read_text().startswith("person")
    assert erased.exit_code == 0 and '"status": "erased"' in erased.stdout
    assert shown.exit_code == 0 and json.loads(shown.stdout) == json.loads(erased.stdout)  # as GET …/end
    assert unknown.exit_code != 0


def test_the_data_are_handed_to_the_clients_webhook_when_it_declares_one(
    client: TestClient, db: Session, keys: keystore.Keys, receiver: Receiver
) -> None:
    document = processor_register(endpoint=receiver.url, webhook=receiver.url)
    document["organisation"]["slug"] = "qualifio-hooked"
    org = make_register(db, document).organisation_id
    subjects.collect(
        db, SYSTEM, keys, organisation_id=org, subject_category="contest_participant",
        identities={subjects.IdentityKind.EMAIL: "eva@participant.example.test"},
        values={"user.contact.email": "eva@participant.example.test"},
        collection=subjects.CollectionCreate(activity="client_campaigns", channel=subjects.Channel.WEB_FORM),
        client="acme_brands",
    )  # fmt: skip
    token = make_api_key(db, org, SCOPES)
    client.post(URL, json={"ends_on": "2026-06-30"}, headers=bearer(token))

    client.post(f"{URL}/return", headers=bearer(token))

    [handed] = [body for body in receiver.received if body.get("event") == "contract_end_return"]
    assert "eva@participant.example.test" in base64.b64decode(handed["file_base64"]).decode()
    shown = client.get(URL, headers=bearer(token)).json()
    assert shown["handed_over_to"] == "webhook of Acme Brands SA" and shown["status"] == "returned"
