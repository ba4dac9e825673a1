"""The disclosure log (R-89): each request of an authority or legal recipient, its approval, what was
disclosed (categories, never values), and whom it was about.

No value is kept: the data go to the requester in the answer to `disclose` and nowhere else. The people
are named by their pseudonymous id without a foreign key, so the log outlives an erasure of the person, as
automatic deletions and the audit log do (R-60).
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class Disclosure(Scoped, IdMixin, Base):
    __tablename__ = "disclosures"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # requested, approved, disclosed
    requester_kind: Mapped[str] = mapped_column(String(30))  # police, court, tax, … (rules.RequesterKind)
    requester: Mapped[str] = mapped_column(String(200))  # as the request names it, or the register's name
    recipient: Mapped[str | None] = mapped_column(String(120))  # the register's recipient key, if any
    legal_basis: Mapped[str] = mapped_column(Text)  # the law or order relied on
    reference: Mapped[str | None] = mapped_column(String(200))  # the requester's file or order number
    categories: Mapped[list[Any]]  # the scope asked for
    received_on: Mapped[date]
    prohibition_ref: Mapped[str | None] = mapped_column(String(300))  # the legal bar to telling the person
    prohibition_lifted_at: Mapped[datetime | None]
    prohibition_lifted_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(200))
    disclosed_at: Mapped[datetime | None]
    disclosed_by: Mapped[str | None] = mapped_column(String(200))
    disclosed_categories: Mapped[list[Any]]  # what went: categories only
    refused: Mapped[list[Any]]  # [{category, reason}]: asked for, not disclosed


class DisclosureSubject(Scoped, IdMixin, Base):
    """One person a disclosure request is about, and when they were told of the disclosure."""

    __tablename__ = "disclosure_subjects"
    __table_args__ = (UniqueConstraint("disclosure_id", "subject_id"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    disclosure_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disclosures.id", ondelete="CASCADE"))
    subject_id: Mapped[uuid.UUID] = mapped_column(index=True)  # no foreign key: outlives an erasure
    position: Mapped[int]  # the order the request named them in
    informed_at: Mapped[datetime | None]
    informed: Mapped[str | None] = mapped_column(String(20))  # mailed, or no_address (none held, or erased)
