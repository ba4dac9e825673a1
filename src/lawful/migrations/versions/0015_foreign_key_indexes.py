"""indexes under the foreign keys that an erasure's cascade follows

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 03:40:00

Deleting a person cascades to their collections and from there to personal_data.collection_id, to
consent_states.subject_id and to sends.subject_id; without these indexes each cascade scanned its whole
table (30 ms of a 90 ms erasure with 100,000 people).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("personal_data", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_personal_data_collection_id"), ["collection_id"], unique=False)
    with op.batch_alter_table("consent_states", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_states_subject_id"), ["subject_id"], unique=False)
    with op.batch_alter_table("sends", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sends_subject_id"), ["subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sends", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sends_subject_id"))
    with op.batch_alter_table("consent_states", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_states_subject_id"))
    with op.batch_alter_table("personal_data", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personal_data_collection_id"))
