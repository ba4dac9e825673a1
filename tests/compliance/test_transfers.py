"""R-114, T-40: a recipient whose transfer mechanism passes its `valid_until` receives nothing from the next
hour on (a real HTTP server on loopback), appears in the check with a notice draft on record, and receives
again once a register version renews the mechanism. The day of: still valid; the day after: suspended."""

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, compliance, dsr, keystore, marketing, processing, staff
from lawful.actor import Actor
from lawful.audit.models import AuditEntry
from tests.conftest import Receiver
from tests.factories import bearer, log_in, make_api_key, make_notice, make_person, make_register, run_steps
from tests.registers import as_yaml, people

VALID_UNTIL = date(2026, 9, 30)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=clock.BRUSSELS)


def document(url: str, valid_until: date) -> dict[str, Any]:
    found = people()
    hubspot = next(r for r in found["recipients"] if r["key"] == "hubspot")
    hubspot["endpoint"] = url
    hubspot["transfer"]["valid_until"] = valid_until.isoformat()
    return found


@pytest.fixture
def org(db: Session, keys: keystore.Keys, receiver: Receiver) -> uuid.UUID:
    organisation_id = make_register(db, document(receiver.url, VALID_UNTIL)).organisation_id
    make_person(db, keys, organisation_id, email="buyer@example.test", category="customer",
                activity="customer_service", values={"user.name": "Bea"}, optout_offered=True)  # fmt: skip
    return organisation_id


def export(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID) -> marketing.ExportResult:
    return marketing.export(
        db, actor, keys, organisation_id=org, purpose="customer_offers", recipient="hubspot"
    )


def transfer_items(db: Session, keys: keystore.Keys, org: uuid.UUID) -> list[tuple[str, str]]:
    return [(str(i.severity), i.concerns) for i in compliance.check(db, keys, organisation_id=org)
            if i.check == compliance.Check.TRANSFER]  # fmt: skip


def test_exports_stop_the_hour_after_valid_until_passes_and_resume_on_renewal(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, receiver: Receiver
) -> None:
    with clock.pinned(at(VALID_UNTIL - timedelta(days=1), 23, 30)):  # the day before
        assert export(db, actor, keys, org).status == 204
    with clock.pinned(at(VALID_UNTIL, 23, 30)):  # the day of: still valid
        assert export(db, actor, keys, org).status == 204
        assert compliance.transfers.sweep(db, actor, organisation_id=org, now=clock.now()).suspended == []
    assert len(receiver.received) == 2

    next_hour = at(VALID_UNTIL + timedelta(days=1), 0, 30)
    with clock.pinned(next_hour):
        with pytest.raises(marketing.RecipientRefused, match="expired on 2026-09-30") as refused:
            export(db, actor, keys, org)
        assert refused.value.record is not None
        refused.value.record(db)  # the entry point writes the refusal in its own unit of work
        swept = compliance.transfers.sweep(db, actor, organisation_id=org, now=clock.now())
        items = transfer_items(db, keys, org)
    assert len(receiver.received) == 2  # nothing arrived
    assert swept.suspended == ["hubspot"]
    hubspot_path = f"recipients[{_index(db, org)}].transfer.valid_until"
    assert ("overdue", hubspot_path) in items
    [row] = compliance.transfers.current(db, organisation_id=org)
    assert (row.recipient, row.valid_until, row.lifted_at) == ("hubspot", VALID_UNTIL, None)
    assert "HubSpot Inc." in row.notice_draft and "[fr]" in row.notice_draft and "[nl]" in row.notice_draft
    actions = set(db.scalars(select(AuditEntry.action).where(AuditEntry.organisation_id == org)))
    assert {"marketing.export_refused", "compliance.transfer_suspended"} <= actions

    with clock.pinned(next_hour + timedelta(hours=1)):  # a second sweep records nothing new
        assert compliance.transfers.sweep(db, actor, organisation_id=org, now=clock.now()).suspended == []
        processing.apply(db, actor, text=as_yaml(document(receiver.url, date(2027, 9, 30))), source="renewal")
        assert export(db, actor, keys, org).status == 204
        swept = compliance.transfers.sweep(db, actor, organisation_id=org, now=clock.now())
        assert transfer_items(db, keys, org) == []
    assert swept.resumed == ["hubspot"]
    assert len(receiver.received) == 3
    assert compliance.transfers.current(db, organisation_id=org) == []
    assert audit.verify(db)[1] is None


