"""An instruction of a client's DPA flagged as appearing to infringe data-protection law (R-100)."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped

SUSPENDED = "suspended"  # processing under it stops until the client confirms or corrects it
RESOLVED = "resolved"


class InstructionFlag(Scoped, IdMixin, Base):
    __tablename__ = "instruction_flags"
    __table_args__ = (Index("ix_instruction_flags_org_client", "organisation_id", "client"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    client: Mapped[str] = mapped_column(String(120))
    instruction: Mapped[int]
    reasons: Mapped[list[str]] = mapped_column(JSON)
    flagged_at: Mapped[datetime]
    flagged_by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=SUSPENDED)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolution: Mapped[str] = mapped_column(Text, default="")
