"""rights requests: an owner (assignee) on each request

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 10:00:00

R-45, R-70: a request or case has an assignee, a staff member of the organisation; removing the staff
member leaves the request without one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee_id", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_requests_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_requests_assignee_id_staff_users"),
            "staff_users",
            ["assignee_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_requests_assignee_id_staff_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_requests_assignee_id"))
        batch_op.drop_column("assignee_id")
