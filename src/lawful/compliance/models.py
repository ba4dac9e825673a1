"""What the compliance domain records: suspended transfers with their notice draft (R-114), Art. 14 notices
sent, printed or exempted (R-09, R-16), and a daily count of overdue items for the trend (R-125)."""

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class TransferSuspension(Scoped, IdMixin, Base):
    """A recipient whose transfer mechanism lapsed, from `suspended_at` until a register version renews it
    (`lifted_at`): flows to it refused (`action` "suspend"), or let through and flagged ("alert", as the
    register's `on_lapse` says). The notice draft says what the transfer section must now say."""

    __tablename__ = "transfer_suspensions"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(100))
    mechanism: Mapped[str | None] = mapped_column(String(40))
    valid_until: Mapped[date | None]
    reason: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(10), default="suspend", server_default="suspend")
    notice_draft: Mapped[str] = mapped_column(Text)
    suspended_at: Mapped[datetime]
    lifted_at: Mapped[datetime | None]


class Art14Notice(Scoped, IdMixin, Base):
    """One person's Art. 14 notice: mailed (`outbox_id`), to print as a letter, or exempted with its ground."""

    __tablename__ = "art14_notices"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    subject_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("subjects.id", ondelete="SET NULL"), index=True
    )
    method: Mapped[str] = mapped_column(String(10))  # email, letter, exempt
    language: Mapped[str | None] = mapped_column(String(2))
    ground: Mapped[str | None] = mapped_column(String(300))
    outbox_id: Mapped[uuid.UUID | None]
    done_at: Mapped[datetime]


class ComplianceSnapshot(Scoped, IdMixin, Base):
    """How many items were overdue and due soon on a day: written by the hourly task, once a day."""

    __tablename__ = "compliance_snapshots"
    __table_args__ = (UniqueConstraint("organisation_id", "day"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    day: Mapped[date]
    overdue: Mapped[int]
    due_soon: Mapped[int]
