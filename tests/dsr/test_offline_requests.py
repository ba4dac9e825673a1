"""Requests without email (R-43, R-47, R-49): registered by staff with a postal address or a phone number,
answered by printable letters in the person's language, identification asked by letter within 5 Belgian
working days, and closed with a letter when the person could not be identified."""

import json
import re
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, db, dsr, keystore, staff
from lawful.config import Settings
from tests.conftest import MASTER_KEY, Lawful
from tests.factories import bearer, log_in, make_api_key, make_notice, make_register, pdf_text
from tests.registers import people

# Thursday 24 December 2026: Christmas (Friday), the weekend and New Year's Day (Friday 1 January) follow
RECEIVED = "2026-12-24T10:30:00+01:00"
SEND_BY = "2027-01-04"  # 5 working days: 28, 29, 30, 31 December, 4 January
REPLY_NL = "11 januari 2027"  # 10 working days after the letter of 24 December
DUE_NL = "25 januari 2027"  # one month: Sunday 24 January rolls to Monday
ADDRESS = "Kerkstraat 12\n9000 Gent"


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def _register_by_phone(client: TestClient, token: str, **extra: object) -> dict[str, object]:
    response = client.post(
        "/api/dsr",
        json={
            "kinds": ["access"],
            "channel": "phone",
            "language": "nl",
            "received_at": RECEIVED,
            "name": "An Peeters",
            "postal_address": ADDRESS,
            "phone": "0470 12 34 56",
            **extra,
        },
        headers={**bearer(token), "X-Lawful-Now": RECEIVED},
    )
    assert response.status_code == 201, response.text
    found: dict[str, object] = response.json()
    return found


def test_a_phone_request_with_a_postal_address_gets_a_dutch_identification_letter_by_post(
    client: TestClient, db: Session, org: uuid.UUID, keys: keystore.Keys
) -> None:
    token = make_api_key(db, org, ["dsr:read", "dsr:write"])
    made = _register_by_phone(client, token)

    asked = client.post(
        f"/api/dsr/{made['id']}/identification",
        json={"doubt": "no email on file for this caller", "asked": "your customer number and postcode"},
        headers={**bearer(token), "X-Lawful-Now": RECEIVED},
    )
    letters = client.get(f"/api/dsr/{made['id']}/letters", headers=bearer(token)).json()
    page = client.get(f"/api/dsr/{made['id']}/letters/latest.html", headers=bearer(token))
    printed = client.get(f"/api/dsr/{made['id']}/letters/latest", headers=bearer(token))
    request = dsr.get(db, request_id=uuid.UUID(str(made["id"])))
    sealed = request.postal or b""
    entries = db.scalars(select(audit.AuditEntry).where(audit.AuditEntry.action == "dsr.letter_sent")).all()

    assert (
        made["status"] == "awaiting_identity"
        and made["channel"] == "phone"
        and made["due_on"] == "2027-01-25"
    )
    assert asked.status_code == 200 and request.details["identification_due_on"] == SEND_BY
    assert [(x["kind"], x["channel"]) for x in letters] == [("identification", "post")]
    assert [e.data for e in entries] == [
        {"letter": letters[0]["letter"], "kind": "identification", "channel": "post"}
    ]
    text = page.text
    assert "Acme SRL" in text and "Rue de Test 1" in text  # the company, from the register
    assert "An Peeters" in text and "Kerkstraat 12" in text and "9000 Gent" in text
    assert f"uiterlijk op {REPLY_NL}" in text and DUE_NL in text and "blijft lopen" in text
    assert "uw klantnummer" not in text and "your customer number and postcode" in text
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    assert request.contact is None and b"Kerkstraat" not in sealed and b"Peeters" not in sealed


def test_closing_as_unidentified_needs_the_identification_asked_first_then_writes_the_apd_letter(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["dsr:read", "dsr:write"])
    made = _register_by_phone(client, token)
    why = {"text": "the customer number given matches no one"}

    early = client.post(f"/api/dsr/{made['id']}/unidentified", json=why, headers=bearer(token))
    client.post(
        f"/api/dsr/{made['id']}/identification",
        json={"doubt": "no email on file", "asked": "your customer number"},
        headers={**bearer(token), "X-Lawful-Now": RECEIVED},
    )
    closed = client.post(f"/api/dsr/{made['id']}/unidentified", json=why, headers=bearer(token))
    page = client.get(f"/api/dsr/{made['id']}/letters/latest.html", headers=bearer(token))

    assert early.status_code == 409
    assert closed.status_code == 200 and closed.json()["status"] == "refused"
    assert closed.json()["outcome"]["closed"] == "unable_to_identify"
    text = page.text
    assert "matches no one" in text and "your customer number" in text  # why, and what would allow it
    assert "Gegevensbeschermingsautoriteit" in text and "Drukpersstraat 35" in text  # the APD block
    assert "rechtbank van eerste aanleg" in text  # the judicial remedy (Art. 79)


