"""POST /api/compliance/run (`lawful compliance run`) and GET /api/compliance/art14/letters (`lawful
compliance art14 letters`) from outside (R-123): the hourly run for the key's organisation only, another
moment than now in test mode only (as `--now`), the same facts as the commands."""

import json
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from lawful import clock, compliance, work
from lawful.app import create_app
from tests.compliance.test_art14_entry import bought
from tests.compliance.test_hourly import VALID_UNTIL, moment
from tests.conftest import Lawful, served_settings
from tests.factories import ACTOR
from tests.ops_world import World, open_world
from tests.registers import people

AFTER = {"X-Lawful-Now": moment(date(2026, 10, 1), 0, 30).isoformat()}  # hubspot's mechanism has lapsed
BEFORE = {"X-Lawful-Now": moment(VALID_UNTIL, 9).isoformat()}


def _register() -> dict[str, Any]:
    document = people()
    hubspot = next(r for r in document["recipients"] if r["key"] == "hubspot")
    hubspot["transfer"]["valid_until"] = VALID_UNTIL.isoformat()
    return document


@pytest.fixture
def world(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[World]:
    yield from open_world(lawful, fresh_url, tmp_path, _register())


def _people(world: World, org: uuid.UUID, prefix: str) -> uuid.UUID:
    """A person bought with an email address and one without (a letter): returns the latter."""
    with work.unit(world.sessions) as db:
        bought(db, ACTOR, world.keys, org, f"{prefix}@example.test")
        return bought(db, ACTOR, world.keys, org, None)


def _counts(world: World, org: uuid.UUID) -> tuple[int, int, int]:
    """Suspensions, Art. 14 notices and snapshots of `org`."""
    with world.sessions() as db:
        return tuple(  # type: ignore[return-value]
            db.scalar(select(func.count()).select_from(model).where(model.organisation_id == org)) or 0
            for model in (
                compliance.TransferSuspension,
                compliance.Art14Notice,
                compliance.ComplianceSnapshot,
            )
        )


def test_the_run_suspends_sends_and_counts_for_the_keys_organisation_only(world: World) -> None:
    _people(world, world.ours, "ours")
    _people(world, world.theirs, "theirs")
    headers = world.key("subjects:write")

    ran = world.client.post("/api/compliance/run", headers=headers | AFTER)
    again = world.client.post("/api/compliance/run", headers=headers | AFTER)

    assert ran.status_code == 200, ran.text
    assert ran.json() == {
        "acme": {
            "suspended": ["hubspot"],
            "alerted": [],
            "resumed": [],
            "art14_emailed": 1,
            "art14_letters": 1,
        }
    }
    assert again.json() == {
        "acme": {"suspended": [], "alerted": [], "resumed": [], "art14_emailed": 0, "art14_letters": 0}
    }
    assert (_counts(world, world.ours), _counts(world, world.theirs)) == ((1, 2, 1), (0, 0, 0))
    [sent] = world.entries("compliance.art14_sent")  # the second run had none to send
    assert (sent.actor_kind, sent.organisation_id) == ("api_key", world.ours)
    [suspended] = world.entries("compliance.transfer_suspended")
    assert suspended.organisation_id == world.ours


def test_the_command_runs_every_organisation_with_the_routes_fields(world: World) -> None:
    _people(world, world.ours, "ours")
    _people(world, world.theirs, "theirs")
    by_api = world.client.post("/api/compliance/run", headers=world.key("subjects:write") | AFTER)

    with clock.pinned(moment(date(2026, 10, 1), 0, 40)):
        by_cli = world.cli("compliance", "run", "--json")

    assert by_cli.exit_code == 0, by_cli.output
    report = json.loads(by_cli.stdout)
    assert report["other"] == by_api.json()["acme"]  # theirs now as ours was: the same facts
    assert report["acme"] == {
        "suspended": [],
        "alerted": [],
        "resumed": [],
        "art14_emailed": 0,
        "art14_letters": 0,
    }
    assert _counts(world, world.theirs) == (1, 2, 1)


def test_the_run_is_as_of_the_clock_outside_test_mode_whatever_the_header_says(
    world: World, fresh_url: str, tmp_path: Path
) -> None:
    settings = served_settings(tmp_path, fresh_url, test_mode=False)
    app = create_app(settings)
    headers = world.key("subjects:write")

    with TestClient(app) as production:
        ran = production.post("/api/compliance/run", headers=headers | BEFORE)
    app.state.engine.dispose()
    as_asked = world.client.post("/api/compliance/run", headers=headers | BEFORE)

    assert ran.status_code == 200, ran.text
    assert ran.json()["acme"]["suspended"] == ["hubspot"]  # today, long after the mechanism lapsed
    assert as_asked.json()["acme"]["resumed"] == ["hubspot"]  # in test mode, the header's day: still valid


@pytest.mark.parametrize(
    ("method", "path", "scope", "needed"),
    [
        ("POST", "/api/compliance/run", "compliance:read", "subjects:write"),
        ("GET", "/api/compliance/art14/letters", "subjects:write", "compliance:read"),
    ],
)
def test_each_route_needs_its_scope_and_the_refusal_is_audited_with_nothing_written(
    world: World, method: str, path: str, scope: str, needed: str
) -> None:
    _people(world, world.ours, "ours")

    response = world.client.request(method, path, headers=world.key(scope) | AFTER)

    assert response.status_code == 403
    [refusal] = world.entries("access.refused")
    assert refusal.data == {"permission": needed, "operation": f"{method} {path}"}
    assert _counts(world, world.ours) == (0, 0, 0)


def test_the_letters_to_print_read_as_the_command_lists_them_and_only_the_keys(world: World) -> None:
    paper = _people(world, world.ours, "ours")
    _people(world, world.theirs, "theirs")
    world.client.post("/api/compliance/run", headers=world.key("subjects:write") | AFTER)

    ours = world.client.get("/api/compliance/art14/letters", headers=world.key("compliance:read"))
    theirs = world.client.get(
        "/api/compliance/art14/letters", headers=world.key("compliance:read", org=world.theirs)
    )
    listed = world.cli("compliance", "art14", "letters", "--org", "acme", "--json")

    assert ours.status_code == 200, ours.text
    assert [row["subject_id"] for row in ours.json()] == [str(paper)]
    assert set(ours.json()[0]) == {"id", "subject_id", "language", "done_at"}  # no name, no address
    assert theirs.json() == []
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout) == ours.json()
