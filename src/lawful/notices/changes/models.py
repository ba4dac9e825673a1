"""A material notice change and the mail that told each person concerned about it, once (R-117)."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped, ScopedThrough


class NoticeChange(Scoped, IdMixin, Base):
    """One published notice version compared with the one before: its classification, whom it concerns,
    and when it takes effect."""

    __tablename__ = "notice_changes"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    notice_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notice_versions.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[int]
    material: Mapped[bool]
    reasons: Mapped[list[Any]]
    concerned: Mapped[dict[str, Any]]
    effective_from: Mapped[date]
    recorded_at: Mapped[datetime]
    mailed_at: Mapped[datetime | None]
    mailed: Mapped[int] = mapped_column(default=0)


class NoticeChangeMail(ScopedThrough, IdMixin, Base):
    """The one mail a person got about one change: in which language, through which outbox row. The row
    goes with the person when they are erased."""

    __tablename__ = "notice_change_mails"
    __table_args__ = (UniqueConstraint("change_id", "subject_id"),)

    change_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notice_changes.id"), index=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    outbox_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]

    @classmethod
    def of_organisation(cls, organisation_id: Any) -> Any:
        changes = select(NoticeChange.id).where(NoticeChange.organisation_id == organisation_id)
        return cls.change_id.in_(changes)
