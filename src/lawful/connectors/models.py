"""What an erasure in one datastore found and did, per person: the plan first, then its evidence."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class DatastoreErasure(Scoped, IdMixin, Base):
    """The rows (by primary key) an erasure changes, committed before the datastore is touched, so a crash
    between the datastore's commit and ours resumes the same plan instead of finding nothing left to erase.
    The kept rows stay listed here with their end date: they are restricted to their legal purpose."""

    __tablename__ = "datastore_erasures"
    __table_args__ = (UniqueConstraint("organisation_id", "datastore", "lookup"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    datastore: Mapped[str] = mapped_column(String(41))
    lookup: Mapped[str] = mapped_column(String(64), doc="keyed hash of the person's email, never the address")
    reference: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    plan: Mapped[dict[str, Any]]
    evidence: Mapped[dict[str, Any]]
    planned_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
