"""A rights request forwarded to a client controller: one row per request and client (R-102)."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class Forwarding(Scoped, IdMixin, Base):
    __tablename__ = "client_forwardings"
    __table_args__ = (UniqueConstraint("request_id", "client"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    client: Mapped[str] = mapped_column(String(100), index=True)  # the client's key in the register
    # the person in that client's space (never another's: R-106); None when the request only named the client
    subject_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("subjects.id", ondelete="SET NULL"))
    contact: Mapped[bytes | None] = mapped_column(LargeBinary)  # the requester's email, sealed
    reference: Mapped[str] = mapped_column(String(20))  # the request's reference, as the client is told it
    kinds: Mapped[list[Any]]
    state: Mapped[str] = mapped_column(String(20), index=True)
    received_on: Mapped[date]
    forward_by: Mapped[date]
    remind_on: Mapped[date]
    escalate_on: Mapped[date]
    forwarded_at: Mapped[datetime]
    webhook: Mapped[str] = mapped_column(String(20))  # none | pending | delivered | failed
    webhook_attempts: Mapped[int] = mapped_column(default=0)
    reminded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    instruction: Mapped[str | None] = mapped_column(String(20))
    instructed_at: Mapped[datetime | None]
    instructed_by: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(500))
