"""Published notice versions: immutable texts per language, with their dates and changelog."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class NoticeVersion(Scoped, IdMixin, Base):
    __tablename__ = "notice_versions"
    __table_args__ = (UniqueConstraint("organisation_id", "kind", "number"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[int]
    register_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("register_versions.id"))
    register_number: Mapped[int]
    effective_from: Mapped[date]
    published_at: Mapped[datetime]
    published_by: Mapped[str] = mapped_column(String(200))
    changelog: Mapped[str] = mapped_column(Text)
    material: Mapped[bool]
    classification: Mapped[dict[str, Any]]
    authoritative_language: Mapped[str] = mapped_column(String(2))
    languages: Mapped[list[Any]]
    texts: Mapped[dict[str, Any]]
    sha256: Mapped[str] = mapped_column(String(64))
