"""The CLI and the HTTP API on one database of the test's own, as on a deployment: what a route answers is
compared with what its command prints (R-123), and what either wrote is read afresh."""

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from lawful.app import create_app
from lawful.audit import AuditEntry
from tests.conftest import Lawful, served_settings
from tests.registers import as_yaml


@dataclass
class World:
    lawful: Lawful
    client: TestClient
    sessions: "sessionmaker[Session]"
    tmp_path: Path

    def apply(self, document: dict[str, Any]) -> None:
        """A register version applied by `lawful register apply`."""
        path = self.tmp_path / f"register-{uuid.uuid4().hex[:6]}.yaml"
        path.write_text(as_yaml(document), encoding="utf-8")
        applied = self.lawful("register", "apply", str(path))
        assert applied.exit_code == 0, applied.output

    def key(self, *scopes: str, org: str | None = None) -> dict[str, str]:
        """Bearer headers of a new API key with these scopes, made by `lawful staff api-key`."""
        args = [arg for scope in scopes for arg in ("--scope", scope)] + (["--org", org] if org else [])
        made = self.lawful("staff", "api-key", f"k-{uuid.uuid4().hex[:6]}", *args, "--json")
        assert made.exit_code == 0, made.output
        return {"Authorization": f"Bearer {json.loads(made.stdout)['key']}"}

    def cli(self, *args: str) -> Any:
        """What `lawful ARGS --json` prints, the command having succeeded."""
        done = self.lawful(*args, "--json")
        assert done.exit_code == 0, done.output
        return json.loads(done.stdout)

    def audit(self, action: str | None = None) -> list[AuditEntry]:
        query = select(AuditEntry)
        with self.sessions() as db:
            return list(db.scalars(query if action is None else query.where(AuditEntry.action == action)))

    def entries(self) -> int:
        with self.sessions() as db:
            return db.scalar(select(func.count()).select_from(AuditEntry)) or 0


def served(lawful: Lawful, fresh_url: str, tmp_path: Path, **overrides: Any) -> Iterator[World]:
    """The app on `fresh_url` (the database `lawful` uses), for a fixture to yield from."""
    app = create_app(served_settings(tmp_path, fresh_url, **overrides))
    with TestClient(app) as client:
        yield World(lawful, client, app.state.sessionmaker, tmp_path)
    app.state.engine.dispose()
