"""/api/clients/credentials (R-87): the secret stored only encrypted (never in the database file, the key
store, a listing, the audit log or an error), revealed with a reason to a holder of `credentials:reveal`,
refusals audited, another organisation's key 404, and unreadable after the end of the client's contract."""

import uuid
from pathlib import Path

import pytest
import yaml
from cryptography.exceptions import InvalidTag
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from lawful import audit, crypto, keystore
from lawful.clients.vault import ClientCredential
from lawful.clients.vault.models import key_owner
from tests.clients.processor_world import processor_register
from tests.conftest import Receiver
from tests.factories import bearer, make_api_key, make_register
from tests.registers import example

URL = "/api/clients/credentials"
SECRET = "Zq9-unguessable-ERP-admin-7Hx"
REASON = "Ticket 4711: restore the ERP nightly job"
AFTER_END = {"X-Lawful-Now": "2026-07-01T10:00:00+02:00"}


@pytest.fixture
def org(db: Session, receiver: Receiver) -> uuid.UUID:
    return make_register(db, processor_register(endpoint=receiver.url, webhook=None)).organisation_id


@pytest.fixture
def writer(db: Session, org: uuid.UUID) -> str:
    return make_api_key(db, org, ["register:read", "register:write", "retention:run", "personal_data:read"])


@pytest.fixture
def engineer(db: Session, org: uuid.UUID) -> str:
    return make_api_key(db, org, ["register:read", "credentials:reveal"])


def _add(client: TestClient, token: str) -> dict[str, str]:
    body = {"client": "acme_brands", "system": "ERP database", "username": "erp_admin", "secret": SECRET}
    created = client.post(URL, json=body | {"note": "read-write"}, headers=bearer(token))
    assert created.status_code == 201, created.text
    return dict(created.json())


def test_the_secret_is_kept_only_encrypted_and_revealed_with_a_reason(
    client: TestClient, db: Session, engine: Engine, writer: str, engineer: str, keys: keystore.Keys
) -> None:
    made = _add(client, writer)
    listed = client.get(URL, headers=bearer(writer))
    revealed = client.post(f"{URL}/{made['id']}/reveal", json={"reason": REASON}, headers=bearer(engineer))

    assert SECRET not in str(made) and SECRET not in listed.text
    assert listed.json()[0]["system"] == "ERP database"
    assert revealed.status_code == 200 and revealed.json()["secret"] == SECRET
    db.expire_all()
    entries = list(
        db.scalars(select(audit.AuditEntry).where(audit.AuditEntry.action.like("clients.credential%")))
    )
    assert [e.action for e in entries] == ["clients.credential_added", "clients.credential_revealed"]
    assert entries[1].data["reason"] == REASON and entries[1].entity_id == made["id"]
    assert all(SECRET not in str(e.data) for e in entries)
    if db.get_bind().dialect.name == "sqlite":  # the files on disk: the database and the key store
        for url in (engine.url.render_as_string(), keys.store.engine.url.render_as_string()):
            path = Path(url.removeprefix("sqlite:///"))
            assert path.exists()
            for file in path.parent.glob(path.name + "*"):
                assert SECRET.encode() not in file.read_bytes()
    else:
        dump = db.execute(text("SELECT ciphertext FROM client_credentials")).scalars().all()
        assert all(SECRET.encode() not in bytes(c) for c in dump)


def test_a_reveal_without_a_reason_is_refused_naming_it(
    client: TestClient, writer: str, engineer: str
) -> None:
    made = _add(client, writer)
    missing = client.post(f"{URL}/{made['id']}/reveal", json={}, headers=bearer(engineer))
    short = client.post(f"{URL}/{made['id']}/reveal", json={"reason": "because"}, headers=bearer(engineer))

    assert missing.status_code == 422 and "reason" in missing.json()["detail"]
    assert short.status_code == 422 and "reason" in short.json()["detail"]
    assert SECRET not in missing.text + short.text


