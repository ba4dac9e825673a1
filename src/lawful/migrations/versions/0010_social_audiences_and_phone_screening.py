"""social audiences and phone screening

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 03:05:00

Matched-audience uploads to social networks with who was in each (R-40); imports of the Belgian
"Do Not Call Me" register kept as keyed hashes (R-41).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lawful.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audience_uploads",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=120), nullable=False),
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.Column("recipient_type", sa.String(length=40), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("hashed", sa.Boolean(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("excluded", sa.JSON(), nullable=False),
        sa.Column("uploaded_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_audience_uploads_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audience_uploads")),
    )
    with op.batch_alter_table("audience_uploads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audience_uploads_organisation_id"), ["organisation_id"], unique=False
        )
    op.create_table(
        "audience_members",
        sa.Column("upload_id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_audience_members_subject_id_subjects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["upload_id"],
            ["audience_uploads.id"],
            name=op.f("fk_audience_members_upload_id_audience_uploads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("upload_id", "subject_id", name=op.f("pk_audience_members")),
    )
    with op.batch_alter_table("audience_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audience_members_subject_id"), ["subject_id"], unique=False)
    op.create_table(
        "dncm_imports",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("numbers", sa.Integer(), nullable=False),
        sa.Column("imported_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_dncm_imports_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dncm_imports")),
    )
    with op.batch_alter_table("dncm_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dncm_imports_organisation_id"), ["organisation_id"], unique=False
        )
    op.create_table(
        "dncm_numbers",
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("lookup", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["dncm_imports.id"],
            name=op.f("fk_dncm_numbers_import_id_dncm_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("import_id", "lookup", name=op.f("pk_dncm_numbers")),
    )


def downgrade() -> None:
    op.drop_table("dncm_numbers")
    with op.batch_alter_table("dncm_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dncm_imports_organisation_id"))
    op.drop_table("dncm_imports")
    with op.batch_alter_table("audience_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audience_members_subject_id"))
    op.drop_table("audience_members")
    with op.batch_alter_table("audience_uploads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audience_uploads_organisation_id"))
    op.drop_table("audience_uploads")
