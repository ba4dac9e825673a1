"""The routes of `lawful dsr tombstones …` (R-123, R-59): after a restore, the key's organisation's erasures
are applied again, a dry run says whether some are due (a field, where the command exits 1), and another
organisation's people and tombstones stay as they were."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lawful import clock, consent, subjects
from lawful.dsr import tombstones
from tests.conftest import Lawful
from tests.dsr.api_world import World, build
from tests.factories import make_person


@pytest.fixture
def world(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[World]:
    yield from build(lawful, fresh_url, tmp_path)


def restored(world: World, org: uuid.UUID, email: str, *, erased_at: datetime | None = None) -> uuid.UUID:
    """A person erased (their tombstone in the key store) and back in the main database, as after a restore
    of a backup taken before the erasure."""
    with world.sessions() as session:
        subject = make_person(session, world.keys, org, email=email, activity="newsletter").subject
        session.commit()
    with world.sessions() as session, clock.pinned(erased_at or datetime.now(UTC)):
        tombstones.record(
            session,
            world.keys,
            subject=subject,
            lookups=tombstones.identity_lookups(session, subject.id),
            kept=[],
            suppression_lookup=consent.suppression_lookup(world.keys, email),
            request_reference=None,
        )
    return subject.id


def _present(world: World, subject_id: uuid.UUID) -> bool:
    with world.sessions() as session:
        return session.get(subjects.Subject, subject_id) is not None


def test_status_counts_the_keys_organisation_tombstones_as_the_command_counts_all(world: World) -> None:
    restored(world, world.ours, "ours@example.test")
    restored(world, world.theirs, "theirs@example.test")

    status = world.client.get("/api/dsr/tombstones", headers=world.key("dsr:read"))

    assert status.status_code == 200, status.text
    assert status.json()["count"] == 1 and status.json()["kept_days"] == world.settings.backup_rotation_days
    everyone = world.cli_json("dsr", "tombstones", "status")
    assert everyone.keys() == status.json().keys() and everyone["count"] == 2


def test_a_dry_run_that_finds_some_says_so_in_its_answer_and_changes_nothing(world: World) -> None:
    ours = restored(world, world.ours, "dry@example.test")

    dry = world.client.post(
        "/api/dsr/tombstones/apply", headers=world.key("dsr:write"), json={"dry_run": True}
    )
    by_cli = world.lawful("dsr", "tombstones", "apply", "--dry-run", "--json")

    assert dry.status_code == 200, dry.text
    assert dry.json() == {
        "tombstones": 1,
        "erased_again": 1,
        "collections": 1,
        "exclusion_entries": 1,
        "queued_mail": 0,
        "dry_run": True,
        "found_some": True,
    }
    assert by_cli.exit_code == 1 and _present(world, ours)
    assert world.cli_json("dsr", "tombstones", "status")["count"] == 1
    assert world.entries("dsr.tombstone_applied") == []


def test_apply_erases_again_the_keys_organisation_people_only_and_answers_as_the_command(
    world: World,
) -> None:
    ours = restored(world, world.ours, "again@example.test")
    theirs = restored(world, world.theirs, "spared@example.test")

    applied = world.client.post("/api/dsr/tombstones/apply", headers=world.key("dsr:write"), json={})
    again = world.client.post(
        "/api/dsr/tombstones/apply", headers=world.key("dsr:write"), json={"dry_run": True}
    )

    assert applied.status_code == 200, applied.text
    assert (applied.json()["erased_again"], applied.json()["found_some"]) == (1, False)
    assert not _present(world, ours) and _present(world, theirs)
    [entry] = world.entries("dsr.tombstone_applied")
    assert (entry.entity_id, entry.organisation_id) == (str(ours), world.ours)
    assert again.json()["found_some"] is False
    by_cli = world.cli_json("dsr", "tombstones", "apply")  # the operator's: every organisation
    assert by_cli.keys() == applied.json().keys() and by_cli["erased_again"] == 1
    assert not _present(world, theirs)


def test_sweep_drops_the_keys_organisation_expired_tombstones_only(world: World) -> None:
    old = datetime.now(UTC) - timedelta(days=world.settings.backup_rotation_days + 1)
    restored(world, world.ours, "old-ours@example.test", erased_at=old)
    restored(world, world.theirs, "old-theirs@example.test", erased_at=old)
    restored(world, world.ours, "recent@example.test")

    swept = world.client.post("/api/dsr/tombstones/sweep", headers=world.key("dsr:write"))

    assert swept.status_code == 200 and swept.json() == {"dropped": 1}, swept.text
    assert world.client.get("/api/dsr/tombstones", headers=world.key("dsr:read")).json()["count"] == 1
    assert (
        world.client.get("/api/dsr/tombstones", headers=world.key("dsr:read", theirs=True)).json()["count"]
        == 1
    )
    [entry] = world.entries("dsr.tombstones_swept")
    assert (entry.organisation_id, entry.data) == (world.ours, {"dropped": 1})
    assert world.cli_json("dsr", "tombstones", "sweep") == {"dropped": 1}  # theirs, by the operator


@pytest.mark.parametrize(
    ("body", "named"), [({"dry_run": "perhaps"}, "dry_run"), ({"dryrun": True}, "dryrun")]
)
def test_a_wrong_body_is_refused_naming_the_field_and_erases_nobody(
    world: World, body: dict[str, object], named: str
) -> None:
    ours = restored(world, world.ours, "wrong@example.test")

    refused = world.client.post("/api/dsr/tombstones/apply", headers=world.key("dsr:write"), json=body)

    assert refused.status_code == 422 and named in refused.text, refused.text
    assert _present(world, ours) and world.entries("dsr.tombstone_applied") == []


@pytest.mark.parametrize(
    ("method", "path", "scope", "needed"),
    [
        ("POST", "/api/dsr/tombstones/apply", "dsr:read", "dsr:write"),
        ("POST", "/api/dsr/tombstones/sweep", "dsr:read", "dsr:write"),
        ("GET", "/api/dsr/tombstones", "dsr:write", "dsr:read"),
    ],
)
def test_a_call_without_the_permission_is_refused_and_audited(
    world: World, method: str, path: str, scope: str, needed: str
) -> None:
    ours = restored(world, world.ours, "guarded@example.test")

    refused = world.client.request(method, path, headers=world.key(scope), json={})

    assert refused.status_code == 403
    [entry] = world.entries("access.refused")
    assert entry.data == {"permission": needed, "operation": f"{method} {path}"}
    assert _present(world, ours) and world.cli_json("dsr", "tombstones", "status")["count"] == 1
