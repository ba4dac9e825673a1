"""datastore retention log

Revision ID: 0024
Revises: 0026
Create Date: 2026-12-07 15:00:00

R-72, R-75: the deletion log of the company's datastores, one entry per run, table and retention rule
(counts and times; the rows' keys only while the entry is planned, so a crashed run resumes it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lawful.db

revision: str = "0024"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "datastore_retentions",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("datastore", sa.String(length=41), nullable=False),
        sa.Column("table_name", sa.String(length=63), nullable=False),
        sa.Column("retention", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.Column("keys", sa.JSON(), nullable=False),
        sa.Column("planned_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_datastore_retentions_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datastore_retentions")),
    )
    with op.batch_alter_table("datastore_retentions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_datastore_retentions_status", ["organisation_id", "datastore", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("datastore_retentions", schema=None) as batch_op:
        batch_op.drop_index("ix_datastore_retentions_status")

    op.drop_table("datastore_retentions")
