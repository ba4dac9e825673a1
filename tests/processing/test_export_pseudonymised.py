"""A pseudonymised activity stays personal data in the Art. 30 record, in every format (R-80, T-27)."""

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.conftest import Lawful
from tests.factories import bearer, make_api_key, make_register
from tests.registers import as_yaml, label, minimal


def _with_pseudonymised_statistics() -> dict[str, Any]:
    """The minimal register plus usage statistics kept under a token instead of the customer's name."""
    document = minimal()
    document["activities"].append(
        document["activities"][0]
        | {
            "key": "usage_statistics",
            "name": label("Usage statistics"),
            "purpose": label("Improving the service"),
            "data_use": "functional.service.improve",
            "legal_basis": "contract",
            "pseudonymised": True,
        }
    )
    return document


@pytest.fixture
def token(db: Session) -> str:
    version = make_register(db, _with_pseudonymised_statistics())
    return make_api_key(db, version.organisation_id, ["register:read"])


def test_the_json_record_lists_the_pseudonymised_activity_as_personal_data(
    client: TestClient, token: str
) -> None:
    response = client.get("/api/register/export?format=json&lang=en", headers=bearer(token))

    record = response.json()
    rows = {a["key"]: a for a in record["activities"]}
    assert response.status_code == 200
    assert (rows["usage_statistics"]["personal_data"], rows["usage_statistics"]["pseudonymised"]) == (
        True,
        True,
    )
    assert (rows["customer_service"]["personal_data"], rows["customer_service"]["pseudonymised"]) == (
        True,
        False,
    )
    assert rows["usage_statistics"]["data_categories"] == ["Name", "Email address"]
    assert "anonym" not in response.text.lower()


def test_the_csv_and_xlsx_records_say_personal_data_pseudonymised(client: TestClient, token: str) -> None:
    text = client.get("/api/register/export?format=csv&lang=en", headers=bearer(token)).text
    workbook = client.get("/api/register/export?format=xlsx&lang=en", headers=bearer(token)).content

    rows = {r["activity"]: r["personal_data"] for r in csv.DictReader(io.StringIO(text))}
    sheet = load_workbook(io.BytesIO(workbook))["Activities"]
    header = [c.value for c in sheet[1]]
    cells = {
        row[1]: row[header.index("personal_data")] for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert rows == {"customer_service": "yes", "usage_statistics": "yes, pseudonymised (Art. 4(5) GDPR)"}
    assert cells == rows


def test_the_html_record_marks_it_pseudonymised_personal_data(client: TestClient, token: str) -> None:
    response = client.get("/api/register/export?format=html&lang=en", headers=bearer(token))

    row = next(r for r in response.text.split("<tr>") if "usage_statistics" in r)
    assert "Personal data, pseudonymised (Art. 4(5) GDPR)" in row
    assert "anonym" not in response.text.lower()


def test_the_cli_export_file_lists_it_as_personal_data(lawful: Lawful, tmp_path: Path) -> None:
    register = tmp_path / "register.yaml"
    register.write_text(as_yaml(_with_pseudonymised_statistics()), encoding="utf-8")
    output = tmp_path / "art30.json"
    assert lawful("register", "apply", str(register)).exit_code == 0

    result = lawful("register", "export", "--format", "json", "--output", str(output))

    activities = json.loads(output.read_text(encoding="utf-8"))["activities"]
    assert result.exit_code == 0
    assert [(a["key"], a["personal_data"], a["pseudonymised"]) for a in activities] == [
        ("customer_service", True, False),
        ("usage_statistics", True, True),
    ]
