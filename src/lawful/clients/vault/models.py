"""A credential for one of a client's systems: the secret only as ciphertext under its own data key."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


def key_owner(credential_id: uuid.UUID) -> str:
    """The credential's data key in the key store: destroying it makes every copy of the secret unreadable."""
    return f"credential:{credential_id}"


class ClientCredential(Scoped, IdMixin, Base):
    __tablename__ = "client_credentials"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    client: Mapped[str] = mapped_column(String(120), index=True)
    system: Mapped[str] = mapped_column(String(200))
    username: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    reveals: Mapped[int] = mapped_column(default=0)
    destroyed_at: Mapped[datetime | None]
    destroyed_by: Mapped[str | None] = mapped_column(String(200))
