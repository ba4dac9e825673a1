"""GET /api/clients/{client} (`lawful clients show`) and POST /api/clients/ends/due (`lawful clients end
due`) from outside (R-123): the same facts as the commands, the fixed /api/clients/… paths still theirs, a
client's own key limited to its client (R-106), another organisation's clients and DPAs untouched."""

import copy
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lawful import clients, clock
from tests.clients.processor_world import with_client
from tests.conftest import Lawful
from tests.ops_world import THEIRS, World, open_world
from tests.registers import people

ENDS = "2026-06-30"
ON_THE_DAY = {"X-Lawful-Now": "2026-06-30T10:00:00+02:00"}
THE_DAY_BEFORE = {"X-Lawful-Now": "2026-06-29T10:00:00+02:00"}


def _ours() -> dict[str, Any]:
    """Two clients, `brand` and `second`, whose DPAs end on ENDS."""
    document = with_client(people())
    second = copy.deepcopy(document["clients"][0]) | {"key": "second", "name": "Second Brand SA"}
    document["clients"].append(second)
    for client in document["clients"]:
        client["dpa"]["ends_on"] = ENDS
    return document


def _theirs() -> dict[str, Any]:
    document = with_client(people())
    document["clients"][0]["dpa"]["ends_on"] = ENDS
    return document


@pytest.fixture
def world(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[World]:
    yield from open_world(lawful, fresh_url, tmp_path, _ours(), _theirs())


def test_a_client_reads_with_its_whole_dpa_as_clients_show_prints_it(world: World) -> None:
    response = world.client.get("/api/clients/second", headers=world.key("register:read"))
    shown = world.cli("clients", "show", "second", "--org", "acme", "--json")

    assert response.status_code == 200, response.text
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout) == response.json()
    assert (response.json()["name"], response.json()["dpa"]["ends_on"]) == ("Second Brand SA", ENDS)
    assert [s["key"] for s in response.json()["sub_processors"]] == ["print_house"]


def test_an_unknown_client_is_404_and_another_organisations_key_does_not_see_ours(world: World) -> None:
    unknown = world.client.get("/api/clients/globex", headers=world.key("register:read"))
    theirs = world.client.get("/api/clients/second", headers=world.key("register:read", org=world.theirs))

    assert unknown.status_code == 404 and unknown.json()["error"] == "client_not_found"
    assert theirs.status_code == 404


@pytest.mark.parametrize(
    ("path", "shape"),
    [
        ("/api/clients/register", "text"),
        ("/api/clients/credentials", list),
        ("/api/clients/sub-processor-changes", list),
    ],
)
def test_the_fixed_client_paths_are_not_taken_for_a_client(world: World, path: str, shape: object) -> None:
    response = world.client.get(path, headers=world.key("register:read"))

    assert response.status_code == 200, response.text
    if shape is list:
        assert isinstance(response.json(), list)
    else:
        assert "client_not_found" not in response.text


def test_a_clients_own_key_reads_its_client_and_not_another(world: World) -> None:
    own = world.key("register:read", client="brand")

    mine = world.client.get("/api/clients/brand", headers=own)
    other = world.client.get("/api/clients/second", headers=own)

    assert mine.status_code == 200 and mine.json()["key"] == "brand"
    assert other.status_code == 404 and "Second Brand" not in other.text


def test_reading_a_client_needs_register_read_and_the_refusal_is_audited(world: World) -> None:
    response = world.client.get("/api/clients/brand", headers=world.key("dsr:read"))

    assert response.status_code == 403
    [refusal] = world.entries("access.refused")
    assert refusal.data == {"permission": "register:read", "operation": "GET /api/clients/{client}"}


def _ends(world: World) -> dict[str, list[str]]:
    with world.sessions() as db:
        rows = db.scalars(select(clients.ContractEnd).order_by(clients.ContractEnd.client))
        found: dict[str, list[str]] = {"ours": [], "theirs": []}
        for row in rows:
            found["ours" if row.organisation_id == world.ours else "theirs"].append(row.client)
    return found


def test_the_dpas_ending_today_are_recorded_once_for_the_keys_organisation_only(world: World) -> None:
    headers = world.key("register:write")

    early = world.client.post("/api/clients/ends/due", headers=headers | THE_DAY_BEFORE)
    due = world.client.post("/api/clients/ends/due", headers=headers | ON_THE_DAY)
    again = world.client.post("/api/clients/ends/due", headers=headers | ON_THE_DAY)

    assert (early.status_code, early.json()) == (200, [])
    assert due.status_code == 200, due.text
    assert [(r["client"], r["ends_on"], r["status"]) for r in due.json()] == [
        ("brand", ENDS, "ended"),
        ("second", ENDS, "ended"),
    ]
    assert again.json() == []
    assert _ends(world) == {"ours": ["brand", "second"], "theirs": []}
    entries = world.entries("clients.contract_ended")
    assert {(e.actor_kind, e.organisation_id) for e in entries} == {("api_key", world.ours)}


def test_clients_end_due_records_the_other_organisations_with_the_routes_fields(world: World) -> None:
    by_api = world.client.post("/api/clients/ends/due", headers=world.key("register:write") | ON_THE_DAY)

    with clock.pinned(datetime.fromisoformat("2026-06-30T10:05:00+02:00")):
        by_cli = world.cli("clients", "end", "due", "--org", THEIRS)

    assert by_cli.exit_code == 0, by_cli.output
    [row] = json.loads(by_cli.stdout)
    assert row.keys() == by_api.json()[0].keys() and row["client"] == "brand"
    assert _ends(world) == {"ours": ["brand", "second"], "theirs": ["brand"]}


@pytest.mark.parametrize(
    ("scopes", "client", "status"), [(("register:read",), None, 403), (("register:write",), "brand", 404)]
)
def test_recording_the_ends_due_needs_register_write_and_no_clients_key_and_writes_nothing(
    world: World, scopes: tuple[str, ...], client: str | None, status: int
) -> None:
    response = world.client.post(
        "/api/clients/ends/due", headers=world.key(*scopes, client=client) | ON_THE_DAY
    )

    assert response.status_code == status
    assert _ends(world) == {"ours": [], "theirs": []}
