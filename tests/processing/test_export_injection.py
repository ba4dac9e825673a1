"""The Art. 30 record's CSV and XLSX exports never carry a live formula (OWASP CSV injection)."""

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.conftest import Lawful
from tests.factories import bearer, make_api_key, make_register
from tests.registers import as_yaml, label, minimal

LINK = '=HYPERLINK("http://x","y")'


def _poisoned() -> dict[str, object]:
    document = minimal()
    document["organisation"]["legal_name"] = "@SUM(1)"
    document["activities"][0]["name"] = label(LINK)
    document["activities"][0]["purpose"] = {"en": "+1+1", "fr": "-2+3", "nl": "@x"}
    return document


@pytest.fixture
def token(db: Session) -> str:
    version = make_register(db, _poisoned())
    return make_api_key(db, version.organisation_id, ["register:read"])


def test_the_csv_record_quotes_every_formula_like_cell(client: TestClient, token: str) -> None:
    response = client.get("/api/register/export?format=csv&lang=en", headers=bearer(token))

    row = next(csv.DictReader(io.StringIO(response.text)))
    assert (row["name"], row["purpose"]) == ("'" + LINK, "'+1+1")
    assert row["activity"] == "customer_service"


def test_the_xlsx_record_has_no_formula_and_shows_the_text_as_written(client: TestClient, token: str) -> None:
    response = client.get("/api/register/export?format=xlsx&lang=en", headers=bearer(token))

    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert book["Activities"]["C2"].value == LINK and book["Activities"]["C2"].quotePrefix
    assert "@SUM(1)" in [c.value for c in book["Controller"]["B"]]


def test_the_cli_csv_export_quotes_formula_like_cells(lawful: Lawful, tmp_path: Path) -> None:
    register = tmp_path / "register.yaml"
    register.write_text(as_yaml(_poisoned()), encoding="utf-8")
    output = tmp_path / "art30.csv"
    assert lawful("register", "apply", str(register)).exit_code == 0

    result = lawful("register", "export", "--format", "csv", "--lang", "fr", "--output", str(output))

    row = next(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
    assert result.exit_code == 0
    assert (row["name"], row["purpose"]) == (f"'{LINK} (fr)", "'-2+3")
