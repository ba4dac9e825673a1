"""Rights requests as persisted state machines: the request, its steps, codes and answer packages."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped, ScopedThrough


class Request(Scoped, IdMixin, Base):
    __tablename__ = "requests"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    subject_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("subjects.id", ondelete="SET NULL"), index=True
    )
    kinds: Mapped[list[Any]]
    channel: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(2))
    received_at: Mapped[datetime]
    due_on: Mapped[date] = mapped_column(index=True)
    extension_months: Mapped[int] = mapped_column(default=0)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30), index=True)
    contact: Mapped[bytes | None] = mapped_column(LargeBinary)
    # name, postal address and phone of a request by post, phone or in person, sealed like `contact`
    postal: Mapped[bytes | None] = mapped_column(LargeBinary)
    # keyed hash of the normalised email: the same person's open request for the same right is found by it
    requester_lookup: Mapped[str | None] = mapped_column(String(64), index=True)
    identity_method: Mapped[str | None] = mapped_column(String(40))
    identity_verified_at: Mapped[datetime | None]
    details: Mapped[dict[str, Any]]
    outcome: Mapped[dict[str, Any]]
    refusal: Mapped[str | None] = mapped_column(Text)
    registered_by: Mapped[str] = mapped_column(String(200))
    completed_at: Mapped[datetime | None]
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), index=True
    )  # the staff member who owns the request


class OfRequest(ScopedThrough):
    """A request's part: its organisation is the request's."""

    @classmethod
    def of_organisation(cls, organisation_id: uuid.UUID) -> Any:
        parts = select(Request.id).where(Request.organisation_id == organisation_id)
        return cls.request_id.in_(parts)  # type: ignore[attr-defined]  # each part maps its request_id


class Step(OfRequest, IdMixin, Base):
    """One unit of work (collect, erase, notify a recipient, answer); done exactly once, resumable."""

    __tablename__ = "request_steps"
    __table_args__ = (UniqueConstraint("request_id", "kind"),)

    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class VerificationCode(OfRequest, IdMixin, Base):
    __tablename__ = "verification_codes"

    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]


class Package(OfRequest, IdMixin, Base):
    """An answer (access copy, portability export, certificate), encrypted under its own key, expiring."""

    __tablename__ = "request_packages"

    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    downloads: Mapped[int] = mapped_column(default=0)


class Receipt(OfRequest, IdMixin, Base):
    """A second request of the same person for a right already asked in an open request: joined to it, not
    a second case. It has its own reference and code, so the public answer reads the same either way."""

    __tablename__ = "request_receipts"

    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kinds: Mapped[list[Any]]
    channel: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(2))
    received_at: Mapped[datetime]
    digest: Mapped[str | None] = mapped_column(String(64))
    code_expires_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    confirmed_at: Mapped[datetime | None]


class Fee(OfRequest, IdMixin, Base):
    """A quote for a further copy (Art. 15(3)), told to the person before any work; then paid or waived."""

    __tablename__ = "request_fees"

    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), unique=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    quoted_at: Mapped[datetime]
    decision: Mapped[str | None] = mapped_column(String(20))
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
