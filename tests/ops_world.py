"""Two organisations on a database of their own, served by the app and reached by `lawful` on the same
database and key store, as on a deployment: for the jobs and reads that R-123 gives a route."""

import copy
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lawful import keystore, staff
from lawful.app import create_app
from lawful.audit import AuditEntry
from lawful.config import Settings
from tests.conftest import Lawful, served_settings
from tests.factories import ACTOR, make_register

THEIRS = "other"  # the other organisation's slug; ours is the register's own, "acme"


@dataclass
class World:
    cli: Lawful
    client: TestClient
    sessions: sessionmaker[Session]
    keys: keystore.Keys
    settings: Settings
    ours: uuid.UUID
    theirs: uuid.UUID

    def key(self, *scopes: str, org: uuid.UUID | None = None, client: str | None = None) -> dict[str, str]:
        """Bearer headers of a new API key of `org` (ours by default) with these scopes."""
        with self.sessions() as db:
            _, token = staff.create_api_key(
                db, ACTOR, organisation_id=org or self.ours, name="ops", scopes=list(scopes), client=client
            )
            db.commit()
        return {"Authorization": f"Bearer {token}"}

    def entries(self, action: str) -> list[AuditEntry]:
        with self.sessions() as db:
            return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def open_world(
    lawful: Lawful,
    fresh_url: str,
    tmp_path: Path,
    register: dict[str, Any],
    theirs: dict[str, Any] | None = None,
) -> Iterator[World]:
    """`register` applied for ours and, under the slug `other`, `theirs` (by default the same) for theirs."""
    settings = served_settings(tmp_path, fresh_url)
    app = create_app(settings)
    sessions: sessionmaker[Session] = app.state.sessionmaker
    other = copy.deepcopy(register if theirs is None else theirs)
    other["organisation"]["slug"] = THEIRS
    with sessions() as db:
        ours = make_register(db, register).organisation_id
        theirs_id = make_register(db, other).organisation_id
        db.commit()
    with TestClient(app) as client:
        yield World(lawful, client, sessions, app.state.keys, settings, ours, theirs_id)
    app.state.engine.dispose()
