"""rights requests without email, and receipts of duplicate requests

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 12:00:00

R-43: a request by post, phone or in person carries a postal address or a phone number instead of an
email, sealed like the email (`postal`). `requester_lookup` is the keyed hash of the normalised email, so
a second request of the same person for the same right joins the open one as a receipt (request_receipts)
instead of opening a second case, and a confirmation after an erasure finds that erasure.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lawful.db

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("postal", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("requester_lookup", sa.String(length=64), nullable=True))
        batch.create_index(batch.f("ix_requests_requester_lookup"), ["requester_lookup"], unique=False)
    op.create_table(
        "request_receipts",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("received_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("code_expires_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_request_receipts_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_receipts")),
        sa.UniqueConstraint("reference", name=op.f("uq_request_receipts_reference")),
    )
    op.create_index(op.f("ix_request_receipts_request_id"), "request_receipts", ["request_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_request_receipts_request_id"), table_name="request_receipts")
    op.drop_table("request_receipts")
    with op.batch_alter_table("requests") as batch:
        batch.drop_index(batch.f("ix_requests_requester_lookup"))
        batch.drop_column("requester_lookup")
        batch.drop_column("postal")
