"""A sub-processor change told to one client, with its objection window and the client's answer (R-104)."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class SubProcessorChange(Scoped, IdMixin, Base):
    """A new or replacement sub-processor for one client: no data of that client flow to it until the
    window has passed without objection, or the client approved (Art. 28(2))."""

    __tablename__ = "sub_processor_changes"
    __table_args__ = (
        Index("ix_sub_processor_changes_org_client_recipient", "organisation_id", "client", "recipient"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    client: Mapped[str] = mapped_column(String(120))
    recipient: Mapped[str] = mapped_column(String(120))
    replaces: Mapped[str | None] = mapped_column(String(120))
    notice: Mapped[str] = mapped_column(Text)
    authorisation: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(200))
    window_ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    webhook_status: Mapped[str | None] = mapped_column(String(40))
