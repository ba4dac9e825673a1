"""the audit log's signed head

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 09:00:00

R-88, Art. 5(2) and 32: each seal signs the chain's new head with the audit key of the key store, in the
seal's own transaction; verify rejects sealed entries beyond it and a head that was cut off. One row: the
chain links every earlier entry to it. Installations that sealed entries before this revision have no row:
the first seal after the upgrade signs the head as it stands.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lawful.db

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_signed_heads",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_signed_heads")),
    )


def downgrade() -> None:
    op.drop_table("audit_signed_heads")
