"""opt-out offered at collection; the partners a consent names

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 12:40:00

collections.optout_offered (R-34, T-16): the Belgian soft opt-in (CEL Art. XII.13, Royal Decree of 4 April
2003) needs the refusal offered when the customer gave the address; rows collected before this revision
never recorded it, so they are false and do not qualify until the customer is asked again.

consent_events.recipients (R-33, R-39): a consent to pass data to partners for their own marketing names
them; the event keeps which recipient keys its text named. Earlier events named none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("collections") as batch:
        batch.add_column(sa.Column("optout_offered", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("consent_events") as batch:
        batch.add_column(sa.Column("recipients", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("consent_events") as batch:
        batch.drop_column("recipients")
    with op.batch_alter_table("collections") as batch:
        batch.drop_column("optout_offered")
