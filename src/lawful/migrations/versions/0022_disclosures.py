"""disclosures to authorities and legal recipients: the requests, their approval, and the log

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 14:56:47

R-89: one row per request of an authority or legal recipient (requester, legal basis, scope, date, a
legal prohibition to tell the person and its lifting, approval, what was disclosed by category), and one
per person it is about, by pseudonymous id without a foreign key so that the log outlives an erasure.
No value is stored.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lawful.db

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disclosures",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requester_kind", sa.String(length=30), nullable=False),
        sa.Column("requester", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=120), nullable=True),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("prohibition_ref", sa.String(length=300), nullable=True),
        sa.Column("prohibition_lifted_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("prohibition_lifted_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("approved_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("disclosed_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("disclosed_by", sa.String(length=200), nullable=True),
        sa.Column("disclosed_categories", sa.JSON(), nullable=False),
        sa.Column("refused", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_disclosures_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosures")),
    )
    with op.batch_alter_table("disclosures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosures_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "disclosure_subjects",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("disclosure_id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("informed_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("informed", sa.String(length=20), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["disclosure_id"],
            ["disclosures.id"],
            name=op.f("fk_disclosure_subjects_disclosure_id_disclosures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_disclosure_subjects_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_subjects")),
        sa.UniqueConstraint("disclosure_id", "subject_id", name=op.f("uq_disclosure_subjects_disclosure_id")),
    )
    with op.batch_alter_table("disclosure_subjects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosure_subjects_subject_id"), ["subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("disclosure_subjects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_subjects_subject_id"))

    op.drop_table("disclosure_subjects")
    with op.batch_alter_table("disclosures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosures_organisation_id"))

    op.drop_table("disclosures")
