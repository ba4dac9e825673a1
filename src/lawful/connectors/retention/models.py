"""The deletion log of the company's datastores: per run, per table and retention rule, what ended."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class DatastoreRetention(Scoped, IdMixin, Base):
    """One entry of the deletion log (R-72): the rows of one table whose period under one rule ended, and
    what was done to them; counts and times, never a value. The rows' keys are written and committed
    before the datastore changes, so a run that crashes in between resumes this entry instead of planning
    the rows again; they are dropped once the entry is done."""

    __tablename__ = "datastore_retentions"
    __table_args__ = (Index("ix_datastore_retentions_status", "organisation_id", "datastore", "status"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    datastore: Mapped[str] = mapped_column(String(41))
    table_name: Mapped[str] = mapped_column(String(63))
    retention: Mapped[str] = mapped_column(String(120), doc="the register's retention rule")
    action: Mapped[str] = mapped_column(String(20), doc="deleted or anonymised")
    status: Mapped[str] = mapped_column(String(20), doc="planned, then done")
    rows: Mapped[int]
    held: Mapped[int] = mapped_column(doc="rows past their end kept by a legal hold (R-79)")
    ended_on: Mapped[date] = mapped_column(doc="the day the run evaluated the rule for (its `now`)")
    keys: Mapped[list[Any]] = mapped_column(doc="the rows' primary keys while planned; emptied when done")
    planned_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
