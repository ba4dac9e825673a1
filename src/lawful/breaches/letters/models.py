"""The letters a case sent to the people affected (Art. 34): one row per person and decision, naming the
person only by their entry in the case's sealed list, so nothing here identifies anyone once that list is
destroyed (R-82)."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin

from ..models import OfBreach


class BreachCommunication(OfBreach, IdMixin, Base):
    """One sending of letters: the words staff wrote in each language (what the people were told, for the
    record of Art. 33(5)) and what became of them, counted."""

    __tablename__ = "breach_communications"

    breach_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("breaches.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("breach_decisions.id", ondelete="CASCADE"))
    texts: Mapped[dict[str, Any]]
    counts: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))


class BreachLetter(OfBreach, IdMixin, Base):
    __tablename__ = "breach_letters"
    __table_args__ = (UniqueConstraint("breach_id", "decision_id", "entry"),)

    breach_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("breaches.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("breach_decisions.id", ondelete="CASCADE"))
    communication_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("breach_communications.id", ondelete="CASCADE"), index=True
    )
    entry: Mapped[str | None] = mapped_column(String(36))  # the person's token in the sealed list
    channel: Mapped[str] = mapped_column(String(10))  # email / post / none
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(20))  # queued / printable / skipped; then sent, failed…
    reason: Mapped[str | None] = mapped_column(String(40))  # why skipped or not by mail
    outbox_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("outbox.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime]
