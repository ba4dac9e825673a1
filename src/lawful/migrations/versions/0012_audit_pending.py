"""audit entries are written unsealed and chained by the sealer

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 03:05:00

The primary key moves from `seq` to `id`; `seq`, `prev_hash` and `hash` stay empty until the entry is
sealed (audit.service.seal). Existing entries are all sealed and keep their places.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_constraint("pk_audit_entries", type_="primary")
        batch_op.drop_constraint("uq_audit_entries_id", type_="unique")
        batch_op.create_primary_key("pk_audit_entries", ["id"])
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=True)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.create_unique_constraint("uq_audit_entries_seq", ["seq"])


def downgrade() -> None:
    op.execute("DELETE FROM audit_entries WHERE seq IS NULL")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_entries_seq", type_="unique")
        batch_op.drop_constraint("pk_audit_entries", type_="primary")
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_primary_key("pk_audit_entries", ["seq"])
        batch_op.create_unique_constraint("uq_audit_entries_id", ["id"])
