"""marketing: eligibility at send time, campaigns, exclusion entries per purpose

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 15:00:00

R-36, T-14: a campaign message is checked again when it is sent; a send records why it did not go
(`dropped` at send time, `cancelled` before it by an opt-out or by staff). `sent_at` was the moment the
message was queued: it is renamed `queued_at`. Campaigns get a row of their own (counts at queue time,
cancellation). An exclusion entry's scope may now name one purpose (an unsubscribe from one newsletter),
so the same address may have several entries, one per scope; existing entries keep scope `marketing`.
A send is found by its outbox message when the message's turn comes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lawful.db

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("purpose", sa.String(length=120), nullable=False),
        sa.Column("subject_line", sa.String(length=200), nullable=False),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.Column("excluded", sa.JSON(), nullable=False),
        sa.Column("queued_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("queued_by", sa.String(length=200), nullable=False),
        sa.Column("cancelled_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_campaigns_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("organisation_id", "key", name=op.f("uq_campaigns_organisation_id")),
    )
    with op.batch_alter_table("sends") as batch:
        batch.alter_column("sent_at", new_column_name="queued_at")
        batch.add_column(sa.Column("status", sa.String(length=20), nullable=False, server_default="queued"))
        batch.add_column(sa.Column("reason", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("decided_at", lawful.db.UTCDateTime(timezone=True), nullable=True))
        batch.create_index(batch.f("ix_sends_outbox_id"), ["outbox_id"], unique=False)
    with op.batch_alter_table("suppressions") as batch:
        batch.drop_constraint("uq_suppressions_organisation_id", type_="unique")
        batch.alter_column("scope", type_=sa.String(length=120), existing_type=sa.String(length=20))
        batch.create_unique_constraint(
            "uq_suppressions_organisation_id", ["organisation_id", "lookup", "scope"]
        )


def downgrade() -> None:
    with op.batch_alter_table("suppressions") as batch:
        batch.drop_constraint("uq_suppressions_organisation_id", type_="unique")
        batch.alter_column("scope", type_=sa.String(length=20), existing_type=sa.String(length=120))
        batch.create_unique_constraint("uq_suppressions_organisation_id", ["organisation_id", "lookup"])
    with op.batch_alter_table("sends") as batch:
        batch.drop_index(batch.f("ix_sends_outbox_id"))
        batch.drop_column("decided_at")
        batch.drop_column("reason")
        batch.drop_column("status")
        batch.alter_column("queued_at", new_column_name="sent_at")
    op.drop_table("campaigns")
