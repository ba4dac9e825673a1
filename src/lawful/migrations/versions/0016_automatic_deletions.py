"""automatic deletions after a withdrawal or an upheld objection

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 07:30:00

R-62, Art. 17(1)(b)-(c): one row per trigger (a consent withdrawal event, an upheld objection, a marketing
objection), scheduled in the trigger's transaction or by the sweep, and carried out by a job; the row keeps
what was deleted and what was kept and why (categories and ids, never values).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lawful.db

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "automatic_deletions",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column("trigger", sa.String(length=30), nullable=False),
        sa.Column("trigger_id", sa.Uuid(), nullable=False),
        sa.Column("activity", sa.String(length=120), nullable=True),
        sa.Column("triggered_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("scheduled_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("executed_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_automatic_deletions_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_automatic_deletions_request_id_requests"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automatic_deletions")),
        sa.UniqueConstraint("trigger", "trigger_id", name=op.f("uq_automatic_deletions_trigger")),
    )
    with op.batch_alter_table("automatic_deletions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_automatic_deletions_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_automatic_deletions_subject_id"), ["subject_id"], unique=False)
        batch_op.create_index("ix_automatic_deletions_status_due_at", ["status", "due_at"], unique=False)


def downgrade() -> None:
    op.drop_table("automatic_deletions")
