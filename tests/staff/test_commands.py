"""`lawful staff …` run as its own process against a fresh database: the outcome and its audit entry."""

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from lawful import audit, db, staff
from tests.conftest import Lawful
from tests.registers import as_yaml, minimal


@pytest.fixture
def stored(lawful: Lawful, fresh_url: str, tmp_path: Path) -> Iterator[Session]:
    """A register and one trained auditor, set up in-process; the test then runs its command in a new process."""
    lawful.apply_register(tmp_path, as_yaml(minimal()))
    added = lawful("staff", "add", "ann@example.test", "--role", "auditor", "--training", "2026-01-05")
    assert added.exit_code == 0
    engine = db.make_engine(fresh_url)
    with db.make_sessionmaker(engine)() as session:
        yield session
    engine.dispose()


def test_staff_grant_in_its_own_process_adds_the_role_and_audits_it(lawful: Lawful, stored: Session) -> None:
    result = lawful.process("staff", "grant", "ann@example.test", "--role", "engineer")

    user = staff.find_by_email(stored, email="ann@example.test")
    assert result.returncode == 0, result.stderr
    assert user is not None and user.roles == ["auditor", "engineer"]
    entry = audit.latest(stored, entity=user)
    assert entry is not None and entry.action == "staff.granted"
    assert entry.data["before"] == ["auditor"] and entry.data["after"] == ["auditor", "engineer"]
    assert set(entry.data) == {"before", "after", "expires_on", "review_due"}  # the grant's dates


def test_staff_revoke_in_its_own_process_removes_the_role_and_audits_it(
    lawful: Lawful, stored: Session
) -> None:
    result = lawful.process("staff", "revoke", "ann@example.test", "--role", "auditor")

    user = staff.find_by_email(stored, email="ann@example.test")
    assert result.returncode == 0, result.stderr
    assert user is not None and user.roles == []
    entry = audit.latest(stored, entity=user)
    assert entry is not None and entry.action == "staff.revoked"
    assert entry.data == {"before": ["auditor"], "after": []}


def test_staff_revoke_key_in_its_own_process_revokes_the_key_and_audits_it(
    lawful: Lawful, stored: Session
) -> None:
    created = json.loads(lawful("staff", "api-key", "crm", "--scope", "register:read", "--json").stdout)

    result = lawful.process("staff", "revoke-key", created["id"])

    key = stored.get(staff.ApiKey, uuid.UUID(created["id"]))
    assert result.returncode == 0, result.stderr
    assert key is not None and key.revoked_at is not None
    entry = audit.latest(stored, entity=key)
    assert entry is not None and entry.action == "staff.api_key_revoked"
    with pytest.raises(staff.InvalidCredentials):
        staff.actor_for_api_key(stored, token=created["key"])


def test_staff_grant_of_an_unknown_email_exits_1_and_writes_nothing(lawful: Lawful, stored: Session) -> None:
    before = audit.latest(stored)
    stored.commit()  # the read seals the chain; release the database for the command

    result = lawful.process("staff", "grant", "nobody@example.test", "--role", "engineer")

    assert result.returncode == 1 and "staff_not_found" in result.stderr
    assert "Traceback" not in result.stderr
    assert audit.latest(stored) == before
