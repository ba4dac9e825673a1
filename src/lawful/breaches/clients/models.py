"""A processor's notice of a breach to each client controller whose data it concerns (R-103, Art. 28(3)(f),
33(2)): one row per case and client, claimed before anything is sent, so two workers never send twice."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin

from ..models import OfBreach


class BreachClientNotice(OfBreach, IdMixin, Base):
    """What the client was told (its own people's numbers and categories, never another client's), when,
    by whom, and how: the outbox message to its contact address and the answer of its webhook."""

    __tablename__ = "breach_client_notices"
    __table_args__ = (UniqueConstraint("breach_id", "client", name="uq_breach_client_notices_breach_client"),)

    breach_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("breaches.id", ondelete="CASCADE"), index=True)
    client: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    sent_by: Mapped[str | None] = mapped_column(String(200))
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the notice as sent: counts, never people
    mail_id: Mapped[uuid.UUID | None]  # the outbox message to the client's contact address
    webhook_status: Mapped[int | None]  # the HTTP status its webhook answered
    webhook_error: Mapped[str | None] = mapped_column(Text)  # why the webhook got nothing (a category)
    overdue_alerted_at: Mapped[datetime | None]  # the privacy officers were told it is overdue
