"""breach scopes and letters

Revision ID: 0030
Revises: 0028
Create Date: 2026-12-07 15:23:10.171424
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lawful.db

revision: str = "0030"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "breach_scopes",
        sa.Column("breach_id", sa.Uuid(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("data_categories", sa.JSON(), nullable=False),
        sa.Column("subject_categories", sa.JSON(), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("computed_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("computed_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"],
            ["breaches.id"],
            name=op.f("fk_breach_scopes_breach_id_breaches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_scopes")),
    )
    with op.batch_alter_table("breach_scopes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breach_scopes_breach_id"), ["breach_id"], unique=False)

    op.create_table(
        "breach_communications",
        sa.Column("breach_id", sa.Uuid(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("created_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"],
            ["breaches.id"],
            name=op.f("fk_breach_communications_breach_id_breaches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["breach_decisions.id"],
            name=op.f("fk_breach_communications_decision_id_breach_decisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_communications")),
    )
    with op.batch_alter_table("breach_communications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breach_communications_breach_id"), ["breach_id"], unique=False)

    op.create_table(
        "breach_letters",
        sa.Column("breach_id", sa.Uuid(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("communication_id", sa.Uuid(), nullable=False),
        sa.Column("entry", sa.String(length=36), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("outbox_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"],
            ["breaches.id"],
            name=op.f("fk_breach_letters_breach_id_breaches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["communication_id"],
            ["breach_communications.id"],
            name=op.f("fk_breach_letters_communication_id_breach_communications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["breach_decisions.id"],
            name=op.f("fk_breach_letters_decision_id_breach_decisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name=op.f("fk_breach_letters_outbox_id_outbox"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_letters")),
        sa.UniqueConstraint("breach_id", "decision_id", "entry", name=op.f("uq_breach_letters_breach_id")),
    )
    with op.batch_alter_table("breach_letters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breach_letters_breach_id"), ["breach_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_breach_letters_communication_id"), ["communication_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_breach_letters_outbox_id"), ["outbox_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("breach_letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_breach_letters_outbox_id"))
        batch_op.drop_index(batch_op.f("ix_breach_letters_communication_id"))
        batch_op.drop_index(batch_op.f("ix_breach_letters_breach_id"))

    op.drop_table("breach_letters")
    with op.batch_alter_table("breach_communications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_breach_communications_breach_id"))

    op.drop_table("breach_communications")
    with op.batch_alter_table("breach_scopes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_breach_scopes_breach_id"))

    op.drop_table("breach_scopes")
