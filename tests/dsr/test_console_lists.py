"""The console's request list shows closed requests too, filtered by state, right and due date, by pages."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import dsr, keystore, staff
from lawful.actor import Actor
from tests.factories import log_in, make_register
from tests.registers import people

NOW = datetime.now(UTC).isoformat()
HEADERS = {"X-Lawful-Now": NOW}
TODAY = datetime.now(UTC).date()
# reference → (state, rights, due in days): one request in each state a request can be in
STATES = {
    "R-RECEIVED": ("received", ["access"], 9),
    "R-IDENTITY": ("awaiting_identity", ["erasure"], 3),
    "R-MANDATE": ("awaiting_mandate", ["access"], 8),
    "R-FEE": ("awaiting_fee_decision", ["access"], 7),
    "R-WORKING": ("in_progress", ["rectification", "erasure"], 1),
    "R-EXTENDED": ("extended", ["access"], 40),
    "R-FORWARDED": ("forwarded", ["objection"], 5),
    "R-COMPLETED": ("completed", ["erasure"], -10),
    "R-REFUSED": ("refused", ["access"], -2),
    "R-CLOSED": ("completed", ["question"], -30),
}


def _request(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, reference: str) -> dsr.Request:
    status, kinds, days = STATES.get(reference, ("received", ["access"], 20))
    request = dsr.open_request(
        db,
        actor,
        keys,
        organisation_id=org,
        kinds=kinds,
        email=f"{reference.lower()}@example.test",
        language="en",
        channel="post",
        base_url="",
        identity_verified=True,
    )
    request.reference, request.status, request.due_on = reference, status, TODAY + timedelta(days=days)
    request.completed_at = datetime.now(UTC) if status == "completed" else None
    db.flush()
    return request


@pytest.fixture
def org(db: Session, keys: keystore.Keys, actor: Actor) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    for reference in STATES:
        _request(db, actor, keys, org, reference)
    return org


def _listed(client: TestClient, query: str = "") -> list[tuple[str, str]]:
    page = client.get(f"/console/requests{query}", headers=HEADERS)
    assert page.status_code == 200, page.text
    return re.findall(r'<tr data-request="([^"]+)" data-status="([^"]+)"', page.text)


def test_every_request_is_listed_open_ones_first_by_due_date_then_closed_ones(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    log_in(client, db, keys, org, staff.Role.SUPPORT, now=NOW)

    listed = _listed(client)

    assert listed == [
        ("R-WORKING", "in_progress"),
        ("R-IDENTITY", "awaiting_identity"),
        ("R-FORWARDED", "forwarded"),
        ("R-FEE", "awaiting_fee_decision"),
        ("R-MANDATE", "awaiting_mandate"),
        ("R-RECEIVED", "received"),
        ("R-EXTENDED", "extended"),
        ("R-REFUSED", "refused"),  # closed, most recently due first
        ("R-COMPLETED", "completed"),
        ("R-CLOSED", "completed"),
    ]


@pytest.mark.parametrize(
    ("query", "references"),
    [
        ("?state=closed", ["R-REFUSED", "R-COMPLETED", "R-CLOSED"]),
        ("?state=refused", ["R-REFUSED"]),
        ("?state=completed", ["R-COMPLETED", "R-CLOSED"]),
        ("?state=open&right=erasure", ["R-WORKING", "R-IDENTITY"]),
        ("?right=erasure", ["R-WORKING", "R-IDENTITY", "R-COMPLETED"]),
        ("?right=question", ["R-CLOSED"]),
        ("?state=awaiting_fee_decision", ["R-FEE"]),
    ],
)
def test_the_list_filters_by_state_and_right(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, query: str, references: list[str]
) -> None:
    log_in(client, db, keys, org, staff.Role.SUPPORT, now=NOW)

    assert [reference for reference, _ in _listed(client, query)] == references


def test_the_due_date_filter_includes_both_of_its_ends(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    log_in(client, db, keys, org, staff.Role.SUPPORT, now=NOW)
    start, end = TODAY + timedelta(days=3), TODAY + timedelta(days=7)  # R-IDENTITY and R-FEE, on the ends

    listed = _listed(client, f"?due_from={start}&due_to={end}")
    day_after_start = _listed(
        client, f"?due_from={start + timedelta(days=1)}&due_to={end - timedelta(days=1)}"
    )

    assert [r for r, _ in listed] == ["R-IDENTITY", "R-FORWARDED", "R-FEE"]
    assert [r for r, _ in day_after_start] == ["R-FORWARDED"]


def test_a_long_list_comes_in_pages_that_keep_the_filters(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    for number in range(55):
        _request(db, actor, keys, org, f"R-P{number:03d}")
    log_in(client, db, keys, org, staff.Role.SUPPORT, now=NOW)

    first = client.get("/console/requests?state=received", headers=HEADERS)
    second = _listed(client, "?state=received&page=2")

    assert first.text.count("<tr data-request=") == 50 and "page 1 of 2" in first.text
    assert 'href="/console/requests?state=received&amp;page=2"' in first.text
    assert len(second) == 6 and ("R-RECEIVED", "received") not in second  # 56 received, earliest due first
    assert _listed(client, "?state=received&page=9") == second  # past the end: the last page


@pytest.mark.parametrize("query", ["?state=lost", "?right=anything", "?due_from=yesterday", "?page=0"])
def test_a_filter_that_is_not_one_is_refused_naming_it(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, query: str
) -> None:
    log_in(client, db, keys, org, staff.Role.SUPPORT, now=NOW)

    answer = client.get(f"/console/requests{query}", headers=HEADERS)

    assert answer.status_code == 422
    assert query[1:].split("=")[0] in answer.text
