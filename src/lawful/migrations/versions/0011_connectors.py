"""connectors

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 03:05:00

The erasure plans and evidence of the company's other datastores (lawful.connectors).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lawful.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "datastore_erasures",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("datastore", sa.String(length=41), nullable=False),
        sa.Column("lookup", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("planned_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_datastore_erasures_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datastore_erasures")),
        sa.UniqueConstraint(
            "organisation_id", "datastore", "lookup", name=op.f("uq_datastore_erasures_organisation_id")
        ),
    )
    with op.batch_alter_table("datastore_erasures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_datastore_erasures_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("datastore_erasures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_datastore_erasures_organisation_id"))
    op.drop_table("datastore_erasures")
