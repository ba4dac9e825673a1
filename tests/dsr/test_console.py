"""The console page of one request: what it is, its steps, and the decisions staff take on it (R-45, R-48, R-67)."""

import uuid
from datetime import UTC, datetime

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import audit, dsr, keystore, staff
from lawful.actor import Actor
from lawful.dsr import fees
from tests.conftest import Receiver
from tests.factories import PASSWORD, make_fulfilled_request, make_person, make_register, make_staff
from tests.registers import label, people

FEE = {"amount": "5.00", "currency": "EUR", "window_days": 30, "reason": label("Printing and postage")}
GROUNDS = "Fraud prevention on this account outweighs the situation described."


@pytest.fixture
def org(db: Session, receiver: Receiver) -> uuid.UUID:
    document = people()
    document["organisation"]["further_copy_fee"] = FEE
    next(r for r in document["recipients"] if r["key"] == "hubspot")["endpoint"] = receiver.url
    return make_register(db, document).organisation_id


def _headers() -> dict[str, str]:
    return {"X-Lawful-Now": datetime.now(UTC).isoformat()}


def _log_in(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, role: staff.Role
) -> staff.StaffUser:
    created = make_staff(db, keys, org, [role], display_name=f"Ann {role}")
    code = pyotp.TOTP(created.totp_secret).now()
    client.post(
        "/console/login",
        data={"email": created.user.email, "password": PASSWORD, "code": code},
        headers=_headers(),
    )
    return created.user


def _request(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, kinds: list[str], **details: str
) -> dsr.Request:
    email = f"c-{uuid.uuid4().hex[:6]}@example.test"
    make_person(db, keys, org, email=email, category="customer", activity="customer_offers")
    return make_fulfilled_request(
        db, actor, keys, org, kinds=kinds, email=email, base_url="", details=dict(details)
    )


def _held_for_fee(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID) -> dsr.Request:
    first = _request(db, actor, keys, org, ["access"])
    return dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=["access"],
        email=dsr.contact(keys, first),
        language="en",
        channel="email",
        base_url="",
        identity_verified=True,
    )


def _post(client: TestClient, url: str, data: dict[str, str], origin: str = "http://testserver") -> int:
    sent = client.post(url, data=data, headers={**_headers(), "Origin": origin}, follow_redirects=False)
    return sent.status_code


def test_the_queue_links_to_a_page_with_status_due_date_steps_and_owner(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    user = _log_in(client, db, keys, org, staff.Role.SUPPORT)
    request = _request(db, actor, keys, org, ["question"])
    dsr.cases.assign(db, actor, request_id=request.id, staff_id=user.id)

    queue = client.get("/console/requests", headers=_headers())
    page = client.get(f"/console/requests/{request.id}", headers=_headers())

    assert f'href="/console/requests/{request.id}"' in queue.text
    assert page.status_code == 200 and 'data-status="in_progress"' in page.text
    assert str(request.due_on) in page.text and "Ann support" in page.text
    assert '<tr data-step="acknowledge"><td>acknowledge</td><td>done</td><td>1</td>' in page.text
    assert dsr.contact(keys, request) not in page.text  # the address is not needed to handle it


def test_another_organisations_request_is_not_found(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    document = people()
    document["organisation"]["slug"] = "another-shop"
    other = make_register(db, document).organisation_id
    request = _request(db, actor, keys, other, ["question"])
    _log_in(client, db, keys, org, staff.Role.SUPPORT)

    page = client.get(f"/console/requests/{request.id}", headers=_headers())

    assert page.status_code == 404


def test_the_fee_buttons_close_a_declined_request_and_refuse_another_site(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    held = _held_for_fee(db, actor, keys, org)
    _log_in(client, db, keys, org, staff.Role.SUPPORT)
    url = f"/console/requests/{held.id}/fee"
    page = client.get(f"/console/requests/{held.id}", headers=_headers())

    cross = _post(client, url, {"decision": "declined"}, origin="https://evil.example.test")
    declined = _post(client, url, {"decision": "declined", "note": "phoned"})

    assert 'value="declined"' in page.text and "5.00 EUR" in page.text
    assert cross == 403 and declined == 303
    assert held.status == "completed" and fees.get_fee(db, request_id=held.id).note == "phoned"
    entry = audit.latest(db, entity=held)
    assert entry is not None and entry.action == "dsr.fee_declined"


def test_only_the_privacy_officer_sees_and_records_an_objection_decision(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    request = _request(
        db, actor, keys, org, ["objection"], scope="legitimate_interest", activity="customer_offers"
    )
    url = f"/console/requests/{request.id}/objection"
    _log_in(client, db, keys, org, staff.Role.SUPPORT)
    support_page = client.get(f"/console/requests/{request.id}", headers=_headers())
    by_support = _post(client, url, {"outcome": "upheld"})
    _log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER)
    officer_page = client.get(f"/console/requests/{request.id}", headers=_headers())

    no_grounds = _post(client, url, {"outcome": "rejected"})
    rejected = _post(client, url, {"outcome": "rejected", "grounds": GROUNDS})

    assert 'action="' + url not in support_page.text and 'action="' + url in officer_page.text
    assert by_support == 403 and no_grounds == 422 and rejected == 303
    assert request.outcome["objection_decision"]["outcome"] == "rejected"
    assert [e.action for e in audit.list_entries(db, action="dsr.objection_rejected")] == [
        "dsr.objection_rejected"
    ]


def test_the_extension_form_needs_a_reason_and_the_refusal_the_privacy_officer(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    request = _request(db, actor, keys, org, ["question"])
    _log_in(client, db, keys, org, staff.Role.SUPPORT)
    base = f"/console/requests/{request.id}"

    no_reason = _post(client, f"{base}/extension", {"months": "1"})
    refused = _post(client, f"{base}/refusal", {"justification": "x" * 30})
    extended = _post(client, f"{base}/extension", {"months": "1", "reason": "many requests this month"})

    assert no_reason == 422 and refused == 403 and extended == 303
    assert request.status == "extended" and request.extension_months == 1
    entry = audit.latest(db, entity=request)
    assert entry is not None and entry.action == "dsr.extended"
