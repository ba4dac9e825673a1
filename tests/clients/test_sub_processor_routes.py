"""/api/clients/sub-processor-changes and `lawful clients sub-processors`: the change told, bad input refused
naming the field with nothing written, another organisation's key 404 (R-104)."""

import json
import uuid
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, keystore, mail, staff
from lawful.clients import SubProcessorChange
from tests.clients.processor_world import processor_register
from tests.conftest import Lawful, Receiver
from tests.factories import bearer, log_in, make_api_key, make_register
from tests.registers import example

URL = "/api/clients/sub-processor-changes"
NOTICE = "Imprimerie Exemple SRL prints and posts the prize letters, in Belgium only."


@pytest.fixture
def org(db: Session, receiver: Receiver) -> uuid.UUID:
    document = processor_register(endpoint=receiver.url, webhook=receiver.url)
    return make_register(db, document).organisation_id


@pytest.fixture
def token(db: Session, org: uuid.UUID) -> str:
    return make_api_key(db, org, ["register:read", "register:write"])


def test_a_change_is_recorded_told_and_listed_as_blocked(
    client: TestClient, token: str, receiver: Receiver
) -> None:
    created = client.post(URL, json={"recipient": "print_house", "notice": NOTICE}, headers=bearer(token))
    listed = client.get(f"{URL}?client=acme_brands", headers=bearer(token))

    assert created.status_code == 201, created.text
    [change] = listed.json()
    assert (change["client"], change["status"], change["blocked"]) == (
        "acme_brands",
        "pending",
        "sub_processor_objection_window",
    )
    assert receiver.received[0]["change"] == change["id"]


def test_the_clients_objection_is_recorded_and_keeps_it_blocked(client: TestClient, token: str) -> None:
    [change] = client.post(
        URL, json={"recipient": "print_house", "notice": NOTICE}, headers=bearer(token)
    ).json()

    answered = client.post(
        f"{URL}/{change['id']}/decision", json={"decision": "objected"}, headers=bearer(token)
    )

    assert answered.status_code == 200
    assert (answered.json()["status"], answered.json()["blocked"]) == ("objected", "sub_processor_objected")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"recipient": "print_house"}, "notice"),
        ({"recipient": "print_house", "notice": ""}, "notice"),
        ({"recipient": "nobody_known", "notice": NOTICE}, "recipient"),
        ({"recipient": "meta", "notice": NOTICE}, "recipient"),
        ({"recipient": "print_house", "notice": NOTICE, "clients": ["globex"]}, "clients"),
        ({"recipient": "print_house", "notice": NOTICE, "objection_days": 10}, "objection_days"),
        ({"recipient": "print_house", "notice": NOTICE, "replaces": "nobody_known"}, "replaces"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    client: TestClient, db: Session, token: str, receiver: Receiver, body: dict[str, object], field: str
) -> None:
    response = client.post(URL, json=body, headers=bearer(token))

    assert response.status_code == 422
    assert field in response.text
    assert db.scalar(select(func.count()).select_from(SubProcessorChange)) == 0
    assert db.scalar(select(func.count()).select_from(mail.OutboxMessage)) == 0
    assert receiver.received == []


def test_a_refused_change_is_audited_as_an_attempt(client: TestClient, db: Session, token: str) -> None:
    client.post(URL, json={"recipient": "nobody_known", "notice": NOTICE}, headers=bearer(token))

    entry = db.scalars(
        select(audit.AuditEntry).where(audit.AuditEntry.action == "clients.sub_processor_change_refused")
    ).one()
    assert entry.outcome == "refused" and "recipient" in entry.data["reason"]


def test_another_organisations_key_finds_no_change(client: TestClient, db: Session, token: str) -> None:
    [change] = client.post(
        URL, json={"recipient": "print_house", "notice": NOTICE}, headers=bearer(token)
    ).json()
    other = make_register(db, yaml.safe_load(example("kresoft"))).organisation_id
    theirs = make_api_key(db, other, ["register:read", "register:write"])

    answered = client.post(
        f"{URL}/{change['id']}/decision", json={"decision": "approved"}, headers=bearer(theirs)
    )
    listed = client.get(URL, headers=bearer(theirs))

    assert answered.status_code == 404
    assert listed.json() == []


def test_the_cli_tells_the_clients_and_refuses_a_change_without_notice(
    lawful: Lawful, tmp_path: Path
) -> None:
    document = processor_register(endpoint="https://print.example.test/in", webhook=None)
    lawful.apply_register(tmp_path, yaml.safe_dump(document, allow_unicode=True))

    added = lawful("clients", "sub-processors", "add", "print_house", "--notice", NOTICE, "--json")
    silent = lawful("clients", "sub-processors", "add", "print_house", "--notice", "")
    listed = lawful("clients", "sub-processors", "list", "--json")

    assert added.exit_code == 0, added.output
    assert silent.exit_code != 0 and "--notice" in silent.output
    [change] = json.loads(listed.stdout)
    assert (change["recipient"], change["blocked"]) == ("print_house", "sub_processor_objection_window")


def test_the_console_shows_the_change_held_back(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, token: str
) -> None:
    client.post(URL, json={"recipient": "print_house", "notice": NOTICE}, headers=bearer(token))
    log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER, now="2026-12-07T10:00:00+00:00")

    page = client.get("/console/clients", headers={"X-Lawful-Now": "2026-12-07T10:00:00+00:00"})

    assert "print_house" in page.text and "no: sub processor objection window" in page.text
