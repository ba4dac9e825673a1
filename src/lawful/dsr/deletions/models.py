"""An automatic deletion (R-62): scheduled by a withdrawal or an objection, then carried out by a job."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin


class Deletion(IdMixin, Base):
    """One trigger (a consent event or an objection) and what its deletion did: categories and ids only.

    `subject_id` has no foreign key on purpose: the record outlives a whole erasure of the person, with
    the same pseudonymous id the audit log keeps (R-60).
    """

    __tablename__ = "automatic_deletions"
    __table_args__ = (
        UniqueConstraint("trigger", "trigger_id"),
        Index("ix_automatic_deletions_status_due_at", "status", "due_at"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(index=True)
    request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("requests.id", ondelete="SET NULL"))
    trigger: Mapped[str] = mapped_column(String(30))
    trigger_id: Mapped[uuid.UUID]
    activity: Mapped[str | None] = mapped_column(String(120))  # None: every activity the trigger covers
    triggered_at: Mapped[datetime]
    scheduled_at: Mapped[datetime]
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    attempts: Mapped[int] = mapped_column(default=0)
    executed_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any]]
