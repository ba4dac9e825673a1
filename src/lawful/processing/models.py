"""Organisations and the stored, immutable versions of their register."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped, ScopedThrough


class Organisation(ScopedThrough, IdMixin, Base):
    __tablename__ = "organisations"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    legal_name: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime]

    @classmethod
    def of_organisation(cls, organisation_id: Any) -> Any:
        return cls.id == organisation_id


class RegisterVersion(Scoped, IdMixin, Base):
    __tablename__ = "register_versions"
    __table_args__ = (UniqueConstraint("organisation_id", "number"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    number: Mapped[int]
    document: Mapped[dict[str, Any]]
    sha256: Mapped[str] = mapped_column(String(64))
    changes: Mapped[list[Any]]
    source: Mapped[str] = mapped_column(String(300))
    applied_at: Mapped[datetime]
    applied_by: Mapped[str] = mapped_column(String(200))
