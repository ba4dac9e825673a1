"""Campaigns and their sends with the ePrivacy condition and the outcome at send time; social audience
uploads; the Do Not Call Me register."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class Campaign(Scoped, IdMixin, Base):
    """One campaign: who was left out when it was queued, by reason; cancelled or not."""

    __tablename__ = "campaigns"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    key: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[str] = mapped_column(String(120))
    subject_line: Mapped[str] = mapped_column(String(200))
    queued: Mapped[int]
    excluded: Mapped[dict[str, Any]]  # reason -> people left out when it was queued
    queued_at: Mapped[datetime]
    queued_by: Mapped[str] = mapped_column(String(200))
    cancelled_at: Mapped[datetime | None]


class SendStatus:
    """A send is `queued` until the outbox says otherwise; `dropped` at send time, `cancelled` before it."""

    QUEUED = "queued"
    DROPPED = "dropped"
    CANCELLED = "cancelled"


class Send(Scoped, IdMixin, Base):
    """One marketing message to one person, with the ePrivacy condition it relied on (R-34) and, when it
    did not go, why: left out at send time (`dropped`) or taken back before (`cancelled`), R-36."""

    __tablename__ = "sends"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    campaign: Mapped[str] = mapped_column(String(120), index=True)
    subject_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("subjects.id", ondelete="SET NULL"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(120))
    basis: Mapped[str] = mapped_column(String(40))
    outbox_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    queued_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default=SendStatus.QUEUED)
    reason: Mapped[str | None] = mapped_column(String(60))
    decided_at: Mapped[datetime | None]


class AudienceUpload(Scoped, IdMixin, Base):
    """One customer list sent to a social network as a matched audience (R-40): the platform as recipient."""

    __tablename__ = "audience_uploads"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(120))
    recipient: Mapped[str] = mapped_column(String(120))
    recipient_type: Mapped[str] = mapped_column(String(40))
    people: Mapped[int]
    fields: Mapped[list[Any]]
    hashed: Mapped[bool]
    status: Mapped[int]
    excluded: Mapped[dict[str, Any]]
    uploaded_at: Mapped[datetime]


class AudienceMember(Base):
    """Who was in an upload, so an access report names the platform that received their data (R-51)."""

    __tablename__ = "audience_members"

    upload_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("audience_uploads.id", ondelete="CASCADE"), primary_key=True
    )
    subject_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class DncmImport(Scoped, IdMixin, Base):
    """One import of the Belgian "Do Not Call Me" register; only the latest keeps its numbers (R-41)."""

    __tablename__ = "dncm_imports"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    source: Mapped[str] = mapped_column(String(200))
    numbers: Mapped[int]
    imported_at: Mapped[datetime]


class DncmNumber(Base):
    """A number on the register, as the keyed hash of its E.164 form: never the number itself (T-02)."""

    __tablename__ = "dncm_numbers"

    import_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("dncm_imports.id", ondelete="CASCADE"), primary_key=True
    )
    lookup: Mapped[str] = mapped_column(String(64), primary_key=True)
