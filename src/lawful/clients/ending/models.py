"""The end of one client's DPA: the hand-over of its data, their erasure, and the certificate (R-107)."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class ContractEnd(Scoped, IdMixin, Base):
    """`ended` → `returned` (exported and handed over) → `erased` → `certified` once the grace period ran."""

    __tablename__ = "contract_ends"
    __table_args__ = (
        UniqueConstraint("organisation_id", "client", name="uq_contract_ends_organisation_id_client"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    client: Mapped[str] = mapped_column(String(120))
    ends_on: Mapped[date]
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(200))
    return_format: Mapped[str] = mapped_column(String(10))
    certify_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="ended")
    handed_over_at: Mapped[datetime | None]
    handed_over_to: Mapped[str | None] = mapped_column(String(200))
    export_sha256: Mapped[str | None] = mapped_column(String(64))
    export_bytes: Mapped[int | None]
    people: Mapped[int] = mapped_column(default=0)
    erased_at: Mapped[datetime | None]
    sub_processors_told: Mapped[list[Any]] = mapped_column(default=list)
    certified_at: Mapped[datetime | None]
    certificate: Mapped[dict[str, Any] | None]
