"""The breach register's jobs through the API (R-123): POST /api/breaches/alerts, /detections and
/forget-affected do for the key's organisation what `lawful breaches alerts|detect|forget-affected` do for
every one; another organisation's cases stay as they were. Mail is read from a real SMTP server."""

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lawful import clock, keystore, mail, staff, work
from lawful.breaches import Breach, BreachAlert, BreachCreate, DecisionCreate, Risk, open_case, scope
from lawful.breaches import service as cases
from tests.breaches.affected import make_people
from tests.conftest import Lawful, Mailbox
from tests.factories import ACTOR, make_person, make_staff
from tests.ops_world import World, open_world
from tests.registers import people

AWARE = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
DAY_AFTER = {"X-Lawful-Now": (AWARE + timedelta(hours=24, minutes=5)).isoformat()}
CLOSED = AWARE + timedelta(days=3)
WRITER = ("breaches:read", "breaches:write")


@pytest.fixture
def world(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[World]:
    yield from open_world(lawful, fresh_url, tmp_path, people())


def _case(world: World, org: uuid.UUID, officer: str) -> None:
    """A case whose clock runs, and a privacy officer to hear of it."""
    with work.unit(world.sessions) as db:
        make_staff(db, world.keys, org, [staff.Role.PRIVACY_OFFICER], email=officer)
        open_case(db, ACTOR, organisation_id=org, facts=BreachCreate(title="Laptop stolen", aware_at=AWARE))


def _alerts(world: World, org: uuid.UUID) -> list[int]:
    with world.sessions() as db:
        query = select(BreachAlert.threshold_hours).join(Breach).where(Breach.organisation_id == org)
        return list(db.scalars(query))


def test_alerts_due_are_mailed_once_for_the_keys_organisation_only(world: World, smtp: Mailbox) -> None:
    _case(world, world.ours, "po@acme.example.test")
    _case(world, world.theirs, "po@other.example.test")
    headers = world.key(*WRITER) | DAY_AFTER

    sent = world.client.post("/api/breaches/alerts", headers=headers)
    again = world.client.post("/api/breaches/alerts", headers=headers)
    world.settings.smtp_host, world.settings.smtp_port = smtp.host, smtp.port
    with work.unit(world.sessions) as db:
        mail.deliver_due(db, world.keys, world.settings)

    assert sent.status_code == 200, sent.text
    assert sent.json() == [{"reference": "B-1", "hours": 24, "officers": 1}]
    assert again.json() == []
    assert [str(m["To"]) for m in smtp.wait_for(1)] == ["po@acme.example.test"]
    assert (_alerts(world, world.ours), _alerts(world, world.theirs)) == ([24], [])
    [entry] = world.entries("breach.alerted")
    assert (entry.actor_kind, entry.organisation_id) == ("api_key", world.ours)


def test_the_command_sends_what_the_route_left_with_the_same_fields(world: World) -> None:
    _case(world, world.ours, "po@acme.example.test")
    _case(world, world.theirs, "po@other.example.test")
    by_api = world.client.post("/api/breaches/alerts", headers=world.key(*WRITER) | DAY_AFTER)

    with clock.pinned(AWARE + timedelta(hours=24, minutes=10)):
        by_cli = world.cli("breaches", "alerts", "--json")

    assert by_cli.exit_code == 0, by_cli.output
    assert json.loads(by_cli.stdout) == by_api.json()  # theirs now: ours was sent, once
    assert (_alerts(world, world.ours), _alerts(world, world.theirs)) == ([24], [24])


def _lost_key(world: World, org: uuid.UUID) -> None:
    """A person whose data key is gone: the key-store detector's signal."""
    with work.unit(world.sessions) as db:
        person = make_person(db, world.keys, org).subject
    world.keys.store.destroy(keystore.subject_owner(person.id))


def _cases(world: World, org: uuid.UUID) -> list[tuple[str, str | None]]:
    with world.sessions() as db:
        query = select(Breach.reference, Breach.detector).where(Breach.organisation_id == org)
        return [(r, d) for r, d in db.execute(query)]


def test_detectors_open_a_case_in_the_keys_organisation_only_and_once(world: World) -> None:
    _lost_key(world, world.ours)
    _lost_key(world, world.theirs)
    headers = world.key(*WRITER)

    found = world.client.post("/api/breaches/detections", json={"only": ["key_store"]}, headers=headers)
    again = world.client.post("/api/breaches/detections", json={"only": ["key_store"]}, headers=headers)

    assert found.status_code == 200, found.text
    [case] = found.json()
    assert (case["reference"], case["detector"]) == ("B-1", "key_store")
    assert again.json() == found.json()  # the same signal: found again, not opened twice
    assert (_cases(world, world.ours), _cases(world, world.theirs)) == ([("B-1", "key_store")], [])
    [entry] = world.entries("breach.opened")
    assert (entry.actor_kind, entry.organisation_id) == ("api_key", world.ours)
    shown = world.client.get("/api/breaches/B-1", headers=headers).json()
    assert shown["reported_by_kind"] == "system"  # lawful's own detector, run through an officer's key


def test_the_detect_command_runs_every_organisation_and_reports_the_routes_fields(world: World) -> None:
    _lost_key(world, world.ours)
    _lost_key(world, world.theirs)
    by_api = world.client.post("/api/breaches/detections", json={}, headers=world.key(*WRITER))

    by_cli = world.cli("breaches", "detect", "--only", "key_store", "--json")

    assert by_cli.exit_code == 0, by_cli.output
    rows = json.loads(by_cli.stdout)
    assert by_api.json()[0] in rows and len(rows) == 2
    assert _cases(world, world.theirs) == [("B-1", "key_store")]


@pytest.mark.parametrize("body", [{"only": ["key_store", "telepathy"]}, {"only": "key_store"}, {"other": 1}])
def test_a_detector_not_known_is_refused_naming_only_and_nothing_is_opened(
    world: World, body: dict[str, object]
) -> None:
    _lost_key(world, world.ours)

    response = world.client.post("/api/breaches/detections", json=body, headers=world.key(*WRITER))

    assert response.status_code == 422
    assert ("only" if "only" in body else "other") in response.json()["detail"]
    assert "telepathy" not in response.text
    assert _cases(world, world.ours) == [] and world.entries("breach.opened") == []


def _closed_case_with_list(world: World, org: uuid.UUID) -> None:
    with clock.pinned(AWARE + timedelta(hours=1)), work.unit(world.sessions) as db:
        make_people(db, world.keys, org, 2, at=AWARE - timedelta(days=1))
        open_case(db, ACTOR, organisation_id=org, facts=BreachCreate(title="Backup lost", aware_at=AWARE))
        asked = scope.ScopeCreate(systems=["lawful"])
        scope.compute(
            db, ACTOR, world.keys, world.settings, organisation_id=org, reference="B-1", scope=asked
        )
    with clock.pinned(CLOSED), work.unit(world.sessions) as db:
        cases.assess(
            db, ACTOR, organisation_id=org, reference="B-1", risk=Risk.UNLIKELY, rationale="encrypted"
        )
        decision = DecisionCreate(audience="authority", notify=False, reasons="encrypted, key safe")
        cases.decide(db, ACTOR, organisation_id=org, reference="B-1", decision=decision)
        cases.close(db, ACTOR, organisation_id=org, reference="B-1")


def _listed(world: World, org: uuid.UUID) -> bool:
    with world.sessions() as db:
        query = select(Breach.affected_key_id).where(Breach.organisation_id == org)
        return db.scalars(query).one() is not None


def test_forget_affected_destroys_the_keys_organisations_lists_due_and_no_other(world: World) -> None:
    _closed_case_with_list(world, world.ours)
    _closed_case_with_list(world, world.theirs)
    due = CLOSED + timedelta(days=world.settings.breach_affected_keep_days)
    headers = world.key(*WRITER)

    early = world.client.post(
        "/api/breaches/forget-affected",
        headers=headers | {"X-Lawful-Now": (due - timedelta(hours=1)).isoformat()},
    )
    done = world.client.post(
        "/api/breaches/forget-affected", headers=headers | {"X-Lawful-Now": due.isoformat()}
    )

    assert (early.status_code, early.json()) == (200, [])
    assert done.json() == [{"reference": "B-1", "people": 2}]
    assert (_listed(world, world.ours), _listed(world, world.theirs)) == (False, True)
    [entry] = world.entries("breach.affected_destroyed")
    assert (entry.actor_kind, entry.organisation_id) == ("api_key", world.ours)
    with clock.pinned(due + timedelta(minutes=1)):
        by_cli = world.cli("breaches", "forget-affected", "--json")
    assert json.loads(by_cli.stdout) == done.json()  # theirs, with the same fields
    assert _listed(world, world.theirs) is False


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/breaches/alerts", None),
        ("/api/breaches/detections", {}),
        ("/api/breaches/forget-affected", None),
    ],
)
def test_a_key_without_breaches_write_is_refused_and_the_refusal_audited(
    world: World, path: str, body: dict[str, object] | None
) -> None:
    _lost_key(world, world.ours)

    response = world.client.post(path, json=body, headers=world.key("breaches:read"))

    assert response.status_code == 403
    [refusal] = world.entries("access.refused")
    assert refusal.data == {"permission": "breaches:write", "operation": f"POST {path}"}
    assert _cases(world, world.ours) == []


def test_a_staff_member_runs_the_detect_command_for_their_organisation_only(world: World) -> None:
    _lost_key(world, world.ours)
    _lost_key(world, world.theirs)
    with work.unit(world.sessions) as db:
        make_staff(db, world.keys, world.theirs, [staff.Role.PRIVACY_OFFICER], email="po@other.example.test")
        make_staff(db, world.keys, world.theirs, [staff.Role.SUPPORT], email="desk@other.example.test")

    refused = world.cli("--as", "desk@other.example.test", "breaches", "detect", "--json")
    ran = world.cli("--as", "po@other.example.test", "breaches", "detect", "--only", "key_store", "--json")

    assert refused.exit_code == 1 and "breaches:write" in refused.output
    assert ran.exit_code == 0, ran.output
    assert (_cases(world, world.ours), _cases(world, world.theirs)) == ([], [("B-1", "key_store")])
    with world.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Breach)) == 1
