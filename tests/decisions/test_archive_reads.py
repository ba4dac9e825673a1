"""Archived data are read-only and seen only with `archive:read` (finance, legal), through the API, the
console and the CLI (R-73); everyone else is told that some data are archived, never what they hold."""

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, clock, keystore, processing, staff, subjects
from lawful import db as lawful_db
from lawful.actor import Actor, ActorKind
from lawful.config import get_settings
from lawful.decisions import exports
from tests.archives import NOW, archive_register, archived_person
from tests.conftest import Lawful
from tests.factories import bearer, log_in, make_api_key, make_register
from tests.registers import as_yaml

LEDGER_NAME = "Ann Ledger-Archive"
AT = NOW.isoformat()
CLI = Actor(ActorKind.CLI, label="cli:test")


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, archive_register()).organisation_id


def _invoiced(db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor) -> uuid.UUID:
    """A customer whose invoicing data (with their name) are archived for the accounting obligation."""
    with clock.pinned(NOW):
        return archived_person(
            db,
            keys,
            org,
            actor,
            email="ledger@example.test",
            collected=("invoicing",),
            archived=("invoicing",),
            values={"user.name": LEDGER_NAME},
        )


def _read(client: TestClient, token: str, purpose: str) -> dict[str, Any]:
    response = client.post(
        "/api/subjects/read",
        json={"subject": {"email": "ledger@example.test"}, "purpose": purpose},
        headers=bearer(token) | {"X-Lawful-Now": AT, "Accept-Language": "fr"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_an_api_key_without_archive_read_is_told_data_are_archived_but_not_given_them(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    _invoiced(db, keys, org, actor)
    token = make_api_key(db, org, ["personal_data:read"])

    body = _read(client, token, "invoicing")

    assert body["values"] == [] and body["archived"] == ["invoicing"]
    assert "archivée" in str(body["notice"]) and LEDGER_NAME not in str(body)


def test_an_api_key_with_archive_read_reads_the_archive_for_the_obligation_it_is_kept_for(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    subject_id = _invoiced(db, keys, org, actor)
    token = make_api_key(db, org, ["personal_data:read", "archive:read"])

    body = _read(client, token, "invoicing")

    assert LEDGER_NAME in [v["value"] for v in body["values"]]
    assert body["archived"] == [] and body["notice"] is None
    entry = db.scalars(
        select(audit.AuditEntry).where(
            audit.AuditEntry.action == "decisions.read", audit.AuditEntry.entity_id == str(subject_id)
        )
    ).one()
    assert (entry.outcome, entry.data["archived_withheld"]) == ("allowed", [])


def test_an_archive_reader_still_gets_nothing_archived_for_an_operational_purpose(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    _invoiced(db, keys, org, actor)
    token = make_api_key(db, org, ["personal_data:read", "archive:read"])

    response = client.post(
        "/api/subjects/read",
        json={"subject": {"email": "ledger@example.test"}, "purpose": "customer_service"},
        headers=bearer(token) | {"X-Lawful-Now": AT},
    )

    assert response.status_code == 422 and response.json()["error"] == "purpose_denied"
    assert "archived (these data are archived: they are kept only for" in response.json()["detail"]
    assert LEDGER_NAME not in response.text


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (staff.Role.SALES, False),
        (staff.Role.SUPPORT, False),
        (staff.Role.MARKETING, False),
        (staff.Role.FINANCE, True),
        (staff.Role.LEGAL, True),
    ],
)
def test_the_console_shows_the_archive_to_finance_and_legal_only(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    org: uuid.UUID,
    actor: Actor,
    role: staff.Role,
    sees: bool,
) -> None:
    subject_id = _invoiced(db, keys, org, actor)
    log_in(client, db, keys, org, role, now=AT)

    page = client.get(f"/console/subjects/{subject_id}?purpose=invoicing", headers={"X-Lawful-Now": AT})

    assert page.status_code == 200
    assert (LEDGER_NAME in page.text) is sees
    assert ('id="archived"' in page.text) is not sees  # the others are told, without the values
    reads = db.scalar(
        select(func.count()).where(
            audit.AuditEntry.action == "decisions.read", audit.AuditEntry.entity_id == str(subject_id)
        )
    )
    assert reads == 1  # the view is audited as any read


def test_writing_into_an_archived_activity_is_refused_and_nothing_is_written(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    subject_id = _invoiced(db, keys, org, actor)
    token = make_api_key(db, org, ["subjects:write", "subjects:read"])
    body = {
        "subject_category": "customer",
        "email": "ledger@example.test",
        "values": {"user.name": "Someone Else"},
        "collection": {"activity": "invoicing", "channel": "email"},
    }
    rows = select(func.count()).where(subjects.PersonalData.subject_id == subject_id)
    before = db.scalar(rows)

    refused = client.post("/api/subjects", json=body, headers=bearer(token) | {"X-Lawful-Now": AT})
    after_refusal = db.scalar(rows)
    elsewhere = client.post(
        "/api/subjects",
        json=body | {"collection": {"activity": "customer_service", "channel": "email"}},
        headers=bearer(token) | {"X-Lawful-Now": AT},
    )

    assert refused.status_code == 409 and refused.json()["error"] == "archived_read_only"
    assert "Someone Else" not in refused.text and "ledger@" not in refused.text
    assert after_refusal == before
    assert elsewhere.status_code == 201  # another activity of the same person is not archived
    names = {v.value for v in subjects.values(db, keys, subject_id=subject_id, categories={"user.name"})}
    assert names == {LEDGER_NAME, "Someone Else"}  # the archived name stays as it was, beside the new one


def test_the_cli_reads_as_the_staff_member_and_hides_the_archive_from_sales(
    lawful: Lawful, tmp_path: Path, fresh_url: str
) -> None:
    lawful.apply_register(tmp_path, as_yaml(archive_register()))
    for email, role in (("sales@example.test", "sales"), ("finance@example.test", "finance")):
        added = lawful(
            "staff",
            "add",
            email,
            "--role",
            role,
            "--training",
            "2026-01-05",
            "--confidentiality",
            "2026-01-05",
        )
        assert added.exit_code == 0, added.output
    with lawful_db.open_session(fresh_url) as session:
        org = session.scalars(select(processing.Organisation.id)).one()
        person = _invoiced(session, keystore.open_keys(get_settings()), org, CLI)
        session.commit()
    wanted = ("decide", "read", "--purpose", "invoicing", "--email", "ledger@example.test", "--json")

    sales = lawful("--as", "sales@example.test", *wanted)
    finance = lawful("--as", "finance@example.test", *wanted)
    write = lawful(
        "subjects", "add", "--activity", "invoicing", "--category", "customer", "--channel", "email",
        "--email", "ledger@example.test", "--value", "user.name=Someone Else",
    )  # fmt: skip

    assert sales.exit_code == 0, sales.output
    assert LEDGER_NAME not in sales.output and json.loads(sales.output)["archived"] == ["invoicing"]
    assert finance.exit_code == 0 and LEDGER_NAME in finance.output
    assert json.loads(finance.output)["archived"] == []
    assert write.exit_code == 1 and "archived_read_only" in write.output
    with lawful_db.open_session(fresh_url) as session:
        names = session.scalar(
            select(func.count()).where(
                subjects.PersonalData.subject_id == person, subjects.PersonalData.category == "user.name"
            )
        )
    assert names == 1


def test_a_bulk_export_for_a_purpose_leaves_out_the_archive_it_may_not_use(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    with clock.pinned(NOW):
        archived_person(
            db, keys, org, actor, email="contract@example.test", collected=("customer_service",),
            archived=("customer_service",), values={"user.name": "Carl Contract"},
        )  # fmt: skip
        archived_person(
            db, keys, org, actor, email="contract@example.test", collected=("customer_offers",), archived=(),
            values={"user.contact.phone_number": "+32470000001"},
        )  # fmt: skip
        made = exports.request(
            db,
            actor,
            keys,
            organisation_id=org,
            purpose="customer_offers",
            fields=["user.name", "user.contact.phone_number"],
            subject_category="customer",
            approval_threshold=100,
        )
        requester = Actor(ActorKind.CLI, label=actor.label, organisation_id=org)
        body = exports.download(db, requester, keys, export_id=made.id).decode()

    assert made.people == 1 and "+32470000001" in body
    assert "Carl Contract" not in body  # collected for the archived contract: not for marketing
