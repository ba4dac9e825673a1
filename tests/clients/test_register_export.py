"""R-105: the Art. 30(2) record per client and for all clients, as JSON, CSV, HTML and XLSX (API, CLI, console)."""

import csv
import io
import json
import uuid
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, keystore, staff
from tests.clients.processor_world import processor_register
from tests.conftest import Lawful
from tests.factories import bearer, log_in, make_api_key, make_register
from tests.registers import example

NOW = "2026-03-02T10:00:00+00:00"


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, yaml.safe_load(example("qualifio"))).organisation_id


@pytest.fixture
def token(db: Session, org: uuid.UUID) -> str:
    return make_api_key(db, org, ["register:read"])


def test_json_names_the_processor_each_controller_categories_transfers_and_security(
    client: TestClient, token: str
) -> None:
    response = client.get("/api/clients/register?format=json", headers=bearer(token))

    assert response.status_code == 200
    data = response.json()
    assert data["processor"]["legal_name"].startswith("Qualifio")
    [acme] = data["clients"]
    assert (acme["name"], acme["contact_email"]) == ("Acme Brands SA", "privacy@acme-brands.example.test")
    [activity] = acme["activities"]
    assert activity["key"] == "client_campaigns"
    assert activity["categories_of_processing"] and activity["security_measures"]
    assert isinstance(activity["transfers"], list)
    assert [s["key"] for s in acme["sub_processors"]] == ["campaign_subprocessors"]


def test_one_client_is_exported_alone_and_an_unknown_one_is_404_naming_the_field(
    client: TestClient, token: str
) -> None:
    one = client.get("/api/clients/register?client=acme_brands", headers=bearer(token))
    unknown = client.get("/api/clients/register?client=globex", headers=bearer(token))
    malformed = client.get("/api/clients/register?client=Bad%20Key", headers=bearer(token))

    assert [c["key"] for c in one.json()["clients"]] == ["acme_brands"]
    assert 'filename="art30-2-qualifio-acme_brands-v1.json"' in one.headers["content-disposition"]
    assert unknown.status_code == 404 and "client" in unknown.json()["detail"]
    assert malformed.status_code == 422 and "client" in malformed.text


def test_csv_has_one_row_per_client_activity(client: TestClient, token: str) -> None:
    response = client.get("/api/clients/register?format=csv", headers=bearer(token))

    [row] = list(csv.DictReader(io.StringIO(response.text)))
    assert (row["client"], row["client_name"], row["client_contact"], row["activity"]) == (
        "acme_brands",
        "Acme Brands SA",
        "privacy@acme-brands.example.test",
        "client_campaigns",
    )
    assert row["transfers"] and row["security_measures"]


def test_xlsx_opens_as_a_workbook_with_processor_clients_and_log(client: TestClient, token: str) -> None:
    response = client.get("/api/clients/register?format=xlsx", headers=bearer(token))

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Processor", "Clients", "Processing log"]
    header = [c.value for c in book["Clients"][1]]
    second = {h: c.value for h, c in zip(header, book["Clients"][2], strict=True)}
    assert (second["client_name"], second["activity"]) == ("Acme Brands SA", "client_campaigns")


def test_html_names_the_controller_and_its_contact(client: TestClient, token: str) -> None:
    response = client.get("/api/clients/register?format=html", headers=bearer(token))

    assert response.headers["content-type"].startswith("text/html")
    assert "Acme Brands SA" in response.text and "privacy@acme-brands.example.test" in response.text
    assert "Art. 30(2)" in response.text


def test_the_export_is_audited(client: TestClient, db: Session, token: str) -> None:
    client.get("/api/clients/register?client=acme_brands", headers=bearer(token))

    entry = db.scalars(
        select(audit.AuditEntry).where(audit.AuditEntry.action == "clients.register_exported")
    ).one()
    assert (entry.entity_id, entry.data["clients"]) == ("acme_brands", ["acme_brands"])


def test_another_organisations_key_sees_none_of_these_clients(
    client: TestClient, db: Session, token: str
) -> None:
    other = make_register(db, yaml.safe_load(example("kresoft"))).organisation_id
    theirs = make_api_key(db, other, ["register:read"])

    response = client.get("/api/clients/register?client=acme_brands", headers=bearer(theirs))

    assert response.status_code == 404


def test_the_console_links_the_record_and_serves_it(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER, now=NOW)

    home = client.get("/console", headers={"X-Lawful-Now": NOW})
    record = client.get("/console/clients/register?format=html", headers={"X-Lawful-Now": NOW})

    assert "/console/clients/register?format=xlsx" in home.text
    assert record.status_code == 200 and "Acme Brands SA" in record.text


def test_the_console_lists_the_clients_with_their_sub_processor_changes(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    log_in(client, db, keys, org, staff.Role.PRIVACY_OFFICER, now=NOW)

    page = client.get("/console/clients", headers={"X-Lawful-Now": NOW})

    assert page.status_code == 200
    assert (
        "Acme Brands SA" in page.text and "DPA-ACME-2026-01" in page.text and "30 days to object" in page.text
    )
    assert 'href="/console/clients"' in page.text


def test_the_cli_writes_the_xlsx_file(lawful: Lawful, tmp_path: Path) -> None:
    lawful.apply_register(tmp_path, example("qualifio"))
    target = tmp_path / "art30-2.xlsx"

    result = lawful("clients", "register", "--format", "xlsx", "--client", "acme_brands", "-o", str(target))

    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    assert book["Clients"]["B2"].value == "Acme Brands SA"


def test_the_cli_prints_json_and_fails_naming_an_unknown_client(lawful: Lawful, tmp_path: Path) -> None:
    lawful.apply_register(tmp_path, example("qualifio"))

    printed = lawful("clients", "register")
    unknown = lawful("clients", "register", "--client", "globex")

    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout)["clients"][0]["key"] == "acme_brands"
    assert unknown.exit_code != 0 and "globex" in unknown.output


def test_a_transfer_outside_the_eea_is_recorded_with_its_mechanism(client: TestClient, db: Session) -> None:
    document = processor_register(endpoint="https://print.example.test/in", webhook=None)
    document["organisation"]["slug"] = "qualifio-us"
    house = next(r for r in document["recipients"] if r["key"] == "print_house")
    house["countries"] = ["US"]
    house["transfer"] = {"mechanism": "scc", "reference": "SCC 2021/914 module 3", "tia_ref": "TIA-7"}
    document["clients"][0]["dpa"]["locations"] = ["BE", "US"]
    next(a for a in document["activities"] if a["key"] == "client_campaigns")["recipients"].append(
        "print_house"
    )
    theirs = make_api_key(db, make_register(db, document).organisation_id, ["register:read"])

    data = client.get("/api/clients/register", headers=bearer(theirs)).json()
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/api/clients/register?format=csv", headers=bearer(theirs)).text)
        )
    )

    campaigns = next(a for a in data["clients"][0]["activities"] if a["key"] == "client_campaigns")
    assert campaigns["transfers"] == [
        {
            "recipient": "Imprimerie Exemple SRL",
            "countries": ["US"],
            "mechanism": "scc",
            "reference": "SCC 2021/914 module 3",
        }
    ]
    assert "Imprimerie Exemple SRL: US scc (SCC 2021/914 module 3)" in {r["transfers"] for r in rows}