def test_a_recipient_in_the_eea_or_still_valid_is_never_suspended(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    register = processing.current_register(db, organisation_id=org)[1]
    hubspot = next(r for r in register.recipients if r.key == "hubspot")
    assert processing.transfer_suspension(hubspot, VALID_UNTIL) is None
    assert processing.transfer_suspension(hubspot, VALID_UNTIL + timedelta(days=1)) is not None
    for recipient in register.recipients:
        if not processing.outside_eea(recipient):
            assert processing.transfer_suspension(recipient, date(2099, 1, 1)) is None


def _index(db: Session, org: uuid.UUID) -> int:
    register = processing.current_register(db, organisation_id=org)[1]
    return next(i for i, r in enumerate(register.recipients) if r.key == "hubspot")


def test_the_cli_run_records_the_suspension_and_the_api_lists_it_with_its_draft(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    with clock.pinned(at(VALID_UNTIL + timedelta(days=1), 0, 30)):
        compliance.transfers.sweep(db, actor, organisation_id=org, now=clock.now())
    other = make_register(db, document("http://127.0.0.1:9/x", VALID_UNTIL) | {
        "organisation": people()["organisation"] | {"slug": "other"}}).organisation_id  # fmt: skip
    assert compliance.transfers.current(db, organisation_id=other) == []
    assert [r.recipient for r in compliance.transfers.history(db, organisation_id=org)] == ["hubspot"]


def test_the_api_lists_the_suspension_for_its_organisation_only(
    client: TestClient, db: Session, actor: Actor, org: uuid.UUID
) -> None:
    with clock.pinned(at(VALID_UNTIL + timedelta(days=1), 0, 30)):
        compliance.transfers.sweep(db, actor, organisation_id=org, now=clock.now())
    other = make_register(db, document("http://127.0.0.1:9/x", VALID_UNTIL) | {
        "organisation": people()["organisation"] | {"slug": "other"}}).organisation_id  # fmt: skip
    ours, theirs = make_api_key(db, org, ["compliance:read"]), make_api_key(db, other, ["compliance:read"])

    answer = client.get("/api/compliance/transfers", headers=bearer(ours))
    elsewhere = client.get("/api/compliance/transfers?all=true", headers=bearer(theirs))

    assert answer.status_code == 200, answer.text
    [row] = answer.json()
    assert (row["recipient"], row["valid_until"], row["lifted_at"]) == ("hubspot", "2026-09-30", None)
    assert "expired on 2026-09-30" in row["reason"] and "HubSpot Inc." in row["notice_draft"]
    assert elsewhere.json() == []
    assert "buyer@example.test" not in answer.text


def test_an_art19_notice_waits_while_suspended_and_goes_out_on_the_retry_after_renewal(
    db: Session, actor: Actor, keys: keystore.Keys, receiver: Receiver
) -> None:
    organisation_id = make_register(db, document(receiver.url, VALID_UNTIL)).organisation_id
    make_notice(db, organisation_id)
    make_person(db, keys, organisation_id, email="old@example.test", activity="newsletter")
    with clock.pinned(at(VALID_UNTIL + timedelta(days=1), 0, 30)):
        request = dsr.open_request(
            db, actor, keys, organisation_id=organisation_id, kinds=["rectification"], email="old@example.test",
            language="en", channel="email", base_url="https://x.test", identity_verified=True,
            details={"values": {"user.contact.email": "new@example.test"}},
        )  # fmt: skip
        run_steps(db, actor, keys, request, base_url="https://x.test")
        [notice] = dsr.notices.of_request(db, request_id=request.id)
    assert receiver.received == []
    assert notice.status == "retrying"
    assert notice.last_error == "held back: transfer_suspended"

    with clock.pinned(at(VALID_UNTIL + timedelta(days=1), 1, 0)):
        processing.apply(db, actor, text=as_yaml(document(receiver.url, date(2027, 9, 30))), source="renewal")
        dsr.notices.retry(db, actor, keys, notice_id=notice.id)
    assert [p["event"] for p in receiver.received] == [["rectification"]]
    assert notice.status == "delivered"


def test_the_console_compliance_page_shows_the_suspension_with_its_draft(
    client: TestClient, db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    now = at(VALID_UNTIL + timedelta(days=1), 0, 30)
    with clock.pinned(now):
        compliance.transfers.sweep(db, actor, organisation_id=org, now=clock.now())
    log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER, now=now.isoformat())

    page = client.get("/console/compliance", headers={"X-Lawful-Now": now.isoformat()})

    assert page.status_code == 200
    assert "Lapsed transfers" in page.text and "<code>hubspot</code>" in page.text
    assert "Transfers to HubSpot Inc. (US) are suspended" in page.text
    assert "buyer@example.test" not in page.text
