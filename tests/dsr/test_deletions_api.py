"""The routes of `lawful dsr deletions …` and `lawful dsr sweep` (R-123): the same facts as the commands,
the key's organisation only, and refused without the permission (R-62, R-81, R-82)."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lawful import clock, dsr, subjects
from lawful.dsr.deletions import Deletion
from tests.conftest import Lawful
from tests.dsr.api_world import ARRANGER, World, build, withdrawn_subscriber


@pytest.fixture
def world(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[World]:
    yield from build(lawful, fresh_url, tmp_path)


def _data(world: World, subject_id: uuid.UUID) -> int:
    with world.sessions() as session:
        query = select(func.count()).where(subjects.PersonalData.subject_id == subject_id)
        return session.scalar(query) or 0


def _deletions(world: World, org: uuid.UUID) -> list[Deletion]:
    with world.sessions() as session:
        return list(session.scalars(select(Deletion).where(Deletion.organisation_id == org)))


def test_a_run_carries_out_the_keys_organisation_deletions_and_leaves_the_others_alone(world: World) -> None:
    ours = withdrawn_subscriber(world, world.ours, "ours@example.test")
    theirs = withdrawn_subscriber(world, world.theirs, "theirs@example.test")
    their_data = _data(world, theirs)

    ran = world.client.post("/api/dsr/deletions/run", headers=world.key("dsr:write"))

    assert ran.status_code == 200, ran.text
    assert ran.json() == {"scheduled": 1, "carried_out": 1}
    assert _data(world, ours) == 0
    assert _data(world, theirs) == their_data > 0 and _deletions(world, world.theirs) == []
    [executed] = world.entries("dsr.deletion_executed")
    assert (executed.organisation_id, executed.actor_kind) == (world.ours, "api_key")


def test_a_run_for_one_organisation_does_not_hide_an_older_withdrawal_of_another_from_the_worker(
    world: World,
) -> None:
    with clock.pinned(datetime.now(UTC) - timedelta(hours=3)):
        theirs = withdrawn_subscriber(world, world.theirs, "older@example.test")
    withdrawn_subscriber(world, world.ours, "newer@example.test")
    world.client.post("/api/dsr/deletions/run", headers=world.key("dsr:write"))

    everyone = world.lawful("dsr", "deletions", "run", "--json")

    assert everyone.exit_code == 0, everyone.output
    assert world.cli_json("dsr", "deletions", "run") == {"scheduled": 0, "carried_out": 0}
    assert [d.status for d in _deletions(world, world.theirs)] == ["done"] and _data(world, theirs) == 0


def test_list_and_show_answer_as_the_commands_do(world: World) -> None:
    withdrawn_subscriber(world, world.ours, "listed@example.test")
    world.client.post("/api/dsr/deletions/run", headers=world.key("dsr:write"))
    reader = world.key("dsr:read")

    listed = world.client.get("/api/dsr/deletions", headers=reader)
    [row] = listed.json()
    shown = world.client.get(f"/api/dsr/deletions/{row['id']}", headers=reader)
    scheduled = world.client.get("/api/dsr/deletions", headers=reader, params={"status": "scheduled"})

    assert listed.status_code == shown.status_code == scheduled.status_code == 200
    assert listed.json() == world.cli_json("dsr", "deletions", "list", "--org", "acme")
    assert shown.json() == row == world.cli_json("dsr", "deletions", "show", row["id"], "--org", "acme")
    assert (row["trigger"], row["activity"], row["status"]) == ("consent_withdrawn", "newsletter", "done")
    assert scheduled.json() == [] and "listed@example.test" not in listed.text


def test_another_organisation_sees_none_of_our_deletions(world: World) -> None:
    withdrawn_subscriber(world, world.ours, "hidden@example.test")
    world.client.post("/api/dsr/deletions/run", headers=world.key("dsr:write"))
    [ours] = _deletions(world, world.ours)
    their_reader = world.key("dsr:read", theirs=True)

    listed = world.client.get("/api/dsr/deletions", headers=their_reader)
    shown = world.client.get(f"/api/dsr/deletions/{ours.id}", headers=their_reader)
    unknown = world.client.get(f"/api/dsr/deletions/{uuid.uuid4()}", headers=world.key("dsr:read"))

    assert listed.status_code == 200 and listed.json() == []
    assert shown.status_code == unknown.status_code == 404
    assert shown.json()["error"] == "deletion_not_found"


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/api/dsr/deletions", {"status": "maybe"}, "status"),
        ("/api/dsr/deletions", {"limit": "0"}, "limit"),
        ("/api/dsr/deletions", {"limit": "10001"}, "limit"),
        ("/api/dsr/deletions/not-an-id", {}, "deletion_id"),
    ],
)
def test_a_wrong_argument_is_refused_naming_it(
    world: World, path: str, params: dict[str, str], named: str
) -> None:
    refused = world.client.get(path, headers=world.key("dsr:read"), params=params)

    assert refused.status_code == 422 and named in refused.text, refused.text


def test_a_run_without_dsr_write_is_refused_audited_and_changes_nothing(world: World) -> None:
    withdrawn_subscriber(world, world.ours, "kept@example.test")

    refused = world.client.post("/api/dsr/deletions/run", headers=world.key("dsr:read"))
    unread = world.client.get("/api/dsr/deletions", headers=world.key("dsr:write"))

    assert refused.status_code == unread.status_code == 403
    [entry, _] = world.entries("access.refused")
    assert entry.data == {"permission": "dsr:write", "operation": "POST /api/dsr/deletions/run"}
    assert entry.organisation_id == world.ours and _deletions(world, world.ours) == []


def _codes(world: World, org: uuid.UUID) -> int:
    with world.sessions() as session:
        query = (
            select(func.count())
            .select_from(dsr.VerificationCode)
            .join(dsr.Request, dsr.Request.id == dsr.VerificationCode.request_id)
            .where(dsr.Request.organisation_id == org)
        )
        return session.scalar(query) or 0


def test_a_sweep_deletes_the_keys_organisation_leftovers_only_and_answers_as_the_command(
    world: World,
) -> None:
    opened = datetime.now(UTC).replace(microsecond=0)
    with world.sessions() as session, clock.pinned(opened):
        for org in (world.ours, world.theirs):
            dsr.open_request(
                session,
                ARRANGER,
                world.keys,
                organisation_id=org,
                kinds=["access"],
                email=f"code-{org.hex[:6]}@example.test",
                language="en",
                channel="web_form",
                base_url="https://x.test",
            )
        session.commit()
    expired = (opened + dsr.service.CODE_LIFETIME).isoformat()

    swept = world.client.post("/api/dsr/sweep", headers=world.key("dsr:write") | {"X-Lawful-Now": expired})

    assert swept.status_code == 200, swept.text
    assert swept.json() == {"answer_parts": 0, "codes": 1, "requests": 0, "package_keys": 0}
    assert (_codes(world, world.ours), _codes(world, world.theirs)) == (0, 1)
    [entry] = world.entries("dsr.swept")
    assert (entry.organisation_id, entry.data["codes"]) == (world.ours, 1)
    assert world.cli_json("dsr", "sweep").keys() == swept.json().keys()


def test_a_sweep_without_dsr_write_is_refused(world: World) -> None:
    refused = world.client.post("/api/dsr/sweep", headers=world.key("dsr:read"))

    assert refused.status_code == 403
    [entry] = world.entries("access.refused")
    assert entry.data == {"permission": "dsr:write", "operation": "POST /api/dsr/sweep"}
