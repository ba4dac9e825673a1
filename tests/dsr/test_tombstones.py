"""Tombstones: a main database restored from a backup taken before an erasure is erased again (R-59, T-05)."""

import json
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from pydantic import SecretStr
from sqlalchemy import make_url, select
from sqlalchemy.orm import Session

from lawful import audit, consent, db, dsr, keystore, subjects
from lawful.actor import SYSTEM
from lawful.config import Settings
from lawful.dsr import rules, tombstones
from tests.conftest import MASTER_KEY, PG_URL, Lawful, _pg_database, drop_database
from tests.factories import give_consent, make_person, make_register
from tests.registers import people

T0 = datetime(2026, 3, 10, 12, tzinfo=UTC)
ERASED = datetime(2026, 3, 20, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("created", "collections", "kept", "doomed", "whole"),
    [
        (T0, [("a", "newsletter", T0)], [], ["a"], True),
        (T0, [], [], [], True),
        (ERASED, [("a", "newsletter", ERASED)], [], ["a"], True),  # the same instant is before
        (ERASED + timedelta(seconds=1), [("a", "newsletter", ERASED + timedelta(seconds=1))], [], [], False),
        (T0, [("a", "newsletter", T0), ("b", "newsletter", ERASED + timedelta(days=1))], [], ["a"], False),
        (T0, [("a", "customer_service", T0), ("b", "invoicing", T0)], ["invoicing"], ["a"], False),
        (T0, [("b", "invoicing", T0)], ["invoicing"], [], False),
    ],
)
def test_a_restored_person_loses_what_predates_the_erasure_and_keeps_what_the_law_kept(
    created: datetime,
    collections: list[tuple[str, str, datetime]],
    kept: list[str],
    doomed: list[str],
    whole: bool,
) -> None:
    plan = rules.reerasure(erased_at=ERASED, kept=kept, subject_created_at=created, collections=collections)

    assert plan == (doomed, whole)


@pytest.mark.parametrize(
    ("now", "expired"),
    [
        (ERASED + timedelta(days=35), False),
        (ERASED + timedelta(days=35, seconds=1), True),
        (datetime(2024, 3, 30, 12, tzinfo=UTC), True),  # erased 2024-02-24, 35 days across a leap day
    ],
)
def test_a_tombstone_is_kept_for_the_backup_rotation(now: datetime, expired: bool) -> None:
    erased = ERASED if now.year == 2026 else datetime(2024, 2, 24, 11, tzinfo=UTC)

    assert rules.tombstone_expired(erased, now, rotation_days=35) is expired


@dataclass
class Site:
    url: str
    keys: keystore.Keys
    org: uuid.UUID
    person: uuid.UUID
    data_dir: Path


@pytest.fixture
def site(fresh_url: str, tmp_path: Path) -> Iterator[Site]:
    """A committed person with a consent, in a main database and a key store of their own."""
    settings = Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    keys = keystore.open_keys(settings)
    with db.open_session(fresh_url) as session:
        org = make_register(session, people()).organisation_id
        person = make_person(session, keys, org, email="gone@example.test", activity="newsletter").subject
        give_consent(session, org, person.id)
        session.commit()
    yield Site(fresh_url, keys, org, person.id, tmp_path)


def _backup(url: str, tmp_path: Path) -> str:
    if PG_URL:
        return _pg_database(url, f"{make_url(url).database}_bak", template=make_url(url).database)
    source = Path(make_url(url).database or "")
    with closing(sqlite3.connect(source)) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = tmp_path / "backup.db"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def _restore(backup: str, url: str) -> None:
    """The main database replaced by the backup, as an operator's restore would."""
    if PG_URL:
        _pg_database(url, make_url(url).database or "", template=make_url(backup).database)
        drop_database(backup)
        return
    target = Path(make_url(url).database or "")
    for stale in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(make_url(backup).database or "", target)


def run_request(
    session: Session, keys: keystore.Keys, org: uuid.UUID, kinds: list[str], email: str
) -> dsr.Request:
    """A request with the identity checked, each step run and committed as the worker does."""
    request = dsr.open_request(
        session,
        SYSTEM,
        keys,
        organisation_id=org,
        kinds=kinds,
        email=email,
        language="en",
        channel="email",
        base_url="",
        identity_verified=True,
    )
    session.commit()
    while dsr.steps.run_next(session, SYSTEM, keys, request_id=request.id, base_url=""):
        session.commit()
    return request


def _erase(site: Site, email: str = "gone@example.test") -> None:
    with db.open_session(site.url) as session:
        run_request(session, site.keys, site.org, ["erasure"], email)


def _apply(site: Site, *, dry_run: bool = False) -> tombstones.Reapplied:
    with db.open_session(site.url) as session:
        found = tombstones.apply(session, SYSTEM, site.keys, dry_run=dry_run)
        session.commit()
    return found


