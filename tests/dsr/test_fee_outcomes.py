"""A fee quote in the privacy center, a declined fee that closes the request, and the quote mailed at once."""

import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, crypto, db, dsr, jobs, keystore, mail
from lawful.actor import Actor
from lawful.config import Settings
from lawful.dsr import fees
from tests.conftest import MASTER_KEY, Lawful, Mailbox
from tests.factories import bearer, make_api_key, make_fulfilled_request, make_person, make_register
from tests.registers import label, people

FEE = {"amount": "5.00", "currency": "EUR", "window_days": 30, "reason": label("Printing and postage")}
EMAIL = "copy@example.test"


def _org(db: Session) -> uuid.UUID:
    document = people()
    document["organisation"]["further_copy_fee"] = FEE
    document["organisation"]["contact"] = [{"kind": "privacy_email", "value": "privacy@shop.example.test"}]
    return make_register(db, document).organisation_id


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return _org(db)


def _access(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, lang: str = "fr") -> dsr.Request:
    return make_fulfilled_request(db, actor, keys, org, kinds=["access"], email=EMAIL, language=lang)


def _held(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, lang: str = "fr") -> dsr.Request:
    make_person(db, keys, org, email=EMAIL)
    _access(db, actor, keys, org)
    return _access(db, actor, keys, org, lang)


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_the_status_page_of_a_request_held_for_a_fee_shows_the_quote(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, lang: str
) -> None:
    held = _held(db, actor, keys, org, lang)

    page = client.get(f"/rights/{dsr.status_token(keys, held.id)}?lang={lang}")

    assert page.status_code == 200 and 'data-status="awaiting_fee_decision"' in page.text
    assert 'data-fee="currency">EUR<' in page.text and "5" in page.text
    assert label("Printing and postage")[lang] in page.text and "privacy@shop.example.test" in page.text
    assert "{" not in page.text.split("<main", 1)[-1]  # every placeholder filled


def test_a_declined_fee_closes_the_request_with_a_letter_in_the_persons_language(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID, actor: Actor
) -> None:
    held = _held(db, actor, keys, org, "nl")
    mail.deliver_due(db, keys, settings)
    before = len(smtp.wait_for(3))

    fees.decide(db, actor, keys, request_id=held.id, decision="declined", note="replied: no thanks")

    mail.deliver_due(db, keys, settings)
    letter = smtp.wait_for(before + 1)[-1]
    assert held.status == "completed" and held.outcome["fee"] == "declined"
    assert dsr.steps.run_next(db, actor, keys, request_id=held.id, base_url="") is None  # no copy is made
    assert "Gegevensbeschermingsautoriteit" in letter.get_content() and "5,00" in letter.get_content()
    entry = audit.latest(db, entity=held)
    assert entry is not None
    assert (entry.action, entry.data["amount_cents"]) == ("dsr.fee_declined", 500)


def test_a_declined_request_is_no_earlier_copy_for_the_fee_window(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    start = datetime.now(UTC)
    make_person(db, keys, org, email=EMAIL)
    _access(db, actor, keys, org)
    with time_machine.travel(start + timedelta(days=20)):
        held = _access(db, actor, keys, org)
        fees.decide(db, actor, keys, request_id=held.id, decision="declined", note=None)

    with time_machine.travel(start + timedelta(days=35)):
        later = _access(db, actor, keys, org)

    assert held.status == "completed" and later.status == "completed"  # free: 35 days after the only copy


def test_the_declined_status_page_says_the_request_is_closed_without_a_copy(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    held = _held(db, actor, keys, org, "en")
    fees.decide(db, actor, keys, request_id=held.id, decision="declined", note=None)

    page = client.get(f"/rights/{dsr.status_token(keys, held.id)}?lang=en")

    assert page.status_code == 200 and 'data-fee="declined"' in page.text
    assert "Nothing was charged" in page.text and "Answered." not in page.text


def test_the_api_declines_a_fee_once_and_names_a_wrong_decision(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    held = _held(db, actor, keys, org)
    writer = bearer(make_api_key(db, org, ["dsr:read", "dsr:write"]))

    wrong = client.post(f"/api/dsr/{held.id}/fee", json={"decision": "maybe"}, headers=writer)
    declined = client.post(f"/api/dsr/{held.id}/fee", json={"decision": "declined"}, headers=writer)
    again = client.post(f"/api/dsr/{held.id}/fee", json={"decision": "paid"}, headers=writer)

    assert wrong.status_code == 422 and "decision" in wrong.text
    assert declined.status_code == 200 and declined.json()["status"] == "completed"
    assert again.status_code == 409
    assert fees.get_fee(db, request_id=held.id).decision == "declined"


def test_a_wrong_decision_changes_nothing(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    held = _held(db, actor, keys, org)

    with pytest.raises(dsr.errors.FeeRefused) as refused:
        fees.decide(db, actor, keys, request_id=held.id, decision="later", note=None)

    assert refused.value.problems[0]["path"] == "decision"
    assert held.status == "awaiting_fee_decision" and fees.get_fee(db, request_id=held.id).decision is None


def test_the_fee_command_records_a_decline(
    lawful: Lawful, fresh_url: str, tmp_path: Path, actor: Actor
) -> None:
    keys = keystore.open_keys(
        Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    )
    with db.open_session(fresh_url) as session:
        org = _org(session)
        reference = _held(session, actor, keys, org).reference
        session.commit()

    declined = lawful("dsr", "fee", reference, "declined", "--note", "phoned")

    assert declined.exit_code == 0 and "completed" in declined.stdout
    with db.open_session(fresh_url) as session:
        found = fees.find_by_reference(session, reference=reference)
        assert found is not None and found.outcome["fee"] == "declined"


@pytest.fixture
def queued_jobs(settings: Settings, tmp_path: Path) -> Iterator[None]:
    """A real (SQLite) job queue with no consumer, so what the entry points kick can be counted."""
    with jobs.configured(settings.model_copy(update={"data_dir": tmp_path, "jobs_url": "sqlite"})):
        yield
        jobs.huey.storage.flush_queue()


def test_confirming_the_code_of_a_request_held_for_a_fee_kicks_the_quote_job(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, queued_jobs: None
) -> None:
    make_person(db, keys, org, email=EMAIL)
    _access(db, actor, keys, org)
    asked = dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=["access"],
        email=EMAIL,
        language="en",
        channel="email",
        base_url="",
    )
    code = _code(db, keys, asked)

    client.post(f"/rights/{dsr.status_token(keys, asked.id)}/code", data={"code": code})

    assert asked.status == "awaiting_fee_decision"
    assert [(t.name, t.args) for t in jobs.huey.pending()] == [("run_request", (str(asked.id),))]


def _code(db: Session, keys: keystore.Keys, request: dsr.Request) -> str:
    """The code as the person reads it, from the sealed outbox message sent to them."""
    row = db.scalars(
        select(mail.OutboxMessage)
        .where(mail.OutboxMessage.kind == "dsr_code")
        .order_by(mail.OutboxMessage.created_at.desc())
    ).first()
    assert row is not None and row.sealed is not None
    text = json.loads(crypto.decrypt(keys.outbox, row.sealed, context=str(row.id).encode()))["text"]
    found = re.search(r"\b(\d{6})\b", text)
    assert found is not None
    return found.group(1)
