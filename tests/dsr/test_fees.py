"""Fees for further copies (R-52; Art. 12(5), 15(3)): the first copy is free, a further one may wait for a fee."""

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session

from lawful import audit, clock, db, dsr, keystore, mail
from lawful.actor import Actor
from lawful.config import Settings
from lawful.dsr import fees, rules
from tests.conftest import MASTER_KEY, Lawful, Mailbox
from tests.factories import (
    bearer,
    make_api_key,
    make_fulfilled_request,
    make_person,
    make_register,
    run_steps,
)
from tests.registers import label, people

FEE = {"amount": "5.00", "currency": "EUR", "window_days": 30, "reason": label("Printing and postage")}


@pytest.mark.parametrize(
    ("delivered", "received", "further"),
    [
        (date(2025, 1, 31), date(2025, 1, 31), True),
        (date(2025, 1, 31), date(2025, 3, 2), True),  # 30 days after 31 January
        (date(2025, 1, 31), date(2025, 3, 3), False),
        (date(2024, 1, 31), date(2024, 3, 1), True),  # leap year: 29 February counts
        (date(2024, 1, 31), date(2024, 3, 2), False),
        (date(2025, 12, 31), date(2026, 1, 30), True),
        (date(2025, 3, 10), date(2025, 3, 9), False),  # a copy delivered later is no earlier copy
    ],
)
def test_a_copy_asked_for_within_the_window_is_a_further_copy(
    delivered: date, received: date, further: bool
) -> None:
    assert rules.is_further_copy(received, [delivered], window_days=30) is further


@pytest.mark.parametrize(
    ("kinds", "further", "configured", "applies"),
    [
        (["access"], True, True, True),
        (["access"], False, True, False),  # the first copy is free
        (["access"], True, False, False),
        (["access", "erasure"], True, True, False),  # never holds another right
        (["portability"], True, True, False),
        (["erasure"], True, True, False),
    ],
)
def test_the_fee_applies_only_to_a_further_access_copy(
    kinds: list[str], further: bool, configured: bool, applies: bool
) -> None:
    assert rules.fee_applies(kinds, further, configured) is applies


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    document = people()
    document["organisation"]["further_copy_fee"] = FEE
    return make_register(db, document).organisation_id


def _access(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, kinds: list[str] | None = None
) -> dsr.Request:
    return make_fulfilled_request(
        db, actor, keys, org, kinds=kinds or ["access"], email="copy@example.test", language="fr"
    )


def test_the_first_copy_is_free_and_a_second_waits_with_a_quote_in_the_persons_language(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID, actor: Actor
) -> None:
    make_person(db, keys, org, email="copy@example.test")
    first = _access(db, actor, keys, org)
    mail.deliver_due(db, keys, settings)

    second = _access(db, actor, keys, org)

    mail.deliver_due(db, keys, settings)
    quote = smtp.wait_for(3)[-1]
    assert first.status == "completed" and second.status == "awaiting_fee_decision"
    assert "5,00\xa0€" in quote.get_content() and "Printing and postage (fr)" in quote.get_content()
    assert second.due_on == rules.due_date(rules.received_date(second.received_at), clock.is_working_day)
    assert [e.action for e in audit.list_entries(db, action="dsr.fee_quoted")] == ["dsr.fee_quoted"]


def test_a_paid_fee_lets_the_copy_go_ahead(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    make_person(db, keys, org, email="copy@example.test")
    _access(db, actor, keys, org)
    second = _access(db, actor, keys, org)

    fees.decide(db, actor, keys, request_id=second.id, decision="paid", note="bank transfer 42")
    run_steps(db, actor, keys, second, base_url="https://x.test")

    assert second.status == "completed"
    assert fees.get_fee(db, request_id=second.id).decision == "paid"
    assert [e.entity_id for e in audit.list_entries(db, action="dsr.fee_paid")] == [str(second.id)]


@pytest.mark.parametrize(
    ("kinds", "days_later", "configured"),
    [
        (["access"], 31, True),  # outside the window
        (["access", "erasure"], 1, True),  # another right is never held
        (["access"], 1, False),  # no fee configured
    ],
)
def test_no_quote_outside_the_window_for_other_rights_or_without_a_fee(
    db: Session, keys: keystore.Keys, actor: Actor, kinds: list[str], days_later: int, configured: bool
) -> None:
    document = people()
    if configured:
        document["organisation"]["further_copy_fee"] = FEE
    org = make_register(db, document).organisation_id
    make_person(db, keys, org, email="copy@example.test")
    _access(db, actor, keys, org)

    with time_machine.travel(datetime.now(UTC) + timedelta(days=days_later)):
        later = _access(db, actor, keys, org, kinds)

    assert later.status == "completed"


def test_fee_decisions_need_the_rights_role_and_name_the_field(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    make_person(db, keys, org, email="copy@example.test")
    _access(db, actor, keys, org)
    second = _access(db, actor, keys, org)
    reader = bearer(make_api_key(db, org, ["dsr:read"]))
    writer = bearer(make_api_key(db, org, ["dsr:read", "dsr:write"]))

    forbidden = client.post(f"/api/dsr/{second.id}/fee", json={"decision": "waived"}, headers=reader)
    invalid = client.post(f"/api/dsr/{second.id}/fee", json={"decision": "later"}, headers=writer)
    quote = client.get(f"/api/dsr/{second.id}/fee", headers=reader)
    waived = client.post(f"/api/dsr/{second.id}/fee", json={"decision": "waived"}, headers=writer)
    again = client.post(f"/api/dsr/{second.id}/fee", json={"decision": "paid"}, headers=writer)

    assert forbidden.status_code == 403
    assert invalid.status_code == 422 and "decision" in invalid.text
    assert quote.json()["amount_cents"] == 500 and quote.json()["decision"] is None
    assert waived.status_code == 200 and waived.json()["status"] == "in_progress"
    assert again.status_code == 409 and again.json()["error"] == "transition_refused"


def test_the_fee_command_records_a_payment_and_exits_1_for_an_unknown_request(
    lawful: Lawful, fresh_url: str, tmp_path: Path, actor: Actor
) -> None:
    keys = keystore.open_keys(
        Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    )
    with db.open_session(fresh_url) as session:
        document = people()
        document["organisation"]["further_copy_fee"] = FEE
        org = make_register(session, document).organisation_id
        make_person(session, keys, org, email="copy@example.test")
        _access(session, actor, keys, org)
        reference = _access(session, actor, keys, org).reference
        session.commit()

    paid = lawful("dsr", "fee", reference, "paid", "--note", "cash")
    unknown = lawful("dsr", "fee", "R-NOPE", "paid")

    assert paid.exit_code == 0 and "in_progress" in paid.stdout
    assert unknown.exit_code == 1
