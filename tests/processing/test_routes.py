"""The register API: scopes, 4xx naming the field, the Art. 30 export in four formats."""

import csv
import io
import time

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from lawful import audit
from tests.factories import bearer, make_api_key, make_register
from tests.registers import as_yaml, laughs, minimal


@pytest.fixture
def token(db: Session) -> str:
    version = make_register(db)
    return make_api_key(db, version.organisation_id, ["register:read", "register:write"])


def test_the_schema_is_published(client: TestClient) -> None:
    response = client.get("/api/register/schema")

    assert response.status_code == 200
    assert "activities" in response.json()["properties"]


def test_calls_without_a_key_are_refused(client: TestClient) -> None:
    response = client.post("/api/register/check", json={"yaml": as_yaml(minimal())})

    assert response.status_code == 401


def test_a_key_without_the_scope_is_refused(client: TestClient, db: Session) -> None:
    version = make_register(db)
    reader = make_api_key(db, version.organisation_id, ["register:read"])

    response = client.post(
        "/api/register/versions", json={"yaml": as_yaml(minimal())}, headers=bearer(reader)
    )

    assert response.status_code == 403


def test_check_lists_problems_with_paths(client: TestClient, token: str) -> None:
    document = minimal()
    document["activities"][0]["legal_basis"] = "legitimate_interests"

    response = client.post("/api/register/check", json={"yaml": as_yaml(document)}, headers=bearer(token))

    assert response.status_code == 200
    assert response.json()["ok"] is False
    assert response.json()["problems"][0]["path"] == "activities[0].legitimate_interest"


def test_apply_of_an_invalid_register_is_422_with_problems_and_writes_nothing(
    client: TestClient, token: str, db: Session
) -> None:
    document = minimal()
    document["recipients"][0]["countries"] = ["US"]
    before = audit.count(db)

    response = client.post("/api/register/versions", json={"yaml": as_yaml(document)}, headers=bearer(token))

    assert response.status_code == 422
    assert response.json()["error"] == "register_invalid"
    assert response.json()["problems"][0]["path"] == "recipients[0].transfer"
    assert audit.count(db) == before


def test_apply_of_a_billion_laughs_register_is_422_within_a_second_and_writes_nothing(
    client: TestClient, token: str, db: Session
) -> None:
    before = audit.count(db)
    started = time.monotonic()

    response = client.post("/api/register/versions", json={"yaml": laughs(200_000)}, headers=bearer(token))

    assert time.monotonic() - started < 1
    assert response.status_code == 422
    assert [p["rule"] for p in response.json()["problems"]] == ["yaml_expansion"]
    assert audit.count(db) == before


def test_a_body_with_a_wrong_field_names_it(client: TestClient, token: str) -> None:
    response = client.post("/api/register/versions", json={"yml": "x"}, headers=bearer(token))

    assert response.status_code == 422
    assert {p["path"] for p in response.json()["problems"]} == {"body.yaml", "body.yml"}


def test_apply_creates_the_next_version(client: TestClient, token: str) -> None:
    document = minimal()
    document["organisation"]["website"] = "https://acme.example.test"

    response = client.post(
        "/api/register/versions", json={"yaml": as_yaml(document), "source": "git:1"}, headers=bearer(token)
    )

    assert response.status_code == 201
    assert response.json()["number"] == 2
    assert response.json()["changes"][0]["path"] == "organisation.website"


def test_a_key_cannot_apply_another_organisations_register(client: TestClient, token: str) -> None:
    document = minimal()
    document["organisation"]["slug"] = "someone-else"

    response = client.post("/api/register/versions", json={"yaml": as_yaml(document)}, headers=bearer(token))

    assert response.status_code == 403


def test_json_export_has_every_art30_field(client: TestClient, token: str) -> None:
    response = client.get("/api/register/export?format=json&lang=en", headers=bearer(token))

    record = response.json()
    activity = record["activities"][0]
    assert record["controller"]["legal_name"] == "Acme SRL"
    assert all(
        activity[key]
        for key in (
            "purpose",
            "subject_categories",
            "data_categories",
            "recipients",
            "retention",
            "security_measures",
            "legal_basis",
        )
    )


def test_csv_export_has_one_row_per_activity_and_subject_category(client: TestClient, token: str) -> None:
    response = client.get("/api/register/export?format=csv&lang=nl", headers=bearer(token))

    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert response.headers["content-type"].startswith("text/csv")
    assert [(r["activity"], r["subject_category"], r["legal_basis"]) for r in rows] == [
        ("customer_service", "Customers (nl)", "contract")
    ]


def test_html_export_is_a_readable_record(client: TestClient, token: str) -> None:
    response = client.get("/api/register/export?format=html", headers=bearer(token))

    assert "Record of processing activities" in response.text and "Acme SRL" in response.text


def test_xlsx_export_opens_as_a_workbook(client: TestClient, token: str) -> None:
    response = client.get("/api/register/export?format=xlsx", headers=bearer(token))

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Controller", "Activities"]
    assert book["Activities"]["B2"].value == "customer_service"


def test_an_unknown_export_format_is_422_naming_it(client: TestClient, token: str) -> None:
    response = client.get("/api/register/export?format=pdfx", headers=bearer(token))

    assert response.status_code == 422
    assert response.json()["problems"][0]["path"] == "query.format"


def test_versions_are_listed_newest_first(client: TestClient, token: str) -> None:
    response = client.get("/api/register/versions", headers=bearer(token))

    assert [v["number"] for v in response.json()] == [1]
