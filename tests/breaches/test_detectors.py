"""Each detector from outside (R-93): cause the condition, run `lawful breaches detect` as cron would,
then find the case lawful opened in the register through the API; a second run opens no second case."""

import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from lawful import audit, clock, keystore, staff
from lawful.app import create_app
from lawful.decisions import exports
from tests.conftest import Lawful, served_settings
from tests.factories import ACTOR, PASSWORD, make_api_key, make_person, make_register, make_staff
from tests.registers import people


@dataclass
class World:
    cli: Lawful
    client: TestClient
    sessions: sessionmaker[Session]
    keys: keystore.Keys
    org: uuid.UUID
    officer: str

    def register(self) -> list[dict[str, Any]]:
        response = self.client.get("/api/breaches", headers={"Authorization": f"Bearer {self.officer}"})
        assert response.status_code == 200, response.text
        return list(response.json())

    def detect(self) -> list[dict[str, Any]]:
        result = self.cli("breaches", "detect", "--json")
        assert result.exit_code == 0, result.output
        return self.register()


@pytest.fixture
def world(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[World]:
    """The CLI and a server on the same database and key store, as on a real deployment."""
    settings = served_settings(tmp_path, fresh_url)
    app = create_app(settings)
    sessions: sessionmaker[Session] = app.state.sessionmaker
    with sessions() as db:
        org = make_register(db, people()).organisation_id
        officer = make_api_key(db, org, ["breaches:read"])
        db.commit()
    with TestClient(app, headers={"Referer": "http://testserver/console"}) as client:
        yield World(lawful, client, sessions, app.state.keys, org, officer)
    app.state.engine.dispose()


def test_nothing_unusual_opens_no_case(world: World) -> None:
    with world.sessions() as db:
        make_person(db, world.keys, world.org)
        db.commit()

    assert world.detect() == []


def test_an_export_far_above_the_usual_size_opens_a_case(world: World) -> None:
    with world.sessions() as db:
        for _ in range(5):
            make_person(db, world.keys, world.org)
        for days in (30, 20, 10):  # the usual size: five people
            with clock.pinned(clock.now() - timedelta(days=days)):
                _export(db, world)
        for _ in range(120):
            make_person(db, world.keys, world.org)
        _export(db, world)  # 125 people, 25 times the usual
        db.commit()

    cases = world.detect()

    assert [(c["reference"], c["detector"], c["reported_by_kind"]) for c in cases] == [
        ("B-1", "bulk_export", "system")
    ]
    assert "125 people" in cases[0]["title"]
    assert world.detect() == cases  # the same export is one case, however often the detector runs


def _export(db: Session, world: World) -> None:
    exports.request(
        db,
        ACTOR,
        world.keys,
        organisation_id=world.org,
        purpose="request_followup",
        fields=[],
        subject_category=None,
        approval_threshold=-1,  # waits for approval: what was asked for is the signal
    )


def test_a_spike_of_failed_logins_opens_a_case(world: World) -> None:
    with world.sessions() as db:
        accounts = [make_staff(db, world.keys, world.org, [staff.Role.SUPPORT]).user.email for _ in range(4)]
        db.commit()
    with ThreadPoolExecutor(max_workers=4) as pool:  # as an attacker would: several accounts at once
        answers = [a for each in pool.map(_five_wrong_logins(world), accounts) for a in each]

    cases = world.detect()

    assert {a.status_code for a in answers} == {401}
    assert [(c["detector"], c["status"]) for c in cases] == [("login_spike", "open")]
    assert cases[0]["title"] == "20 failed console logins in an hour"


def _five_wrong_logins(world: World) -> Callable[[str], list[Any]]:
    """Five wrong passwords on one account: the most it takes before its back-off."""

    def attempts(email: str) -> list[Any]:
        wrong = {"email": email, "password": "wrong " + PASSWORD, "code": "000000"}
        return [world.client.post("/console/login", data=wrong) for _ in range(5)]

    return attempts


def test_an_audit_log_that_no_longer_verifies_opens_a_case(world: World) -> None:
    with world.sessions() as db:
        make_person(db, world.keys, world.org)
        db.commit()
        audit.seal(db)
        db.commit()
        db.execute(update(audit.AuditEntry).where(audit.AuditEntry.seq == 1).values(outcome="refused"))
        db.commit()

    cases = world.detect()

    assert [c["detector"] for c in cases] == ["audit_chain"]
    assert cases[0]["title"] == "The audit log no longer verifies at entry 1"


def test_a_missing_data_key_opens_a_case(world: World) -> None:
    with world.sessions() as db:
        person = make_person(db, world.keys, world.org).subject
        make_person(db, world.keys, world.org)
        db.commit()
    world.keys.store.destroy(keystore.subject_owner(person.id))  # the key is gone, the person is not

    cases = world.detect()

    assert [c["detector"] for c in cases] == ["key_store"]
    assert cases[0]["title"] == "The key store lacks 1 and cannot unwrap 0 data keys"
