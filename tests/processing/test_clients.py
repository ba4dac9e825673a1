"""Clients and their DPAs in the register: `lawful register check` names each problem by its path."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from lawful.processing import Register, rules
from tests.conftest import Lawful
from tests.registers import as_yaml, example


def _qualifio() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(example("qualifio"))
    return document


def _problems(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p.path, p.rule) for p in rules.check(Register.model_validate(document)) if p.severity == "error"}


def _client_campaigns(document: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    index = next(i for i, a in enumerate(document["activities"]) if a["key"] == "client_campaigns")
    activity: dict[str, Any] = document["activities"][index]
    return index, activity


@pytest.mark.parametrize("name", ["qualifio", "kresoft"])
def test_the_examples_declare_clients_whose_dpas_cover_their_processing(name: str) -> None:
    document = yaml.safe_load(example(name))

    register = Register.model_validate(document)

    assert register.clients and all(c.dpa.instructions for c in register.clients)
    assert [p for p in rules.check(register) if p.severity == "error"] == []


def test_a_processor_activity_for_an_undeclared_client_is_refused() -> None:
    document = _qualifio()
    index, activity = _client_campaigns(document)
    activity["on_behalf_of"] = "globex"

    assert (f"activities[{index}].on_behalf_of", "known_client") in _problems(document)


def test_an_activity_collecting_what_the_dpa_does_not_list_is_outside_the_instructions() -> None:
    document = _qualifio()
    index, activity = _client_campaigns(document)
    dpa = document["clients"][0]["dpa"]
    dpa["data_categories"] = [c for c in dpa["data_categories"] if c != "campaign_answers"]
    position = activity["data_categories"].index("campaign_answers")

    assert (f"activities[{index}].data_categories[{position}]", "outside_dpa") in _problems(document)


def test_a_sub_processor_outside_the_dpa_locations_is_refused() -> None:
    document = _qualifio()
    document["clients"][0]["dpa"]["locations"] = ["FR"]

    assert ("clients[0].dpa.sub_processors[0]", "processing_location") in _problems(document)


def test_a_sub_processor_without_its_own_dpa_may_receive_nothing() -> None:
    document = _qualifio()
    recipient = next(r for r in document["recipients"] if r["key"] == "campaign_subprocessors")
    del recipient["dpa_ref"]

    assert ("clients[0].dpa.sub_processors[0]", "processor_dpa") in _problems(document)


def test_a_clients_form_offering_the_companys_own_newsletter_is_refused() -> None:
    document = _qualifio()
    index = next(i for i, f in enumerate(document["forms"]) if f["key"] == "acme_contest")
    document["forms"][index]["marketing_consent"] = "newsletter"

    assert (f"forms[{index}].marketing_consent", "controller_mismatch") in _problems(document)


def test_two_clients_with_one_key_are_refused() -> None:
    document = _qualifio()
    document["clients"].append(copy.deepcopy(document["clients"][0]))

    assert ("clients[1].key", "unique_key") in _problems(document)


def _check(lawful: Lawful, tmp_path: Path, document: dict[str, Any]) -> tuple[int, set[str]]:
    path = tmp_path / "register.yaml"
    path.write_text(as_yaml(document), encoding="utf-8")
    result = lawful("register", "check", str(path), "--json")
    return result.exit_code, {p["path"] for p in json.loads(result.stdout)["problems"]}


def test_a_client_without_a_dpa_fails_the_check_naming_the_path(lawful: Lawful, tmp_path: Path) -> None:
    document = _qualifio()
    del document["clients"][0]["dpa"]

    code, paths = _check(lawful, tmp_path, document)

    assert code == 1
    assert "clients[0].dpa" in paths


@pytest.mark.parametrize(
    ("field", "value"),
    [("breach_notice", "24 hours"), ("breach_notice", "PT"), ("rights_forwarding_days", 0)],
)
def test_a_malformed_dpa_deadline_fails_the_check_naming_it(
    lawful: Lawful, tmp_path: Path, field: str, value: object
) -> None:
    document = _qualifio()
    document["clients"][0]["dpa"][field] = value

    code, paths = _check(lawful, tmp_path, document)

    assert code == 1
    assert f"clients[0].dpa.{field}" in paths


def test_the_dpa_deadlines_default_to_two_working_days_and_24_hours() -> None:
    document = _qualifio()
    dpa = document["clients"][0]["dpa"]
    del dpa["rights_forwarding_days"], dpa["breach_notice"]

    client = Register.model_validate(document).clients[0]

    assert (client.dpa.rights_forwarding_days, client.dpa.breach_notice) == (2, "PT24H")
