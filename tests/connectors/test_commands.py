"""`lawful connectors check` and `lawful connectors find`, run as the privacy officer would."""

import json
from pathlib import Path

import pytest

from tests.conftest import Lawful
from tests.connectors.conftest import EMAIL, Chinook
from tests.registers import as_yaml


@pytest.fixture
def register_file(chinook: Chinook, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("LAWFUL_DATASTORES__CHINOOK", chinook.url)
    return tmp_path / "register.yaml"


def _write(chinook: Chinook, path: Path) -> str:
    path.write_text(as_yaml(chinook.document), encoding="utf-8")
    return str(path)


def test_check_accepts_the_example_map_against_the_live_database(
    lawful: Lawful, chinook: Chinook, register_file: Path
) -> None:
    result = lawful("connectors", "check", "--register", _write(chinook, register_file), "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"ok": True, "datastores": ["chinook"], "problems": []}


def test_check_fails_naming_the_path_of_an_unknown_column(
    lawful: Lawful, chinook: Chinook, register_file: Path
) -> None:
    chinook.document["datastores"][0]["tables"][1]["columns"][0]["name"] = "InvoiceDay"

    result = lawful("connectors", "check", "--register", _write(chinook, register_file))

    assert result.exit_code == 1
    assert "datastores[0].tables[1].columns[0].name" in result.output


def test_find_previews_each_field_without_any_personal_value(
    lawful: Lawful, chinook: Chinook, register_file: Path
) -> None:
    result = lawful(
        "connectors", "find", "--register", _write(chinook, register_file), "--email", EMAIL, "--json"
    )

    assert result.exit_code == 0, result.output
    [preview] = json.loads(result.output)
    assert preview["found"] is True and len(preview["fields"]) == 21
    for value in (EMAIL, "Tremblay", "François", "Montréal", "1498 rue Bélanger"):
        assert value not in result.output


def test_find_states_until_when_and_why_for_every_kept_field_lines_inheriting_their_invoices_date(
    lawful: Lawful, chinook: Chinook, register_file: Path
) -> None:
    result = lawful(
        "connectors",
        "find",
        "--register",
        _write(chinook, register_file),
        "--email",
        "roberto.almeida@riotur.gov.br",
        "--json",
    )

    assert result.exit_code == 0, result.output
    [preview] = json.loads(result.output)
    kept = [f for f in preview["fields"] if f["action"] == "kept"]
    until = {f["table"]: f["until"] for f in kept}
    assert [f["column"] for f in kept if not (f["until"] and f["reason"])] == []
    assert until[chinook.name("InvoiceLine")] == until[chinook.name("Invoice")]
