"""The audit log table: one row per write or read of personal data, hash-chained once sealed.

A row is written with its content in the transaction of the change it records, and without a place in
the chain (`seq`, `prev_hash` and `hash` are empty); the sealer gives it the next place shortly after
(service.seal). Writers therefore never wait for each other on the chain's tail.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    at: Mapped[datetime]
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    actor_kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[uuid.UUID | None]
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80), index=True)
    entity_type: Mapped[str | None] = mapped_column(String(80))
    entity_id: Mapped[str | None] = mapped_column(String(80), index=True)
    purpose: Mapped[str | None] = mapped_column(String(120))
    outcome: Mapped[str] = mapped_column(String(40), default="ok")
    data: Mapped[dict[str, Any]]
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64), unique=True)


class AuditSignedHead(Base):
    """The chain's head as the last seal signed it with the audit key of the key store (one row).

    Sealed entries are signed in the seal's own transaction, so a sealed entry beyond this head was not
    sealed by lawful, and a head whose entry is gone was cut off (audit.heads)."""

    __tablename__ = "audit_signed_heads"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime]
    mac: Mapped[str] = mapped_column(String(64))
