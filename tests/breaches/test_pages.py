"""The console's breach pages through the app: anyone on staff reports, the register shows every case,
bad input is refused by name with nothing written."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import keystore, staff
from lawful.breaches import Breach
from tests.breaches.conftest import Orgs
from tests.factories import log_in

NOW = "2026-05-02T10:00:00+02:00"
HEADERS = {"X-Lawful-Now": NOW}


def test_anyone_on_staff_reports_a_breach_and_is_told_its_reference(
    client: TestClient, db: Session, keys: keystore.Keys, orgs: Orgs
) -> None:
    log_in(client, db, keys, orgs.ours, staff.Role.SUPPORT, now=NOW)

    response = client.post(
        "/console/breaches",
        data={"summary": "I sent the customer list to the wrong address", "aware_at": "2026-05-02T09:30"},
        headers=HEADERS,
        follow_redirects=False,
    )
    page = client.get(response.headers["location"], headers=HEADERS)

    assert (response.status_code, response.headers["location"]) == (303, "/console/breaches/new?reported=B-1")
    assert 'data-reported="B-1"' in page.text
    stored = db.scalars(select(Breach)).one()
    assert stored.aware_at.isoformat() == "2026-05-02T07:30:00+00:00"  # the form's time is Brussels time


def test_a_report_without_an_awareness_time_is_refused_naming_the_field(
    client: TestClient, db: Session, keys: keystore.Keys, orgs: Orgs
) -> None:
    log_in(client, db, keys, orgs.ours, staff.Role.SUPPORT, now=NOW)

    response = client.post("/console/breaches", data={"summary": "laptop stolen"}, headers=HEADERS)

    assert response.status_code == 422
    assert "aware_at" in response.text
    assert db.scalar(select(func.count()).select_from(Breach)) == 0


def test_the_officer_sees_the_case_page_and_records_a_decision_there(
    client: TestClient, db: Session, keys: keystore.Keys, orgs: Orgs
) -> None:
    log_in(client, db, keys, orgs.ours, staff.Role.PRIVACY_OFFICER, now=NOW)
    opened = client.post(
        "/console/breaches",
        data={"title": "Phishing", "aware_at": "2026-05-02T08:00"},
        headers=HEADERS,
        follow_redirects=False,
    )

    decided = client.post(
        "/console/breaches/B-1/decisions",
        data={"audience": "authority", "notify": "true", "reasons": "mailboxes read by an attacker"},
        headers=HEADERS,
        follow_redirects=False,
    )
    page = client.get("/console/breaches/B-1", headers=HEADERS)
    register = client.get("/console/breaches", headers=HEADERS)

    assert (opened.headers["location"], decided.status_code) == ("/console/breaches/B-1", 303)
    assert 'data-decision="authority"' in page.text and "stopped: decision recorded" in page.text
    assert 'data-breach="B-1" data-status="notified"' in register.text
    links = ("/console/breaches/B-1/scope", "/console/breaches/B-1/dossier", "/console/breaches/B-1/letters")
    assert all(f'href="{link}"' in page.text for link in links)
    assert all(client.get(link, headers=HEADERS).status_code == 200 for link in links)


def test_a_console_decision_without_reasons_writes_nothing(
    client: TestClient, db: Session, keys: keystore.Keys, orgs: Orgs
) -> None:
    log_in(client, db, keys, orgs.ours, staff.Role.PRIVACY_OFFICER, now=NOW)
    client.post(
        "/console/breaches", data={"title": "Phishing", "aware_at": "2026-05-02T08:00"}, headers=HEADERS
    )

    response = client.post(
        "/console/breaches/B-1/decisions", data={"audience": "authority", "notify": "true"}, headers=HEADERS
    )

    assert response.status_code == 422 and "reasons" in response.text
    assert db.scalars(select(Breach)).one().status == "open"
