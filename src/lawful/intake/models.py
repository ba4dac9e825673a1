"""What intake keeps besides the data itself: anonymous age-gate counts and one-time update links."""

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class AgeGateRefusal(Scoped, IdMixin, Base):
    """R-108, T-28: a refused under-age attempt leaves a count, never a person."""

    __tablename__ = "age_gate_refusals"
    __table_args__ = (UniqueConstraint("organisation_id", "form_key", "day"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    form_key: Mapped[str] = mapped_column(String(120))
    day: Mapped[date]
    count: Mapped[int]


class UpdateLink(Scoped, IdMixin, Base):
    """R-19: a signed, single-use link for a person to correct their contact details."""

    __tablename__ = "update_links"

    subject_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
