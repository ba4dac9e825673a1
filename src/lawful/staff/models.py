"""Staff accounts, their console sessions, API keys and login attempts."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class StaffUser(Scoped, IdMixin, Base):
    __tablename__ = "staff_users"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[bytes] = mapped_column(LargeBinary)
    totp_last_step: Mapped[int] = mapped_column(default=0)
    roles: Mapped[list[Any]]
    training_on: Mapped[date | None]
    confidentiality_on: Mapped[date | None]
    access_review_due: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class StaffSession(IdMixin, Base):
    __tablename__ = "staff_sessions"

    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_users.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ApiKey(Scoped, IdMixin, Base):
    __tablename__ = "api_keys"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[Any]]
    # a key given to a client controller's systems acts only on /api/clients/{client}/…
    client: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LoginAttempt(IdMixin, Base):
    __tablename__ = "login_attempts"

    key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
    succeeded: Mapped[bool]


class StaffGrant(Scoped, IdMixin, Base):
    """One role given to one staff member: by whom and when, until when, and when it was last reviewed
    (R-84, Art. 32(1)(b),(4)). A revoked grant is kept, dated, as the record of who had access when."""

    __tablename__ = "staff_grants"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_users.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    granted_at: Mapped[datetime]
    granted_by: Mapped[str] = mapped_column(String(200))
    expires_on: Mapped[date]
    review_due: Mapped[date]
    last_reviewed_at: Mapped[datetime | None]
    last_reviewed_by: Mapped[str | None] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None]
