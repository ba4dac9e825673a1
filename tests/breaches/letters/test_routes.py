"""Letters through the API and the console, from outside: the decision and the scope made through the
API, the letters sent, their outcome and the PDF to post (R-97)."""

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import keystore, mail, staff
from tests.breaches.affected import AWARE, make_people
from tests.factories import bearer, log_in, make_api_key, pdf_text

NOW = {"X-Lawful-Now": "2026-03-04T12:00:00+01:00"}
WORDS = {"what_happened": "x happened", "consequences": "phishing", "measures": "revoked"}


def _decided(client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, **people: object) -> str:
    make_people(db, keys, org, 3, at=AWARE - timedelta(days=1), **people)  # type: ignore[arg-type]
    token = make_api_key(db, org, ["breaches:read", "breaches:write"])
    for path, body in (
        (
            "/api/breaches",
            {"title": "Export lost", "aware_at": AWARE.isoformat(), "nature": ["confidentiality"]},
        ),
        ("/api/breaches/B-1/scope", {"systems": ["lawful"]}),
        ("/api/breaches/B-1/assessment", {"risk": "high", "rationale": "names and addresses"}),
        ("/api/breaches/B-1/decisions", {"audience": "people", "notify": True, "reasons": "high risk"}),
    ):
        response = client.post(path, json=body, headers=bearer(token) | NOW)
        assert response.status_code in (200, 201), response.text
    return token


def test_the_letters_are_queued_as_service_mail_and_their_outcome_shown(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    token = _decided(client, db, keys, org)

    sent = client.post(
        "/api/breaches/B-1/letters",
        json={"texts": {"fr": WORDS, "nl": WORDS, "en": WORDS}},
        headers=bearer(token) | NOW,
    )
    shown = client.get("/api/breaches/B-1/letters", headers=bearer(token))

    assert (sent.status_code, sent.json()["queued"]) == (200, 3)
    assert shown.json()["email"] == {"pending": 3}
    kinds = db.execute(select(mail.OutboxMessage.kind, mail.OutboxMessage.category)).all()
    assert set(kinds) == {("breach_letter", "service")}


def test_a_missing_language_is_refused_by_name_and_nothing_is_queued(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    token = _decided(client, db, keys, org)

    response = client.post(
        "/api/breaches/B-1/letters", json={"texts": {"fr": WORDS}}, headers=bearer(token) | NOW
    )

    assert (response.status_code, [p["path"] for p in response.json()["problems"]]) == (
        422,
        ["texts.en", "texts.nl"],
    )
    assert db.scalar(select(func.count()).select_from(mail.OutboxMessage)) == 0


def test_the_console_sends_the_letters_and_prints_those_to_post(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    _decided(client, db, keys, org, email=False, phone=True)
    log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER, now="2026-03-04T12:00:00+01:00")
    form = {f"{lang}_{field}": text for lang in ("fr", "nl", "en") for field, text in WORDS.items()}

    posted = client.post("/console/breaches/B-1/letters", data=form, headers=NOW, follow_redirects=False)
    page = client.get("/console/breaches/B-1/letters", headers=NOW)
    pdf = client.get("/console/breaches/B-1/letters/printable.pdf", headers=NOW)

    assert (posted.status_code, posted.headers["location"]) == (303, "/console/breaches/B-1/letters")
    assert 'data-post="printable"' in page.text
    assert pdf.status_code == 200 and pdf_text(pdf.content).count("x happened") == 3


def test_the_scope_page_shows_the_numbers_to_a_reader_of_the_register(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    _decided(client, db, keys, org)
    log_in(client, db, keys, org, staff.Role.LEGAL, now="2026-03-04T12:00:00+01:00")

    page = client.get("/console/breaches/B-1/scope", headers=NOW)

    assert page.status_code == 200 and 'data-people="3"' in page.text and "Compute the scope" not in page.text


def test_the_console_computes_the_scope_from_its_form(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    make_people(db, keys, org, 2, at=AWARE - timedelta(days=1))
    token = make_api_key(db, org, ["breaches:read", "breaches:write"])
    opened = client.post(
        "/api/breaches", json={"title": "x", "aware_at": AWARE.isoformat()}, headers=bearer(token) | NOW
    )
    assert opened.status_code == 201
    log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER, now="2026-03-04T12:00:00+01:00")

    posted = client.post(
        "/console/breaches/B-1/scope", data={"systems": "lawful", "categories": "user.name"}, headers=NOW,
        follow_redirects=False,
    )  # fmt: skip
    refused = client.post("/console/breaches/B-1/scope", data={"datastores": "erp.Customer"}, headers=NOW)
    page = client.get("/console/breaches/B-1/scope", headers=NOW)

    assert posted.status_code == 303 and 'data-people="2"' in page.text
    assert refused.status_code == 422 and "datastores[0].key" in refused.text
