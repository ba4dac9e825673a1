"""Bulk exports of personal data: always through the gate, approved above a size, encrypted, expiring."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class Export(Scoped, IdMixin, Base):
    __tablename__ = "exports"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(120))
    subject_category: Mapped[str | None] = mapped_column(String(120))
    fields: Mapped[list[Any]]
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_by_id: Mapped[uuid.UUID | None]
    requested_at: Mapped[datetime]
    people: Mapped[int]
    excluded: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(30))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    file: Mapped[bytes | None] = mapped_column(LargeBinary)
