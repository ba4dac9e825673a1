"""recipients told of a request: retried by API, else a task for staff

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 12:00:00

Art. 19, R-56: one row per recipient of a request's changes, with its attempts and back-off, or the task
staff carry out by hand and the outcome they record (who was told, when, how, or why not). The payload
is sealed under the outbox key and dropped once the recipient is told or the task is closed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lawful.db

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recipient_notices",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("step", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=60), nullable=True),
        sa.Column("reason", sa.String(length=60), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("created_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("told_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_recipient_notices_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_recipient_notices_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipient_notices")),
    )
    with op.batch_alter_table("recipient_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recipient_notices_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_recipient_notices_request_id"), ["request_id"], unique=False)
        batch_op.create_index(
            "ix_recipient_notices_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("recipient_notices")
