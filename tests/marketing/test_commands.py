"""`lawful marketing audience|phone …` end to end on a database of their own."""

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Lawful, Receiver
from tests.marketing.documents import phoning, social
from tests.registers import as_yaml


def _apply(lawful: Lawful, tmp_path: Path, document: dict[str, Any]) -> None:
    path = tmp_path / "register.yaml"
    path.write_text(as_yaml(document), encoding="utf-8")
    assert lawful("register", "apply", str(path)).exit_code == 0


def _add(lawful: Lawful, number: str) -> None:
    result = lawful(
        "subjects",
        "add",
        "--activity",
        "request_followup",
        "--category",
        "prospect",
        "--channel",
        "phone",
        "--email",
        f"p{number[-2:]}@example.test",
        "--value",
        f"user.contact.phone_number={number}",
    )
    assert result.exit_code == 0, result.output


@pytest.fixture
def phoner(lawful: Lawful, tmp_path: Path) -> Lawful:
    _apply(lawful, tmp_path, phoning())
    _add(lawful, "+32470000001")
    _add(lawful, "+32470000002")
    return lawful


def test_import_dncm_then_call_list_screens_the_registered_number(phoner: Lawful, tmp_path: Path) -> None:
    register = tmp_path / "dncm.csv"
    register.write_text("numero;date\n0470000001;2026-12-01\n", encoding="latin-1")
    calls = tmp_path / "calls.csv"

    imported = phoner("marketing", "phone", "import-dncm", str(register))
    listed = phoner(
        "marketing", "phone", "call-list", "--purpose", "phone_prospecting", "--output", str(calls)
    )

    assert imported.exit_code == 0 and "1 numbers imported" in imported.stdout
    assert listed.exit_code == 0 and "do_not_call_me 1" in listed.stdout
    assert calls.read_text(encoding="utf-8").splitlines()[1].startswith("+32470000002,")


def test_call_list_as_json_names_the_basis_of_each_call(phoner: Lawful, tmp_path: Path) -> None:
    register = tmp_path / "dncm.txt"
    register.write_text("+32470000009\n", encoding="utf-8")
    phoner("marketing", "phone", "import-dncm", str(register))

    result = phoner("marketing", "phone", "call-list", "--purpose", "phone_prospecting", "--json")

    data = json.loads(result.stdout)
    assert result.exit_code == 0
    assert {c["basis"] for c in data["calls"]} == {"legitimate_interests"} and len(data["calls"]) == 2


def test_a_malformed_register_file_exits_1_naming_the_row_and_imports_nothing(
    phoner: Lawful, tmp_path: Path
) -> None:
    register = tmp_path / "dncm.txt"
    register.write_text("+32470000001\n+32470000002\n+3247\n", encoding="utf-8")

    result = phoner("marketing", "phone", "import-dncm", str(register))
    after = phoner("marketing", "phone", "call-list", "--purpose", "phone_prospecting")

    assert result.exit_code == 1 and "row 3" in result.output
    assert after.exit_code == 1 and "dncm_missing" in after.output


def test_an_unknown_purpose_exits_1_naming_it(phoner: Lawful, tmp_path: Path) -> None:
    register = tmp_path / "dncm.txt"
    register.write_text("+32470000009\n", encoding="utf-8")
    phoner("marketing", "phone", "import-dncm", str(register))

    result = phoner("marketing", "phone", "call-list", "--purpose", "nope")

    assert result.exit_code == 1 and "nope" in result.output


def test_an_audience_upload_from_the_shell_reaches_the_platform(
    lawful: Lawful, tmp_path: Path, receiver: Receiver
) -> None:
    _apply(lawful, tmp_path, social(receiver.url))

    result = lawful("marketing", "audience", "upload", "--purpose", "social_audiences", "--recipient", "meta")

    assert result.exit_code == 0, result.output
    assert "0 people sent to meta (joint_controller)" in result.stdout and len(receiver.received) == 1


def test_a_disabled_audience_upload_exits_1(lawful: Lawful, tmp_path: Path) -> None:
    _apply(lawful, tmp_path, social("http://127.0.0.1:9/x", enabled=False))

    result = lawful("marketing", "audience", "upload", "--purpose", "social_audiences", "--recipient", "meta")

    assert result.exit_code == 1 and "audience_upload_disabled" in result.output
