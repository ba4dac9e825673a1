"""R-114 "suspends or alerts (configurable)": a recipient whose transfer says `on_lapse: alert` keeps receiving
after its mechanism lapses (a real HTTP server on loopback), while the lapse is recorded as an alert with its
notice draft, stays overdue in the check and is shown as flows going on; switching the register to `suspend`
stops the flows the same hour."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import clock, compliance, keystore, marketing, processing, staff
from lawful.actor import Actor
from lawful.audit.models import AuditEntry
from tests.conftest import Receiver
from tests.factories import log_in, make_person, make_register
from tests.registers import as_yaml

from .test_transfers import VALID_UNTIL, at, document, export, transfer_items


def alerting(url: str, on_lapse: str = "alert") -> dict[str, Any]:
    found = document(url, VALID_UNTIL)
    next(r for r in found["recipients"] if r["key"] == "hubspot")["transfer"]["on_lapse"] = on_lapse
    return found


@pytest.fixture
def org(db: Session, keys: keystore.Keys, receiver: Receiver) -> uuid.UUID:
    organisation_id = make_register(db, alerting(receiver.url)).organisation_id
    make_person(db, keys, organisation_id, email="buyer@example.test", category="customer",
                activity="customer_service", values={"user.name": "Bea"}, optout_offered=True)  # fmt: skip
    return organisation_id


def test_alert_lets_the_flows_go_on_and_records_the_lapse_until_suspend_stops_them(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, receiver: Receiver
) -> None:
    with clock.pinned(at(VALID_UNTIL, 23, 30)):  # the day of: valid, nothing recorded
        assert compliance.transfers.sweep(db, actor, organisation_id=org, now=clock.now()).alerted == []
    day_after = at(VALID_UNTIL + timedelta(days=1), 0, 30)
    with clock.pinned(day_after):
        swept = compliance.transfers.sweep(db, actor, organisation_id=org, now=clock.now())
        assert export(db, actor, keys, org).status == 204
        items = transfer_items(db, keys, org)
    assert len(receiver.received) == 1  # it arrived
    assert (swept.alerted, swept.suspended) == (["hubspot"], [])
    assert [severity for severity, _ in items] == ["overdue"]
    [row] = compliance.transfers.current(db, organisation_id=org)
    assert (row.recipient, row.action, row.valid_until) == ("hubspot", "alert", VALID_UNTIL)
    assert "on_lapse: alert" in row.reason and "HubSpot Inc." in row.notice_draft
    actions = set(db.scalars(select(AuditEntry.action).where(AuditEntry.organisation_id == org)))
    assert "compliance.transfer_lapse_alerted" in actions and "compliance.transfer_suspended" not in actions

    with clock.pinned(day_after + timedelta(hours=1)):  # the officer decides to suspend after all
        processing.apply(db, actor, text=as_yaml(alerting(receiver.url, "suspend")), source="suspend")
        with pytest.raises(marketing.RecipientRefused, match="expired on 2026-09-30"):
            export(db, actor, keys, org)
        swept = compliance.transfers.sweep(db, actor, organisation_id=org, now=clock.now())
    assert (swept.suspended, swept.resumed) == (["hubspot"], [])  # nothing resumed: the flows stopped
    assert [r.action for r in compliance.transfers.current(db, organisation_id=org)] == ["suspend"]
    history = compliance.transfers.history(db, organisation_id=org)
    assert sorted((r.action, r.lifted_at is None) for r in history) == [("alert", False), ("suspend", True)]
    assert len(receiver.received) == 1


def test_the_console_shows_the_flows_going_on_under_an_alert(
    client: TestClient, db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID
) -> None:
    with clock.pinned(at(VALID_UNTIL + timedelta(days=1), 0, 30)):
        compliance.transfers.sweep(db, actor, organisation_id=org, now=clock.now())
    log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER, now="2026-10-01T10:00:00+02:00")

    page = client.get("/console/compliance", headers={"X-Lawful-Now": "2026-10-01T10:00:00+02:00"})

    assert page.status_code == 200 and "Lapsed transfers" in page.text
    assert 'data-action="alert">going on, alert (on_lapse: alert)' in page.text


def test_the_register_refuses_an_unknown_lapse_action(db: Session, actor: Actor, receiver: Receiver) -> None:
    with pytest.raises(processing.RegisterInvalid) as refused:
        processing.apply(db, actor, text=as_yaml(alerting(receiver.url, "ignore")), source="bad")
    assert any("on_lapse" in str(problem) for problem in refused.value.problems)
