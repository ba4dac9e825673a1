"""POST /api/phone/suppressions (`lawful marketing phone suppress`) from outside (R-123, Art. 21(3)): the
number travels in the body only and is kept as a keyed hash, never echoed, logged or put in the audit; once
per number; the key's organisation's exclusion list only."""

import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from lawful import consent, subjects
from tests.conftest import Lawful
from tests.ops_world import World, open_world
from tests.registers import people

NUMBER, NATIONAL = "+32470123456", "0470 12 34 56"
URL = "/api/phone/suppressions"


@pytest.fixture
def world(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[World]:
    yield from open_world(lawful, fresh_url, tmp_path, people())


def _entries(world: World, org: uuid.UUID) -> list[consent.Suppression]:
    with world.sessions() as db:
        return list(db.scalars(select(consent.Suppression).where(consent.Suppression.organisation_id == org)))


def test_a_number_goes_on_the_exclusion_list_once_as_its_keyed_hash(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    headers = world.key("marketing:send")

    with caplog.at_level(logging.DEBUG):
        made = world.client.post(URL, json={"number": NATIONAL}, headers=headers)
        again = world.client.post(URL, json={"number": NUMBER}, headers=headers)

    assert made.status_code == 200, made.text
    assert (made.json()["scope"], made.json()["reason"]) == ("marketing", "phone_objection")
    assert again.json() == made.json()  # the same number, however written: the same entry
    [entry] = _entries(world, world.ours)
    assert entry.lookup == subjects.lookup_key(world.keys, subjects.IdentityKind.PHONE, NUMBER)
    assert _entries(world, world.theirs) == []
    [audited] = world.entries("consent.suppressed")
    assert (audited.actor_kind, audited.organisation_id) == ("api_key", world.ours)
    for text in (made.text, json.dumps(audited.data), caplog.text):
        assert "470" not in text


def test_the_command_finds_the_routes_entry_and_prints_the_same_fields(world: World) -> None:
    made = world.client.post(URL, json={"number": NATIONAL}, headers=world.key("marketing:send"))

    printed = world.cli("marketing", "phone", "suppress", NUMBER, "--org", "acme", "--json")

    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) == made.json()
    assert len(_entries(world, world.ours)) == 1 and _entries(world, world.theirs) == []


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"number": "0470 12 34"}, "number"),  # too short to be a Belgian mobile number
        ({"number": "call me maybe"}, "number"),
        ({"number": ""}, "number"),
        ({"number": "+3247" + "1" * 40}, "number"),
        ({}, "number"),
        ({"number": NUMBER, "name": "Anne"}, "name"),
    ],
)
def test_a_bad_number_is_refused_naming_the_field_without_echoing_it_and_nothing_is_written(
    world: World, body: dict[str, str], named: str
) -> None:
    response = world.client.post(URL, json=body, headers=world.key("marketing:send"))

    assert response.status_code == 422
    assert named in response.json()["detail"]
    assert all(value not in response.text for value in body.values() if value)
    assert _entries(world, world.ours) == [] and world.entries("consent.suppressed") == []


def test_the_command_refuses_a_bad_number_naming_it_as_the_route_does(world: World) -> None:
    refused = world.cli("marketing", "phone", "suppress", "0470 12 34", "--org", "acme")

    assert refused.exit_code == 1
    assert "number" in refused.output and "0470" not in refused.output
    assert _entries(world, world.ours) == []


def test_a_key_without_marketing_send_is_refused_and_the_refusal_audited(world: World) -> None:
    response = world.client.post(URL, json={"number": NUMBER}, headers=world.key("subjects:write"))

    assert response.status_code == 403
    [refusal] = world.entries("access.refused")
    assert refusal.data == {"permission": "marketing:send", "operation": f"POST {URL}"}
    assert _entries(world, world.ours) == []