def test_an_erasure_leaves_a_tombstone_of_keyed_hashes_outside_the_main_database(site: Site) -> None:
    _erase(site)

    [stone] = tombstones.all_tombstones(site.keys)
    assert stone.subject_id == site.person and stone.kept == []
    assert stone.lookups == [subjects.lookup_key(site.keys, subjects.IdentityKind.EMAIL, "gone@example.test")]
    assert b"gone@example.test" not in (site.data_dir / "keys.db").read_bytes()


def test_a_backup_restored_after_an_erasure_is_erased_again_once(site: Site, tmp_path: Path) -> None:
    backup = _backup(site.url, tmp_path)
    _erase(site)
    _restore(backup, site.url)
    with db.open_session(site.url) as session:
        assert session.get(subjects.Subject, site.person) is not None  # the restore brought them back

    first = _apply(site)
    second = _apply(site)

    with db.open_session(site.url) as session:
        lookup = consent.suppression_lookup(site.keys, "gone@example.test")
        assert session.get(subjects.Subject, site.person) is None
        assert session.scalars(select(subjects.Identity)).all() == []
        assert consent.suppressed(session, organisation_id=site.org, lookups=[lookup]) == {lookup}
        assert session.scalars(select(consent.ConsentEvent.subject_id)).all() == [None]
        [entry] = audit.list_entries(session, action="dsr.tombstone_applied")
        assert entry.entity_id == str(site.person) and "gone@example.test" not in json.dumps(entry.data)
    assert (first.subjects, first.exclusions) == (1, 1)
    assert (second.subjects, second.collections, second.exclusions) == (0, 0, 0)


def test_a_dry_run_changes_nothing(site: Site, tmp_path: Path) -> None:
    backup = _backup(site.url, tmp_path)
    _erase(site)
    _restore(backup, site.url)

    found = _apply(site, dry_run=True)

    with db.open_session(site.url) as session:
        assert session.get(subjects.Subject, site.person) is not None
    assert (found.subjects, found.dry_run) == (1, True)


def test_what_the_law_kept_survives_the_reapplied_erasure(site: Site, tmp_path: Path) -> None:
    with db.open_session(site.url) as session:
        customer = make_person(
            session,
            site.keys,
            site.org,
            email="cust@example.test",
            category="customer",
            activity="customer_service",
        ).subject.id
        make_person(
            session, site.keys, site.org, email="cust@example.test", category="customer", activity="invoicing"
        )
        session.commit()
    backup = _backup(site.url, tmp_path)
    _erase(site, "cust@example.test")
    _restore(backup, site.url)

    found = _apply(site)

    with db.open_session(site.url) as session:
        assert {c.activity for c in subjects.history(session, subject_id=customer)} == {"invoicing"}
        assert [r.ground for r in subjects.flags(session, subject_id=customer).restrictions] == [
            "retained_by_law"
        ]
    assert (found.subjects, found.collections) == (1, 1)
    assert _apply(site).subjects == 0


def test_a_person_who_came_back_after_the_erasure_is_left_alone(site: Site) -> None:
    _erase(site)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=5)), db.open_session(site.url) as session:
        back = make_person(session, site.keys, site.org, email="gone@example.test").subject.id
        session.commit()

    found = _apply(site)

    with db.open_session(site.url) as session:
        assert session.get(subjects.Subject, back) is not None
    assert found.subjects == 0


def test_old_tombstones_are_swept_after_the_backup_rotation(site: Site) -> None:
    _erase(site)

    with time_machine.travel(datetime.now(UTC) + timedelta(days=36)):
        dropped = tombstones.sweep(site.keys, rotation_days=35)

    assert dropped == 1 and tombstones.status(site.keys)[0] == 0


def test_the_tombstone_commands_report_and_exit_as_documented(
    lawful: Lawful, fresh_url: str, tmp_path: Path
) -> None:
    keys = keystore.open_keys(
        Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    )
    with db.open_session(fresh_url) as session:
        org = make_register(session, people()).organisation_id
        make_person(session, keys, org, email="cli@example.test", activity="newsletter")
        session.commit()
    backup = _backup(fresh_url, tmp_path)
    erasure = lawful(
        "dsr", "add", "cli@example.test", "--types", "erasure", "--channel", "email", "--verified"
    )
    assert erasure.exit_code == 0 and lawful("dsr", "run").exit_code == 0
    _restore(backup, fresh_url)

    pending = lawful("dsr", "tombstones", "apply", "--dry-run", "--json")
    applied = lawful("dsr", "tombstones", "apply", "--json")
    again = lawful("dsr", "tombstones", "apply")
    status = lawful("dsr", "tombstones", "status", "--json")

    assert pending.exit_code == 1 and json.loads(pending.stdout)["erased_again"] == 1
    assert applied.exit_code == 0 and json.loads(applied.stdout)["erased_again"] == 1
    assert again.exit_code == 0 and "0 person(s) were erased again" in again.stdout
    assert status.exit_code == 0 and json.loads(status.stdout)["count"] == 1
