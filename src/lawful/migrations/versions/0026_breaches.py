"""breaches

Revision ID: 0026
Revises: 0027
Create Date: 2026-12-07 14:54:06.716152
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lawful.db

revision: str = "0026"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "breaches",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("occurred_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("occurred_recorded_by", sa.String(length=200), nullable=True),
        sa.Column("detected_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("detected_recorded_by", sa.String(length=200), nullable=True),
        sa.Column("aware_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("aware_recorded_by", sa.String(length=200), nullable=False),
        sa.Column("deadline_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reported_by_kind", sa.String(length=20), nullable=False),
        sa.Column("reported_by", sa.String(length=200), nullable=False),
        sa.Column("reported_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("detector", sa.String(length=40), nullable=True),
        sa.Column("signal_key", sa.String(length=120), nullable=True),
        sa.Column("signal", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("nature", sa.JSON(), nullable=False),
        sa.Column("data_categories", sa.JSON(), nullable=False),
        sa.Column("subject_categories", sa.JSON(), nullable=False),
        sa.Column("approx_subjects", sa.Integer(), nullable=True),
        sa.Column("approx_records", sa.Integer(), nullable=True),
        sa.Column("systems", sa.JSON(), nullable=False),
        sa.Column("datastores", sa.JSON(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=True),
        sa.Column("consequences", sa.Text(), nullable=True),
        sa.Column("risk", sa.String(length=20), nullable=True),
        sa.Column("risk_rationale", sa.Text(), nullable=True),
        sa.Column("assessed_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("assessed_by", sa.String(length=200), nullable=True),
        sa.Column("measures_taken", sa.Text(), nullable=True),
        sa.Column("measures_proposed", sa.Text(), nullable=True),
        sa.Column("client_controller", sa.String(length=200), nullable=True),
        sa.Column("client_deadline_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("affected_key_id", sa.String(length=80), nullable=True),
        sa.Column("affected", sa.LargeBinary(), nullable=True),
        sa.Column("affected_count", sa.Integer(), nullable=True),
        sa.Column("affected_destroy_after", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", lawful.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_breaches_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breaches")),
        sa.UniqueConstraint("organisation_id", "number", name="uq_breaches_organisation_id_number"),
        sa.UniqueConstraint("organisation_id", "signal_key", name="uq_breaches_organisation_id_signal_key"),
    )
    with op.batch_alter_table("breaches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breaches_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_breaches_reported_by_key_id"), ["reported_by_key_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_breaches_status"), ["status"], unique=False)
        batch_op.create_index("ix_breaches_status_deadline_at", ["status", "deadline_at"], unique=False)

    op.create_table(
        "breach_alerts",
        sa.Column("breach_id", sa.Uuid(), nullable=False),
        sa.Column("threshold_hours", sa.Integer(), nullable=False),
        sa.Column("sent_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"],
            ["breaches.id"],
            name=op.f("fk_breach_alerts_breach_id_breaches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_alerts")),
        sa.UniqueConstraint("breach_id", "threshold_hours", name=op.f("uq_breach_alerts_breach_id")),
    )
    with op.batch_alter_table("breach_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breach_alerts_breach_id"), ["breach_id"], unique=False)

    op.create_table(
        "breach_decisions",
        sa.Column("breach_id", sa.Uuid(), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("notify", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("late_reason", sa.Text(), nullable=True),
        sa.Column("exemption", sa.String(length=40), nullable=True),
        sa.Column("public_notice_url", sa.String(length=500), nullable=True),
        sa.Column("decided_at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"],
            ["breaches.id"],
            name=op.f("fk_breach_decisions_breach_id_breaches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_decisions")),
    )
    with op.batch_alter_table("breach_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breach_decisions_breach_id"), ["breach_id"], unique=False)

    op.create_table(
        "breach_notes",
        sa.Column("breach_id", sa.Uuid(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("at", lawful.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"],
            ["breaches.id"],
            name=op.f("fk_breach_notes_breach_id_breaches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_notes")),
    )
    with op.batch_alter_table("breach_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breach_notes_breach_id"), ["breach_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("breach_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_breach_notes_breach_id"))

    op.drop_table("breach_notes")
    with op.batch_alter_table("breach_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_breach_decisions_breach_id"))

    op.drop_table("breach_decisions")
    with op.batch_alter_table("breach_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_breach_alerts_breach_id"))

    op.drop_table("breach_alerts")
    with op.batch_alter_table("breaches", schema=None) as batch_op:
        batch_op.drop_index("ix_breaches_status_deadline_at")
        batch_op.drop_index(batch_op.f("ix_breaches_status"))
        batch_op.drop_index(batch_op.f("ix_breaches_reported_by_key_id"))
        batch_op.drop_index(batch_op.f("ix_breaches_organisation_id"))

    op.drop_table("breaches")
