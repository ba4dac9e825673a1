"""What each recipient was told of a request (Art. 19): delivered by its API, being retried, or a task for
staff until they record who was told, when and how, or why it was impossible or disproportionate."""

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class RecipientNotice(Scoped, IdMixin, Base):
    __tablename__ = "recipient_notices"
    __table_args__ = (Index("ix_recipient_notices_status_next_attempt_at", "status", "next_attempt_at"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(200))  # the register's name for it: what the person reads
    step: Mapped[str] = mapped_column(String(60))  # the step that told it (recipients, or a later decision)
    status: Mapped[str] = mapped_column(String(20))  # retrying, delivered, open (a task), done (recorded)
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed; dropped once no longer needed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(60))  # a category, never the network's words
    reason: Mapped[str | None] = mapped_column(String(60))  # why staff have it: no endpoint, failed, …
    due_on: Mapped[date | None]
    created_at: Mapped[datetime]
    told_at: Mapped[datetime | None]
    method: Mapped[str | None] = mapped_column(String(20))  # api, email, letter, phone, portal
    outcome: Mapped[str | None] = mapped_column(String(20))  # told, impossible, disproportionate
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(200))
