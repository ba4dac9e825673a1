"""audit marks: the newest signed head of each main database's audit log (R-88)

Revision ID: k0003
Revises: k0002
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lawful.db

revision: str = "k0003"
down_revision: str | None = "k0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_marks",
        sa.Column("database", sa.String(length=400), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.Column("signed_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("database", name=op.f("pk_audit_marks")),
    )


def downgrade() -> None:
    op.drop_table("audit_marks")
