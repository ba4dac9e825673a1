"""outbox: the keyed hash of each queued message's recipient, and what it is about

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 10:00:00

T-05, R-59: an erasure deletes the person's queued mail, found by the keyed hash of the normalised
address rather than by decrypting every queued message; `about` names the rights request a message
answers, so the erasure's own confirmation stays. Rows queued before this revision have no hash: the
erasure opens those (and only those) and hashes them then.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient_lookup", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("about", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_recipient_lookup"), ["recipient_lookup"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_recipient_lookup"))
        batch_op.drop_column("about")
        batch_op.drop_column("recipient_lookup")
