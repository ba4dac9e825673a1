"""consent given as a child, and the child flag found quickly

Revision ID: 0029
Revises: 0024
Create Date: 2026-12-08 10:00:00

R-111: a consent event records whether the person gave it as a child (under 18 on that day, or already
flagged as a child), so an erasure of what it covered is never balanced against other interests. R-110:
the sweep of automatic deletions finds the people flagged as children by an index, not a scan.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consent_events", schema=None) as batch:
        batch.add_column(sa.Column("as_child", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("subjects", schema=None) as batch:
        batch.create_index(batch.f("ix_subjects_child"), ["child"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("subjects", schema=None) as batch:
        batch.drop_index(batch.f("ix_subjects_child"))
    with op.batch_alter_table("consent_events", schema=None) as batch:
        batch.drop_column("as_child")
