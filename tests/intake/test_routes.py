"""Public form API and pages, staff intake and imports over HTTP."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful.intake import AgeGateRefusal
from lawful.subjects import Subject
from tests.factories import bearer, make_api_key, make_notice, make_register
from tests.registers import people

CONTACT = {"name": "Anne", "email": "anne@example.test", "message": "Bonjour"}


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def _count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Subject)) or 0


def test_a_website_gets_the_form_with_its_notice_in_french(client: TestClient, org: uuid.UUID) -> None:
    form = client.get("/api/forms/contact?lang=fr").json()

    assert form["language"] == "fr"
    assert [(f["key"], f["required"]) for f in form["fields"]] == [
        ("name", True),
        ("email", True),
        ("phone", False),
        ("message", True),
    ]
    assert "Acme SRL" in form["notice"] and form["notice_url"].endswith("/privacy?lang=fr")
    assert form["marketing_consent"].startswith("Oui")


def test_a_json_submission_is_accepted_without_saying_who_is_known(
    client: TestClient, org: uuid.UUID, db: Session
) -> None:
    response = client.post("/api/forms/contact/submissions", json={"fields": CONTACT, "language": "fr"})

    assert (response.status_code, response.json()) == (201, {"status": "received"})
    assert _count(db) == 1


def test_an_undeclared_field_is_422_naming_it(client: TestClient, org: uuid.UUID, db: Session) -> None:
    response = client.post(
        "/api/forms/contact/submissions", json={"fields": CONTACT | {"birthdate": "2001-01-01"}}
    )

    assert response.status_code == 422
    assert response.json()["problems"] == [
        {
            "path": "fields.birthdate",
            "rule": "undeclared",
            "message": "This form does not collect this field.",
        }
    ]
    assert _count(db) == 0


def test_a_malformed_email_is_422_without_echoing_it(client: TestClient, org: uuid.UUID) -> None:
    response = client.post(
        "/api/forms/contact/submissions", json={"fields": CONTACT | {"email": "anne-at-home"}}
    )

    assert response.status_code == 422
    assert "anne-at-home" not in response.text


def test_an_unknown_form_is_404(client: TestClient, org: uuid.UUID) -> None:
    assert client.post("/api/forms/nope/submissions", json={"fields": CONTACT}).status_code == 404


def test_the_html_form_shows_an_unticked_separate_consent_box_and_the_notice(
    client: TestClient, org: uuid.UUID
) -> None:
    page = client.get("/forms/contact?lang=fr").text

    assert 'type="checkbox" name="marketing_consent" value="yes">' in page
    assert "checked" not in page
    assert 'data-element="just_in_time_notice"' in page and 'href="/privacy?lang=fr"' in page


def test_the_html_form_redirects_after_a_valid_post(client: TestClient, org: uuid.UUID, db: Session) -> None:
    response = client.post("/forms/contact", data=CONTACT | {"lang": "nl"}, follow_redirects=False)

    assert (response.status_code, response.headers["location"]) == (303, "/forms/contact/thanks?lang=nl")
    assert _count(db) == 1


def test_the_html_form_shows_field_errors_in_the_language(
    client: TestClient, org: uuid.UUID, db: Session
) -> None:
    response = client.post("/forms/contact", data={"name": "A", "lang": "fr", "email": ""})

    assert response.status_code == 422
    assert 'id="e-email"' in response.text and "Veuillez corriger" in response.text
    assert _count(db) == 0


def test_staff_record_data_received_by_phone_with_its_real_time(
    client: TestClient, org: uuid.UUID, db: Session
) -> None:
    token = make_api_key(db, org, ["subjects:write", "subjects:read"])
    body = {
        "subject_category": "prospect",
        "phone": "0470 12 34 56",
        "values": {"user.name": "Bo"},
        "collection": {
            "activity": "request_followup",
            "channel": "phone",
            "collected_at": "2026-03-02T09:15:00+01:00",
        },
    }

    response = client.post("/api/subjects", json=body, headers=bearer(token))

    assert response.status_code == 201 and response.json()["created"] is True


def test_staff_intake_with_a_category_outside_the_activity_is_422(
    client: TestClient, org: uuid.UUID, db: Session
) -> None:
    token = make_api_key(db, org, ["subjects:write"])
    body = {
        "subject_category": "prospect",
        "email": "x@example.test",
        "values": {"user.demographic.religious_belief": "x"},
        "collection": {"activity": "request_followup", "channel": "email"},
    }

    response = client.post("/api/subjects", json=body, headers=bearer(token))

    assert response.status_code == 422
    assert response.json()["problems"][0]["path"] == "values.user.demographic.religious_belief"


@pytest.mark.parametrize("field", ["register_number", "notice_number"])
def test_a_version_number_beyond_what_a_column_holds_is_422_naming_it(
    client: TestClient, org: uuid.UUID, db: Session, field: str
) -> None:
    token = make_api_key(db, org, ["subjects:write"])
    collection = {"activity": "request_followup", "channel": "email", field: 2**63}
    body = {"subject_category": "prospect", "email": "x@example.test", "collection": collection}

    response = client.post("/api/subjects", json=body, headers=bearer(token))

    assert response.status_code == 422
    assert [p["path"] for p in response.json()["problems"]] == [f"body.collection.{field}"]
    assert _count(db) == 0


def test_an_import_over_http_reports_counts(client: TestClient, org: uuid.UUID, db: Session) -> None:
    token = make_api_key(db, org, ["subjects:write"])

    response = client.post(
        "/api/imports?activity=request_followup&subject_category=prospect&source=partner&source_name=P",
        content="user.contact.email,user.name\nz@example.test,Z\n",
        headers=bearer(token) | {"Content-Type": "text/csv"},
    )

    assert response.status_code == 201 and response.json() == {"imported": 1, "created": 1, "suppressed": 0}


def test_an_update_link_carries_no_personal_data(client: TestClient, org: uuid.UUID, db: Session) -> None:
    token = make_api_key(db, org, ["subjects:write", "subjects:read"])
    client.post("/api/forms/contact/submissions", json={"fields": CONTACT})
    subject_id = db.scalars(select(Subject.id)).one()

    url = client.post(f"/api/subjects/{subject_id}/update-links", headers=bearer(token)).json()["url"]
    page = client.get(url.removeprefix("http://127.0.0.1:8000"))

    assert "anne" not in url.lower() and "@" not in url
    assert page.status_code == 200 and 'value="anne@example.test"' in page.text


def test_public_submissions_are_rate_limited(client: TestClient, org: uuid.UUID) -> None:
    statuses = [
        client.post("/api/forms/contact/submissions", json={"fields": {}}).status_code for _ in range(35)
    ]

    assert 429 in statuses


def test_an_under_age_refusal_over_the_json_api_keeps_its_count_and_nothing_else(
    client: TestClient, org: uuid.UUID, db: Session
) -> None:
    body = {"fields": {"email": "kid@example.test", "country": "BE", "born": "2013-06-02"}}

    response = client.post(
        "/api/forms/contest/submissions", json=body, headers={"X-Lawful-Now": "2026-06-01T10:00:00+00:00"}
    )

    assert (response.status_code, response.json()["error"]) == (422, "under_age")
    assert db.scalar(select(func.sum(AgeGateRefusal.count))) == 1
    assert db.scalar(select(func.count()).select_from(Subject)) == 0
