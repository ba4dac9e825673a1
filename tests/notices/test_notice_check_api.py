"""GET /api/notices/{kind}/check (R-123): what `lawful notice check` says the register in force lacks to be
published as a notice, for the key's organisation, on one database shared with the CLI."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lawful.audit import AuditEntry
from tests.conftest import Lawful
from tests.registers import minimal
from tests.served import World, served


def _without_office() -> dict[str, Any]:
    document = minimal()
    document["organisation"].pop("registered_office")
    return document


@pytest.fixture
def world(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[World]:
    """The CLI and the API on one database; acme's register in force gives no registered office."""
    for made in served(lawful, fresh_url, tmp_path):
        made.apply(_without_office())
        yield made


@pytest.mark.parametrize("kind", ["privacy", "cookies"])
def test_the_check_answers_what_notice_check_prints(world: World, kind: str) -> None:
    api = world.client.get(f"/api/notices/{kind}/check", headers=world.key("register:read", org="acme"))
    cli = world.lawful("notice", "check", "--kind", kind, "--org", "acme", "--json")

    assert api.status_code == 200, api.text
    assert api.json() == json.loads(cli.stdout) and cli.exit_code == 1
    assert {"element": "controller_identity", "path": "organisation.registered_office"}.items() <= api.json()[
        0
    ].items()


def test_a_cookie_notice_without_any_tracker_says_so(world: World) -> None:
    world.apply(minimal() | {"trackers": []})

    api = world.client.get("/api/notices/cookies/check", headers=world.key("register:read", org="acme"))

    assert [m["element"] for m in api.json()] == ["trackers"]


def test_a_register_that_can_be_published_gets_an_empty_list_and_the_cli_exits_0(world: World) -> None:
    world.apply(minimal())

    api = world.client.get("/api/notices/privacy/check", headers=world.key("register:read", org="acme"))
    cli = world.lawful("notice", "check", "--org", "acme", "--json")

    assert api.status_code == 200 and api.json() == [] == json.loads(cli.stdout)
    assert cli.exit_code == 0


def test_each_organisation_checks_its_own_register(world: World) -> None:
    other = minimal()
    other["organisation"] = other["organisation"] | {"slug": "other", "legal_name": "Other SRL"}
    world.apply(other)

    ours = world.client.get("/api/notices/privacy/check", headers=world.key("register:read", org="acme"))
    theirs = world.client.get("/api/notices/privacy/check", headers=world.key("register:read", org="other"))

    assert ours.json() != [] and theirs.json() == []


@pytest.mark.parametrize("kind", ["terms", "PRIVACY", "x" * 300])
def test_a_kind_that_is_not_one_is_refused_naming_it(world: World, kind: str) -> None:
    response = world.client.get(f"/api/notices/{kind}/check", headers=world.key("register:read", org="acme"))

    assert response.status_code == 422 and "kind" in response.text


def test_the_check_needs_register_read_and_the_refusal_is_audited(world: World) -> None:
    response = world.client.get("/api/notices/privacy/check", headers=world.key("subjects:read", org="acme"))

    assert response.status_code == 403
    with world.sessions() as db:
        [entry] = db.scalars(select(AuditEntry).where(AuditEntry.action == "access.refused"))
    assert entry.data == {"permission": "register:read", "operation": "GET /api/notices/{kind}/check"}