def test_a_key_without_the_permission_is_refused_and_the_attempt_audited(
    client: TestClient, db: Session, writer: str
) -> None:
    made = _add(client, writer)
    refused = client.post(f"{URL}/{made['id']}/reveal", json={"reason": REASON}, headers=bearer(writer))

    assert refused.status_code == 403 and "credentials:reveal" in refused.json()["detail"]
    assert SECRET not in refused.text
    db.expire_all()
    entry = db.scalars(
        select(audit.AuditEntry).where(audit.AuditEntry.action == "clients.credential_revealed")
    ).one()
    assert entry.outcome == "refused" and entry.entity_id == made["id"]


def test_another_organisations_key_finds_nothing(client: TestClient, db: Session, writer: str) -> None:
    made = _add(client, writer)
    other = make_register(db, yaml.safe_load(example("kresoft"))).organisation_id
    theirs = make_api_key(db, other, ["register:read", "register:write", "credentials:reveal"])

    revealed = client.post(f"{URL}/{made['id']}/reveal", json={"reason": REASON}, headers=bearer(theirs))
    destroyed = client.delete(f"{URL}/{made['id']}", headers=bearer(theirs))
    listed = client.get(URL, headers=bearer(theirs))

    assert revealed.status_code == 404 and destroyed.status_code == 404 and listed.json() == []


def test_an_unknown_client_is_refused_naming_the_field(client: TestClient, db: Session, writer: str) -> None:
    body = {"client": "nobody", "system": "AD", "username": "u", "secret": SECRET}
    refused = client.post(URL, json=body, headers=bearer(writer))

    assert refused.status_code == 422 and "client" in refused.json()["detail"]
    assert SECRET not in refused.text
    db.expire_all()
    assert db.scalars(select(ClientCredential)).all() == []


def test_after_the_end_of_contract_the_secret_is_gone_for_good(
    client: TestClient, db: Session, writer: str, engineer: str, keys: keystore.Keys
) -> None:
    made = _add(client, writer)
    db.expire_all()
    backup = db.get(ClientCredential, uuid.UUID(made["id"]))
    assert backup is not None and backup.ciphertext is not None
    copy = bytes(backup.ciphertext)
    key = keys.store.get(key_owner(backup.id))
    assert key is not None  # a key known before the end: what a backup of the key store would not keep

    end = "/api/clients/acme_brands/end"
    client.post(end, json={"ends_on": "2026-06-30"}, headers=bearer(writer) | AFTER_END)
    client.post(f"{end}/return", headers=bearer(writer) | AFTER_END)
    erased = client.post(f"{end}/erasure", headers=bearer(writer) | AFTER_END)
    revealed = client.post(f"{URL}/{made['id']}/reveal", json={"reason": REASON}, headers=bearer(engineer))

    assert erased.status_code == 200, erased.text
    assert revealed.status_code == 409 and SECRET not in revealed.text
    keys.store._cache.clear()
    assert keys.store.get(key_owner(backup.id)) is None
    db.expire_all()
    row = db.get(ClientCredential, backup.id)
    assert row is not None and row.ciphertext is None and row.destroyed_at is not None
    with pytest.raises(InvalidTag):  # the copy taken before cannot be read under any other key
        crypto.decrypt(crypto.new_key(), copy)


def test_kresoft_keeps_credentials_only_for_the_systems_its_register_declares(
    client: TestClient, db: Session, keys: keystore.Keys
) -> None:
    kresoft = make_register(db, yaml.safe_load(example("kresoft"))).organisation_id
    token = make_api_key(db, kresoft, ["register:read", "register:write", "credentials:reveal"])
    body = {"client": "dewitte_logistics", "username": "ks-admin", "secret": SECRET}

    kept = client.post(URL, json=body | {"system": "active_directory"}, headers=bearer(token))
    stray = client.post(URL, json=body | {"system": "payroll"}, headers=bearer(token))
    shown = client.post(f"{URL}/{kept.json()['id']}/reveal", json={"reason": REASON}, headers=bearer(token))

    assert kept.status_code == 201 and SECRET not in kept.text
    assert stray.status_code == 422 and "system" in stray.json()["detail"] and SECRET not in stray.text
    assert shown.json()["secret"] == SECRET