def test_a_request_without_email_address_or_phone_is_refused_naming_the_field(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["dsr:write"])
    base = {"kinds": ["access"], "channel": "post", "name": "An Peeters"}

    nothing = client.post("/api/dsr", json=base, headers=bearer(token))
    by_web = client.post(
        "/api/dsr", json={**base, "channel": "web_form", "postal_address": ADDRESS}, headers=bearer(token)
    )
    bad_phone = client.post("/api/dsr", json={**base, "phone": "12"}, headers=bearer(token))

    assert nothing.status_code == 422 and "email" in nothing.text
    assert by_web.status_code == 422 and "channel" in by_web.text
    assert bad_phone.status_code == 422 and "phone" in bad_phone.text
    assert ADDRESS.splitlines()[0] not in by_web.text


def test_the_cli_registers_a_postal_request_and_prints_its_letters(
    lawful: Lawful, fresh_url: str, tmp_path: Path
) -> None:
    with db.open_session(fresh_url) as session:
        make_register(session, people())
        session.commit()
    with clock.pinned(datetime.fromisoformat(RECEIVED)):
        added = lawful(
            "dsr", "add", "--types", "erasure", "--channel", "post", "--language", "fr",
            "--received", RECEIVED, "--name", "Jeanne Dupont", "--address", "Rue Haute 5|1000 Bruxelles",
            "--json",
        )  # fmt: skip
        reference = json.loads(added.stdout)["reference"]
        identify = lawful("dsr", "identify", reference, "--doubt", "no email", "--ask", "votre numéro client")
    out = tmp_path / "letter.pdf"
    printed = lawful("dsr", "letter", reference, "--out", str(out))
    listed = lawful("dsr", "letter", reference, "--out", str(out), "--list")
    closed = lawful("dsr", "unidentified", reference, "--why", "aucun client ne correspond")
    again = lawful("dsr", "letter", reference, "--out", str(tmp_path / "closing.pdf"))
    keys = keystore.open_keys(
        Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    )
    with db.open_session(fresh_url) as session:
        found = session.scalars(select(dsr.Request).where(dsr.Request.reference == reference)).one()
        html = dsr.letters.post.stored(session, keys, found)

    assert added.exit_code == 0 and json.loads(added.stdout)["due_on"] == "2027-01-25"
    assert identify.exit_code == 0 and f"due by {SEND_BY}" in identify.stdout
    assert printed.exit_code == 0 and out.read_bytes().startswith(b"%PDF")
    assert listed.exit_code == 0 and "identification" in listed.stdout and "post" in listed.stdout
    assert closed.exit_code == 0 and again.exit_code == 0
    first, closing = (html[name].decode() for name in sorted(html))
    assert "Jeanne Dupont" in first and "Rue Haute 5" in first and "11 janvier 2027" in first
    assert "Autorité de protection des données" in closing and "aucun client ne correspond" in closing


