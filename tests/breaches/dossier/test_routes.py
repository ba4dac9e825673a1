"""The dossier through the API and the console, from outside: JSON, printable HTML and a PDF a reader can
read (R-96), the notification refused naming each item missing, nothing recorded then."""

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, keystore, staff
from tests.breaches.affected import export_to_hubspot, make_people
from tests.factories import bearer, log_in, make_api_key, pdf_text

AWARE = "2026-03-04T09:00:00+01:00"
NOW = {"X-Lawful-Now": "2026-03-04T12:00:00+01:00"}


def _scoped_case(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, **facts: object
) -> str:
    make_people(db, keys, org, 3, consented=True)
    upload = export_to_hubspot(db, keys, org)
    token = make_api_key(db, org, ["breaches:read", "breaches:write"])
    body = {"title": "Export lost", "aware_at": AWARE, "nature": ["confidentiality"]} | facts
    assert client.post("/api/breaches", json=body, headers=bearer(token) | NOW).status_code == 201
    scoped = client.post(
        "/api/breaches/B-1/scope", json={"exports": [str(upload.id)]}, headers=bearer(token) | NOW
    )
    assert scoped.status_code == 200, scoped.text
    return token


def _produced(db: Session) -> int:
    entry = audit.AuditEntry
    return int(db.scalar(select(func.count()).where(entry.action == "breach.dossier_produced")) or 0)


def test_the_draft_is_json_with_the_numbers_and_every_unknown_item_to_follow(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    token = _scoped_case(client, db, keys, org)

    response = client.get("/api/breaches/B-1/dossier", params={"lang": "nl"}, headers=bearer(token))

    assert response.status_code == 200
    body = response.json()
    assert (body["language"], body["approx_subjects"], body["consequences"]) == ("nl", 3, {"to_follow": True})
    assert body["authority"]["name"] == "Gegevensbeschermingsautoriteit"


def test_the_pdf_reads_as_the_french_notification_with_its_numbers(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    token = _scoped_case(client, db, keys, org)

    response = client.get(
        "/api/breaches/B-1/dossier", params={"lang": "fr", "format": "pdf"}, headers=bearer(token)
    )

    assert (response.status_code, response.headers["content-type"]) == (200, "application/pdf")
    text = pdf_text(response.content)
    assert "Notification d'une violation de données" in text and "Autorité de protection des données" in text
    assert "Nombre approximatif de personnes 3" in text and "à suivre" in text


def test_the_notification_without_consequences_is_refused_naming_them_and_nothing_is_recorded(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    token = _scoped_case(client, db, keys, org, measures_taken="Export links revoked.")

    refused = client.post("/api/breaches/B-1/dossier", json={"lang": "fr"}, headers=bearer(token) | NOW)
    accepted = client.post(
        "/api/breaches/B-1/dossier",
        json={"lang": "fr", "to_follow": ["consequences"]},
        headers=bearer(token) | NOW,
    )

    assert (refused.status_code, [p["path"] for p in refused.json()["problems"]]) == (422, ["consequences"])
    assert (accepted.status_code, accepted.json()["consequences"]) == (200, {"to_follow": True})
    assert _produced(db) == 1


def test_the_console_prints_the_dossier_for_staff_who_read_the_register(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    _scoped_case(client, db, keys, org)
    log_in(client, db, keys, org, staff.Role.LEGAL, now="2026-03-04T12:00:00+01:00")

    page = client.get("/console/breaches/B-1/dossier", params={"lang": "en"}, headers=NOW)
    pdf = client.get("/console/breaches/B-1/dossier.pdf", params={"lang": "en"}, headers=NOW)

    assert page.status_code == 200 and "data-approx-subjects>3<" in page.text
    assert pdf.status_code == 200 and "Data Protection Authority" in pdf_text(pdf.content)
