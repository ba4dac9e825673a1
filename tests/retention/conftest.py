"""A fresh database with the retention register, the key store the CLI uses, and test mode (`--now` ahead)."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from lawful import db, keystore
from lawful.config import get_settings
from tests.conftest import Lawful
from tests.factories import make_register
from tests.retention import world as worlds


@dataclass
class World:
    url: str
    data_dir: Path
    keys: keystore.Keys
    organisation_id: uuid.UUID

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session of the test's own: what it arranges is committed; what it reads, another process wrote."""
        with db.open_session(self.url) as session:
            yield session
            session.commit()


@pytest.fixture
def world(lawful: Lawful, fresh_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("LAWFUL_TEST_MODE", "1")  # `--now` ahead of the clock: the years these rules run
    get_settings.cache_clear()
    keys = worlds.keys_for(fresh_url, tmp_path)
    with db.open_session(fresh_url) as session:
        organisation_id = make_register(session, worlds.register()).organisation_id
        session.commit()
    return World(fresh_url, tmp_path, keys, organisation_id)
