"""Each computation of a case's scope: what was asked and what was counted, never who (R-98).

The people themselves are in the case's sealed list (`Breach.affected`); this row keeps the definition
(systems, tables, exports, window) and the counts, so the register can show how the numbers were reached
after the list is destroyed (R-82)."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin

from ..models import OfBreach


class BreachScope(OfBreach, IdMixin, Base):
    __tablename__ = "breach_scopes"

    breach_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("breaches.id", ondelete="CASCADE"), index=True)
    definition: Mapped[dict[str, Any]]
    people: Mapped[int]
    records: Mapped[int]
    data_categories: Mapped[list[Any]]  # [{"key", "approx"}]
    subject_categories: Mapped[list[Any]]
    countries: Mapped[dict[str, Any]]  # country code → people, for the cross-border section
    sources: Mapped[dict[str, Any]]  # source label → people it found
    computed_at: Mapped[datetime]
    computed_by: Mapped[str] = mapped_column(String(200))
