"""Transfer lapses record whether flows were suspended or let through with an alert (R-114, `on_lapse`).

Revision ID: 0041
Revises: 0038
Create Date: 2026-12-07 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0041"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("transfer_suspensions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("action", sa.String(length=10), server_default="suspend", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("transfer_suspensions", schema=None) as batch_op:
        batch_op.drop_column("action")
