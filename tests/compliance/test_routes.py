"""GET /api/compliance and the console page from outside: who may read them, and each organisation sees
only its own items (R-125, R-84)."""

import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import clock, keystore, staff
from lawful.actor import Actor
from tests.compliance import worlds
from tests.compliance.worlds import Made
from tests.factories import bearer, log_in, make_api_key, make_register

LATE = worlds.at(worlds.LATE).isoformat()
HEADERS = {"X-Lawful-Now": LATE}


@dataclass
class Orgs:
    ours: uuid.UUID
    theirs: uuid.UUID
    made: Made
    their_request: str
    reader: str
    their_reader: str
    auditor_key: str  # audit:read only


@pytest.fixture
def orgs(db: Session, actor: Actor, keys: keystore.Keys) -> Orgs:
    ours = make_register(db, worlds.late_register()).organisation_id
    document = worlds.clean_register()
    document["organisation"]["slug"] = "other"
    theirs = make_register(db, document).organisation_id
    made = worlds.everything_late(db, actor, keys, ours)
    with clock.pinned(worlds.at(worlds.T0)):
        their_request = worlds.request(db, actor, keys, theirs, Made()).reference
    return Orgs(
        ours=ours,
        theirs=theirs,
        made=made,
        their_request=their_request,
        reader=make_api_key(db, ours, ["compliance:read"]),
        their_reader=make_api_key(db, theirs, ["compliance:read"]),
        auditor_key=make_api_key(db, ours, ["audit:read"]),
    )


def test_a_key_with_compliance_read_gets_its_organisations_items_with_owner_and_fix(
    client: TestClient, orgs: Orgs
) -> None:
    response = client.get("/api/compliance", headers=bearer(orgs.reader) | HEADERS)

    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["overdue"] is True
    assert answer["counts"]["overdue"] == len([i for i in answer["items"] if i["severity"] == "overdue"])
    assert orgs.made.request is not None
    request = next(i for i in answer["items"] if i["concerns"] == f"requests/{orgs.made.request.reference}")
    assert (request["severity"], request["owner"], request["check"]) == (
        "overdue",
        "privacy_officer",
        "request",
    )
    assert request["fix"].startswith("Answer the request")
    assert orgs.their_request not in response.text
    assert all(email not in response.text for email in orgs.made.emails)


def test_another_organisations_key_sees_only_its_own_items(client: TestClient, orgs: Orgs) -> None:
    response = client.get("/api/compliance", headers=bearer(orgs.their_reader) | HEADERS)

    assert response.status_code == 200
    concerns = {i["concerns"] for i in response.json()["items"]}
    assert f"requests/{orgs.their_request}" in concerns
    assert orgs.made.request is not None and orgs.made.breach is not None
    assert f"requests/{orgs.made.request.reference}" not in concerns
    assert f"breaches/{orgs.made.breach.reference}" not in concerns
    assert "keystore/tombstones" not in concerns
    assert not any(c.startswith(("legal_holds/", "staff/", "recipients[2]")) for c in concerns)


def test_the_fixes_follow_accept_language(client: TestClient, orgs: Orgs) -> None:
    response = client.get(
        "/api/compliance", headers=bearer(orgs.reader) | HEADERS | {"Accept-Language": "nl"}
    )

    dpa = next(i for i in response.json()["items"] if i["check"] == "dpa")
    assert dpa["fix"].startswith("Sluit een verwerkersovereenkomst")


def test_a_key_without_compliance_read_is_refused_and_no_key_is_unauthorised(
    client: TestClient, orgs: Orgs
) -> None:
    assert client.get("/api/compliance", headers=bearer(orgs.auditor_key) | HEADERS).status_code == 403
    assert client.get("/api/compliance", headers=HEADERS).status_code == 401


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (staff.Role.PRIVACY_OFFICER, 200),
        (staff.Role.LEGAL, 200),
        (staff.Role.AUDITOR, 200),
        (staff.Role.SUPPORT, 403),
        (staff.Role.MARKETING, 403),
        (staff.Role.ADMIN, 403),
    ],
)
def test_the_console_page_per_role(
    client: TestClient, db: Session, keys: keystore.Keys, orgs: Orgs, role: staff.Role, status: int
) -> None:
    log_in(client, db, keys, orgs.ours, role, now=LATE)

    page = client.get("/console/compliance", headers=HEADERS)

    assert page.status_code == status
    if status == 200:
        assert orgs.made.request is not None
        assert f"requests/{orgs.made.request.reference}" in page.text
        assert "Sign a processing agreement" in page.text
        assert orgs.their_request not in page.text
        assert all(email not in page.text for email in orgs.made.emails)


@pytest.mark.parametrize(("role", "summary"), [(staff.Role.LEGAL, True), (staff.Role.SUPPORT, False)])
def test_the_console_home_summarises_the_check_for_those_who_may_read_it(
    client: TestClient, db: Session, keys: keystore.Keys, orgs: Orgs, role: staff.Role, summary: bool
) -> None:
    log_in(client, db, keys, orgs.ours, role, now=LATE)

    home = client.get("/console", headers=HEADERS)

    assert home.status_code == 200
    assert "Register of" in home.text
    assert ('href="/console/compliance"' in home.text) is summary
    assert ("overdue: request" in home.text or "overdue: breach" in home.text) is summary
    assert all(email not in home.text for email in orgs.made.emails)
