"""`lawful clients list|show`: the client controllers from the applied register, with exit codes."""

import json
from pathlib import Path

from tests.conftest import Lawful
from tests.registers import example


def test_list_shows_each_customer_with_its_dpa(lawful: Lawful, tmp_path: Path) -> None:
    lawful.apply_register(tmp_path, example("kresoft"))

    result = lawful("clients", "list", "--json")

    assert result.exit_code == 0, result.output
    [customer] = json.loads(result.stdout)
    assert (
        customer["key"],
        customer["dpa"]["reference"],
        customer["dpa"]["end_of_contract"]["return_format"],
    ) == (
        "dewitte_logistics",
        "KS-DPA-2025-014",
        "sql",
    )
    assert customer["activities"] == ["customer_system_management", "sample_database_testing"]


def test_show_prints_the_whole_dpa(lawful: Lawful, tmp_path: Path) -> None:
    lawful.apply_register(tmp_path, example("qualifio"))

    result = lawful("clients", "show", "acme_brands")

    assert result.exit_code == 0, result.output
    assert "DPA-ACME-2026-01" in result.stdout and "PT24H" in result.stdout


def test_show_of_an_unknown_client_fails_naming_it(lawful: Lawful, tmp_path: Path) -> None:
    lawful.apply_register(tmp_path, example("qualifio"))

    result = lawful("clients", "show", "globex")

    assert result.exit_code != 0
    assert "there is no client 'globex'" in result.output
