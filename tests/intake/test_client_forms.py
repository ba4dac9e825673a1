"""A form run for a client brand (R-101, R-106, T-29): the page names the brand as controller, the entry
lives in the brand's own space, and the gate refuses every own purpose on it."""

import uuid
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful.consent import ConsentEvent
from lawful.subjects import Subject
from tests.factories import bearer, make_api_key, make_notice, make_register
from tests.registers import example

BRAND = "Acme Brands SA"
POLICY = "https://acme-brands.example.test/privacy"
ENTRY = {"first_name": "Anne", "email": "anne@example.test", "answer": "Blue"}
QUALIFIO: dict[str, Any] = yaml.safe_load(example("qualifio"))
OWN_PURPOSES = [a["key"] for a in QUALIFIO["activities"] if a.get("role", "controller") == "controller"]


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, QUALIFIO).organisation_id
    make_notice(db, org)
    return org


def _people(db: Session) -> list[tuple[str, str | None]]:
    db.expire_all()
    return sorted((s.role, s.client) for s in db.scalars(select(Subject)))


def _enter(client: TestClient, form: str, fields: dict[str, str]) -> None:
    response = client.post(f"/api/forms/{form}/submissions", json={"fields": fields, "language": "en"})
    assert response.status_code == 201, response.text


def _brand_person(db: Session) -> uuid.UUID:
    db.expire_all()
    found: uuid.UUID = db.scalars(select(Subject.id).where(Subject.client == "acme_brands")).one()
    return found


def _decide(client: TestClient, token: str, subject_id: uuid.UUID, purpose: str) -> dict[str, Any]:
    response = client.post(
        "/api/decisions",
        json={"subject": {"subject_id": str(subject_id)}, "purpose": purpose},
        headers=bearer(token),
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_the_contest_page_names_the_brand_as_controller_and_links_its_policy(
    client: TestClient, org: uuid.UUID
) -> None:
    page = client.get("/forms/acme_contest?lang=fr")

    assert page.status_code == 200
    assert f'data-controller="{BRAND}"' in page.text
    assert f'<a href="{POLICY}" rel="noopener">Politique de confidentialité de {BRAND}</a>' in page.text


def test_the_form_api_gives_the_brand_as_controller_and_its_policy_as_the_notice(
    client: TestClient, org: uuid.UUID
) -> None:
    form = client.get("/api/forms/acme_contest?lang=en").json()

    assert (form["controller"], form["notice_url"]) == (BRAND, POLICY)
    assert form["notice"].startswith(f"{BRAND} is the controller")


def test_an_own_form_still_names_the_company(client: TestClient, org: uuid.UUID) -> None:
    form = client.get("/api/forms/contact?lang=en").json()

    assert form["controller"] is None and form["notice_url"].endswith("/privacy?lang=en")


def test_an_entry_goes_to_the_brands_space_never_merged_with_the_companys_own_contact(
    client: TestClient, org: uuid.UUID, db: Session
) -> None:
    _enter(client, "contact", {"name": "Anne", "email": "anne@example.test", "message": "Hello"})

    _enter(client, "acme_contest", ENTRY)
    _enter(client, "acme_contest", ENTRY | {"email": "ANNE@example.test", "answer": "Red"})

    assert _people(db) == [("controller", None), ("processor", "acme_brands")]


@pytest.mark.parametrize("purpose", OWN_PURPOSES)
def test_every_own_purpose_on_the_brands_participant_is_refused(
    client: TestClient, org: uuid.UUID, db: Session, purpose: str
) -> None:
    _enter(client, "acme_contest", ENTRY)
    token = make_api_key(db, org, ["decisions:ask", "subjects:read"])

    answer = _decide(client, token, _brand_person(db), purpose)

    assert answer["decision"] == "deny"
    assert "other_controllers_data" in answer["reasons"]


def test_the_brands_own_campaign_may_use_its_participant(
    client: TestClient, org: uuid.UUID, db: Session
) -> None:
    _enter(client, "acme_contest", ENTRY)
    token = make_api_key(db, org, ["decisions:ask", "subjects:read"])

    answer = _decide(client, token, _brand_person(db), "client_campaigns")

    assert (answer["decision"], answer["basis"]) == ("allow", "client_instruction")


def test_the_companys_own_newsletter_asked_by_email_never_reaches_the_brands_participant(
    client: TestClient, org: uuid.UUID, db: Session
) -> None:
    _enter(client, "acme_contest", ENTRY)
    token = make_api_key(db, org, ["decisions:ask", "subjects:read"])

    response = client.post(
        "/api/decisions",
        json={"subject": {"email": ENTRY["email"]}, "purpose": "newsletter"},
        headers=bearer(token),
    )

    assert (response.json()["decision"], response.json()["reasons"]) == ("deny", ["unknown_subject"])


def _with_brand_newsletter() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(example("qualifio"))
    campaigns = next(a for a in document["activities"] if a["key"] == "client_campaigns")
    newsletter = campaigns | {
        "key": "acme_newsletter",
        "data_use": "marketing.communications.email",
        "legal_basis": "consent",  # the brand's basis, stated in its DPA
        "data_categories": ["user.name", "user.contact.email"],
        "recipients": [],
    }
    document["activities"].append(newsletter)
    form = next(f for f in document["forms"] if f["key"] == "acme_contest")
    form["marketing_consent"] = "acme_newsletter"
    return document


def test_a_consent_given_on_the_brands_page_is_recorded_for_the_brand(
    client: TestClient, db: Session
) -> None:
    org = make_register(db, _with_brand_newsletter()).organisation_id
    make_notice(db, org)
    token = make_api_key(db, org, ["decisions:ask", "subjects:read"])

    response = client.post(
        "/api/forms/acme_contest/submissions",
        json={"fields": ENTRY, "language": "en", "marketing_consent": True},
    )

    assert response.status_code == 201, response.text
    db.expire_all()
    events = db.execute(select(ConsentEvent.purpose, ConsentEvent.controller)).all()
    assert [tuple(e) for e in events] == [("acme_newsletter", "acme_brands")]
    assert _decide(client, token, _brand_person(db), "acme_newsletter")["decision"] == "allow"
    assert "other_controllers_data" in _decide(client, token, _brand_person(db), "newsletter")["reasons"]
