"""Two organisations on one database, reached through the API (TestClient on the real app) and the CLI
(`lawful …` in-process): for the routes of the commands that act on their own (R-123)."""

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lawful import audit, consent, db, keystore
from lawful.actor import Actor, ActorKind
from lawful.app import create_app
from lawful.config import Settings
from tests.conftest import Lawful, served_settings
from tests.dsr.requests import organisation
from tests.factories import make_api_key, make_person

ARRANGER = Actor(ActorKind.CLI, label="cli:arrange")
PROOF = consent.Proof(text="Yes", text_version="1", language="en", channel="web_form", element="x")


@dataclass
class World:
    lawful: Lawful
    client: TestClient
    sessions: "sessionmaker[Session]"
    keys: keystore.Keys
    settings: Settings
    ours: uuid.UUID  # slug "acme"
    theirs: uuid.UUID  # slug "other"

    def key(self, *scopes: str, theirs: bool = False) -> dict[str, str]:
        with self.sessions() as session:
            token = make_api_key(session, self.theirs if theirs else self.ours, list(scopes))
            session.commit()
        return {"Authorization": f"Bearer {token}"}

    def cli_json(self, *args: str) -> Any:
        result = self.lawful(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def entries(self, action: str) -> list[audit.AuditEntry]:
        with self.sessions() as session:
            query = select(audit.AuditEntry).where(audit.AuditEntry.action == action)
            return list(session.scalars(query.order_by(audit.AuditEntry.at)))


def build(lawful: Lawful, fresh_url: str, tmp_path: Path, **overrides: Any) -> Iterator[World]:
    settings = served_settings(tmp_path, fresh_url, **overrides)
    keys = keystore.open_keys(settings)
    with db.open_session(fresh_url) as session:
        ours, theirs = organisation(session), organisation(session, slug="other")
        session.commit()
    app = create_app(settings)
    with TestClient(app) as client:
        yield World(lawful, client, app.state.sessionmaker, keys, settings, ours, theirs)
    app.state.engine.dispose()


def withdrawn_subscriber(world: World, org: uuid.UUID, email: str) -> uuid.UUID:
    """A committed newsletter subscriber who withdrew their consent: an automatic deletion is due (R-62)."""
    with world.sessions() as session:
        subject = make_person(session, world.keys, org, email=email, activity="newsletter").subject
        for kind in (consent.EventKind.GIVEN, consent.EventKind.WITHDRAWN):
            consent.record(
                session,
                ARRANGER,
                organisation_id=org,
                subject_id=subject.id,
                purpose="newsletter",
                kind=kind,
                proof=PROOF,
            )
        session.commit()
        return subject.id
