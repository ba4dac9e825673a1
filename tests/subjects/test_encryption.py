"""Per-person encryption on committed data: no readable address in the database, crypto-shredding, rotation."""

import base64
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import make_url, select

from lawful import crypto, db, keystore, subjects
from lawful.config import Settings
from lawful.subjects import PersonalData
from tests.conftest import MASTER_KEY, PG_URL, _pg_database, drop_database
from tests.factories import make_person, make_register
from tests.registers import people

EMAIL = "crypto.shred@example.test"
NAME = "Zygmunt Quarantotto"


@pytest.fixture
def stores(fresh_url: str, tmp_path: Path) -> Iterator[tuple[str, keystore.Keys]]:
    """A committed person in a database of their own, with a key store of their own."""
    settings = Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    keys = keystore.open_keys(settings)
    with db.open_session(fresh_url) as session:
        org = make_register(session, people()).organisation_id
        make_person(session, keys, org, email=EMAIL, values={"user.name": NAME})
        session.commit()
    yield fresh_url, keys


def _subject_id(url: str) -> object:
    with db.open_session(url) as session:
        return session.scalars(select(PersonalData.subject_id)).first()


def _read(url: str, keys: keystore.Keys, subject_id: object) -> list[str]:
    with db.open_session(url) as session:
        return [v.value for v in subjects.values(session, keys, subject_id=subject_id)]  # type: ignore[arg-type]


def _backup(url: str, tmp_path: Path) -> str:
    """A copy of the main database as a backup would hold it (file copy, or a PostgreSQL copy)."""
    if PG_URL:
        return _pg_database(url, f"{make_url(url).database}_bak", template=make_url(url).database)
    source = Path(make_url(url).database or "")
    with closing(sqlite3.connect(source)) as raw:  # outside any transaction: fold the WAL into the file
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = tmp_path / "backup.db"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def test_the_main_database_holds_no_readable_address_or_name(
    stores: tuple[str, keystore.Keys], tmp_path: Path
) -> None:
    url, _ = stores

    dump = _dump(url, tmp_path)

    assert EMAIL.encode() not in dump and NAME.encode() not in dump


def _dump(url: str, tmp_path: Path) -> bytes:
    if PG_URL:
        parsed = make_url(url)
        return subprocess.run(
            [
                "pg_dump",
                "-h",
                parsed.host or "127.0.0.1",
                "-U",
                parsed.username or "postgres",
                "--data-only",
                parsed.database or "",
            ],
            check=True,
            capture_output=True,
        ).stdout
    path = Path(make_url(url).database or "")
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_destroying_the_key_makes_a_backup_unreadable(
    stores: tuple[str, keystore.Keys], tmp_path: Path
) -> None:
    url, keys = stores
    subject_id = _subject_id(url)
    backup = _backup(url, tmp_path)
    assert sorted(_read(backup, keys, subject_id)) == sorted([EMAIL, NAME])

    keys.store.destroy(keystore.subject_owner(subject_id))  # type: ignore[arg-type]

    with pytest.raises(subjects.KeyDestroyed):
        _read(backup, keys, subject_id)
    if PG_URL:
        drop_database(backup)


def test_rotating_the_master_key_rewraps_keys_and_leaves_data_as_they_are(
    stores: tuple[str, keystore.Keys], tmp_path: Path
) -> None:
    url, keys = stores
    subject_id = _subject_id(url)
    with db.open_session(url) as session:
        before = sorted(session.scalars(select(PersonalData.value)))
    new_key = base64.b64encode(crypto.new_key()).decode()
    rotating = keystore.KeyStore(
        keys.store.engine, crypto.Keyring(base64.b64decode(new_key), [base64.b64decode(MASTER_KEY)])
    )

    rewrapped = rotating.rotate()

    only_new = keystore.KeyStore(keys.store.engine, crypto.Keyring(base64.b64decode(new_key)))
    with db.open_session(url) as session:
        after = sorted(session.scalars(select(PersonalData.value)))
        values = subjects.values(session, keystore.Keys(only_new), subject_id=subject_id)  # type: ignore[arg-type]
    assert rewrapped >= 1 and only_new.count_not_current() == 0
    assert after == before
    assert sorted(v.value for v in values) == sorted([EMAIL, NAME])


def test_without_the_master_key_the_key_store_reveals_nothing(stores: tuple[str, keystore.Keys]) -> None:
    _, keys = stores
    stranger = keystore.KeyStore(keys.store.engine, crypto.Keyring(crypto.new_key()))

    with pytest.raises(KeyError, match="not configured"):
        stranger.get(keystore.subject_owner(_subject_id(stores[0])))  # type: ignore[arg-type]
