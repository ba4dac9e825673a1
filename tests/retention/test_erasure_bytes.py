"""After a run, nothing readable of the deleted people is left: not in the database's bytes, and not in a copy
of the database taken before the run, whose sealed values no key opens any more (ARCHITECTURE §3.2)."""

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import make_url, select

from lawful import db, keystore, subjects
from lawful.dsr import tombstones
from tests.conftest import PG_URL, Lawful, _pg_database, drop_database
from tests.retention import world as worlds
from tests.retention.conftest import World

GONE, KEPT = "gone-bytes@example.test", "kept-bytes@example.test"
NAME = "Zebulon Quartzfield"


def _arrange(world: World) -> tuple[uuid.UUID, uuid.UUID]:
    with world.session() as session:
        gone = worlds.collect(
            session,
            world.keys,
            world.organisation_id,
            email=GONE,
            activity="request_followup",
            at=datetime(2023, 1, 10, 10, tzinfo=UTC),
            values={"user.name": NAME},
        )
        kept = worlds.collect(
            session,
            world.keys,
            world.organisation_id,
            email=KEPT,
            activity="request_followup",
            at=datetime(2025, 6, 1, tzinfo=UTC),
        )
    return gone, kept


@contextmanager
def _copy(world: World, tmp_path: Path) -> Iterator[str]:
    """A copy of the main database as a backup would hold it (SQLite's backup API; a PostgreSQL template)."""
    if PG_URL:
        url = _pg_database(
            PG_URL, f"lawful_copy_{uuid.uuid4().hex[:10]}", template=make_url(world.url).database
        )
        yield url
        drop_database(url)
        return
    target = tmp_path / "backup.db"
    with sqlite3.connect(make_url(world.url).database or "") as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    yield f"sqlite:///{target}"


def _readable(url: str, world: World, subject_id: uuid.UUID) -> list[str]:
    """The person's values, opened with the key store as it is now (a fresh one: nothing cached)."""
    fresh = keystore.Keys.__new__(keystore.Keys)
    fresh.store = keystore.KeyStore(world.keys.store.engine, world.keys.store.keyring)
    with db.open_session(url) as session:
        return sorted(v.value for v in subjects.values(session, fresh, subject_id=subject_id))


def test_a_copy_taken_before_the_run_cannot_be_read_for_the_deleted(
    lawful: Lawful, world: World, tmp_path: Path
) -> None:
    gone, kept = _arrange(world)
    with _copy(world, tmp_path) as backup:
        before = _readable(backup, world, gone)

        ran = lawful("retention", "run", "--now", "2026-01-11")

        assert ran.exit_code == 0 and "deleted:1" in ran.stdout
        assert before == sorted([GONE, NAME])
        with pytest.raises(subjects.KeyDestroyed):
            _readable(backup, world, gone)
        assert _readable(backup, world, kept) == sorted([KEPT, "Test Person"])  # other people's keys stay
    with world.keys.store.engine.connect() as connection:
        left = connection.execute(
            select(keystore.WrappedKey.owner).where(keystore.WrappedKey.owner == keystore.subject_owner(gone))
        ).all()
    assert left == []
    assert gone in {t.subject_id for t in tombstones.all_tombstones(world.keys)}  # re-applied after a restore


@pytest.mark.skipif(bool(PG_URL), reason="the bytes of SQLite's files; PostgreSQL's are the server's")
def test_the_database_files_hold_no_plaintext_of_the_deleted(lawful: Lawful, world: World) -> None:
    gone, _ = _arrange(world)
    path = Path(make_url(world.url).database or "")

    ran = lawful("retention", "run", "--now", "2026-01-11")

    assert ran.exit_code == 0 and "deleted:1" in ran.stdout
    files = [p for p in (path, Path(f"{path}-wal")) if p.exists()]
    # the values were only ever stored sealed; this catches a run (or its log) that writes them out
    assert files and all(name.encode() not in f.read_bytes() for f in files for name in (GONE, NAME))
    with world.session() as session:
        assert session.scalar(select(subjects.Subject.id).where(subjects.Subject.id == gone)) is None
