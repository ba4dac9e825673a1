"""`lawful clients credentials …` and `lawful clients instructions …` through the real CLI (R-87, R-100)."""

import json
from pathlib import Path

import yaml

from tests.clients.processor_world import processor_register
from tests.conftest import Lawful

SECRET = "cli-Secret-9f2Kq-router"


def _world(lawful: Lawful, tmp_path: Path) -> None:
    document = processor_register(endpoint="https://print.example.test/in", webhook=None)
    lawful.apply_register(tmp_path, yaml.safe_dump(document, allow_unicode=True))


def test_a_credential_is_added_listed_without_its_secret_revealed_with_a_reason_and_destroyed(
    lawful: Lawful, tmp_path: Path
) -> None:
    _world(lawful, tmp_path)
    added = lawful(
        "clients", "credentials", "add", "acme_brands", "--system", "core router",
        "--username", "admin", "--secret", SECRET, "--json",
    )  # fmt: skip
    [made] = json.loads(added.stdout)
    listed = lawful("clients", "credentials", "list", "--json")
    no_reason = lawful("clients", "credentials", "reveal", made["id"], "--reason", "need it")
    shown = lawful(
        "clients", "credentials", "reveal", made["id"], "--reason", "ticket 88: router reboot", "--json"
    )
    destroyed = lawful("clients", "credentials", "destroy", made["id"])
    after = lawful("clients", "credentials", "reveal", made["id"], "--reason", "ticket 89: router again")

    assert added.exit_code == 0 and SECRET not in added.output + listed.output
    assert json.loads(listed.stdout)[0]["system"] == "core router"
    assert no_reason.exit_code != 0 and "--reason" in no_reason.output and SECRET not in no_reason.output
    assert shown.exit_code == 0 and json.loads(shown.stdout)["secret"] == SECRET
    assert destroyed.exit_code == 0
    assert after.exit_code != 0 and SECRET not in after.output


def test_an_instruction_is_flagged_listed_and_resolved(lawful: Lawful, tmp_path: Path) -> None:
    _world(lawful, tmp_path)
    flagged = lawful(
        "clients", "instructions", "flag", "acme_brands", "1", "--reason", "no retention limit", "--json"
    )
    unknown = lawful("clients", "instructions", "flag", "acme_brands", "7", "--reason", "no retention limit")
    [flag] = json.loads(flagged.stdout)
    resolved = lawful(
        "clients", "instructions", "resolve", flag["id"], "--resolution", "Acme set 24 months", "--json"
    )
    listed = lawful("clients", "instructions", "list", "--json")

    assert flagged.exit_code == 0 and flag["status"] == "suspended"
    assert unknown.exit_code != 0 and "instruction" in unknown.output
    assert resolved.exit_code == 0 and json.loads(listed.stdout)[0]["status"] == "resolved"