def test_the_console_registers_a_request_in_person_and_prints_its_letters(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    log_in(client, db, keys, org, staff.Role.SUPPORT, now=RECEIVED)
    now = {"X-Lawful-Now": RECEIVED}
    form = client.get("/console/requests/intake", headers=now)
    made = client.post(
        "/console/requests/intake",
        data={
            "kinds": ["erasure"],
            "channel": "in_person",
            "received_at": "2026-12-24T09:15",  # typed in Brussels time, no offset
            "language": "fr",
            "name": "Jeanne Dupont",
            "postal_address": "Rue Haute 5\n1000 Bruxelles",
        },
        headers=now,
        follow_redirects=False,
    )
    page_url = made.headers["location"]
    asked = client.post(
        f"{page_url}/identification", data={"doubt": "no email", "asked": "votre numéro client"}, headers=now
    )
    page = client.get(page_url, headers=now)
    letter = re.search(r'href="([^"]+/letters/letter-01-identification\.pdf)"', page.text)
    assert letter is not None
    printed = client.get(letter.group(1), headers=now)
    closed = client.post(f"{page_url}/unidentified", data={"why": "aucun client ne correspond"}, headers=now)
    request = dsr.get(db, request_id=uuid.UUID(page_url.rsplit("/", 1)[1]))

    assert form.status_code == 200 and made.status_code == 303
    assert request.channel == "in_person" and request.due_on.isoformat() == "2027-01-25"
    assert request.received_at == datetime.fromisoformat("2026-12-24T09:15:00+01:00")
    assert asked.status_code == 200 and "Due by 2027-01-04" in asked.text
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    assert closed.status_code == 200 and request.status == "refused"
    assert "Jeanne" not in page_url and "Rue Haute" not in page.text  # the address stays in the letters


def test_a_verified_request_without_email_is_carried_out_and_answered_by_letter(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["dsr:read", "dsr:write"])
    made = _register_by_phone(client, token, kinds=["access", "erasure"], identity_verified=True)

    ran = client.post(f"/api/dsr/{made['id']}/run", headers={**bearer(token), "X-Lawful-Now": RECEIVED})
    letters = client.get(f"/api/dsr/{made['id']}/letters", headers=bearer(token)).json()
    page = client.get(f"/api/dsr/{made['id']}/letters/latest.html", headers=bearer(token))
    objection = client.post(
        "/api/dsr",
        json={"kinds": ["objection"], "channel": "post", "name": "An Peeters", "postal_address": ADDRESS},
        headers=bearer(token),
    )

    assert ran.status_code == 200 and ran.json()["status"] == "completed"
    assert [(x["kind"], x["channel"]) for x in letters] == [("answer", "post")]
    assert "uw verzoek" in page.text and "Kerkstraat 12" in page.text  # the answer, in Dutch, by post
    printed = client.get(f"/api/dsr/{made['id']}/letters/latest", headers=bearer(token))
    text = pdf_text(printed.content)  # the answer itself is enclosed: no link for someone who wrote by post
    assert "als bijlage bij deze brief" in text and "/rights/" not in text and "http" not in text
    assert "Wissing van uw persoonsgegevens" in text  # the erasure letter, printed after the letter
    assert "persoonsgegevens" in text.split("Wissing")[0]  # and the access report before it
    assert objection.status_code == 422 and "email" in objection.text


def test_once_staff_confirm_the_identity_the_request_is_carried_out(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["dsr:read", "dsr:write"])
    made = _register_by_phone(client, token)
    empty = client.post(f"/api/dsr/{made['id']}/identity", json={"text": " "}, headers=bearer(token))

    confirmed = client.post(
        f"/api/dsr/{made['id']}/identity", json={"text": "customer number"}, headers=bearer(token)
    )
    ran = client.post(f"/api/dsr/{made['id']}/run", headers=bearer(token))
    again = client.post(f"/api/dsr/{made['id']}/identity", json={"text": "again"}, headers=bearer(token))

    assert empty.status_code == 422
    assert confirmed.status_code == 200 and confirmed.json()["identity_method"] == "customer number"
    assert ran.json()["status"] == "completed" and again.status_code == 422


@pytest.mark.parametrize(
    ("today", "reminded"),
    [("2027-01-01", False), ("2027-01-02", True), ("2027-01-04", True), ("2027-01-05", True)],
)
def test_staff_are_reminded_to_identify_a_request_from_two_days_before_the_last_day_to_ask(
    client: TestClient, db: Session, org: uuid.UUID, today: str, reminded: bool
) -> None:
    """R-47: asked within 5 working days of receipt (by 4 January 2027 for 24 December); the reminder
    starts two calendar days before and stays until someone identifies the person or asks for more."""
    token = make_api_key(db, org, ["dsr:read", "dsr:write"])
    made = _register_by_phone(client, token)

    due = dsr.cases.reminders_due(db, organisation_id=org, today=date.fromisoformat(today))

    assert [(r.reference, why) for r, why in due] == ([(made["reference"], "identify")] if reminded else [])


def test_the_identification_reminder_ends_once_staff_confirmed_the_identity(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["dsr:read", "dsr:write"])
    made = _register_by_phone(client, token)
    client.post(f"/api/dsr/{made['id']}/identity", json={"text": "customer number"}, headers=bearer(token))

    due = dsr.cases.reminders_due(db, organisation_id=org, today=date(2027, 1, 4))

    assert [why for _, why in due] == []
