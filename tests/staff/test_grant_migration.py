"""Migration 0037: each role given before grants were recorded becomes a grant due on the account's own
access review date, so the upgrade neither takes access away nor extends it (R-84)."""

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import text

from lawful import db


def test_existing_roles_become_grants_due_on_the_accounts_review_date(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = db.alembic_config()
    org, user = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0030")
        connection.execute(
            text(
                "INSERT INTO organisations (id, slug, legal_name, created_at) VALUES (:id, 'acme', 'Acme', :at)"
            ),
            {"id": org.hex, "at": datetime(2025, 1, 1, tzinfo=UTC)},
        )
        connection.execute(
            text(
                "INSERT INTO staff_users (id, organisation_id, email, display_name, password_hash, totp_secret, "
                "totp_last_step, roles, access_review_due, active, created_at) VALUES (:id, :org, 'a@example.test', "
                "'A', 'x', :secret, 0, :roles, :due, 1, :at)"
            ),
            {"id": user.hex, "org": org.hex, "secret": b"s", "roles": '["auditor", "support"]',
             "due": date(2026, 3, 1), "at": datetime(2025, 1, 1, tzinfo=UTC)},
        )  # fmt: skip
        command.upgrade(config, "0037")
        grants = connection.execute(
            text("SELECT role, expires_on, review_due, granted_by FROM staff_grants ORDER BY role")
        ).all()
    engine.dispose()

    assert [tuple(map(str, g)) for g in grants] == [
        ("auditor", "2026-03-01", "2026-03-01", "before grants were recorded"),
        ("support", "2026-03-01", "2026-03-01", "before grants were recorded"),
    ]
