"""Campaign sends, each with the ePrivacy condition it relied on."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin


class Send(IdMixin, Base):
    """One marketing message to one person, with the ePrivacy condition it relied on (R-34)."""

    __tablename__ = "sends"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    campaign: Mapped[str] = mapped_column(String(120), index=True)
    subject_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("subjects.id", ondelete="SET NULL"))
    purpose: Mapped[str] = mapped_column(String(120))
    basis: Mapped[str] = mapped_column(String(40))
    outbox_id: Mapped[uuid.UUID | None]
    sent_at: Mapped[datetime]
