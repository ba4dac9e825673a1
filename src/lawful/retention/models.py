"""The deletion log of retention runs (R-72): each run's counts and times, and one row per thing done.

No row holds personal data: a person appears only as the pseudonymous subject id that the audit log keeps
too, without a foreign key, so the log outlives the person's erasure (R-60, R-82).
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class RetentionRun(Scoped, IdMixin, Base):
    """One run over one organisation: when, as of which moment, by whom, and its counts per rule."""

    __tablename__ = "retention_runs"
    __table_args__ = (Index("ix_retention_runs_organisation_id_started_at", "organisation_id", "started_at"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    as_of: Mapped[datetime]  # the moment the register's periods were evaluated at
    started_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]  # the last batch committed: a stale running run was interrupted
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20))  # running, done, interrupted
    started_by: Mapped[str] = mapped_column(String(200))
    # per (rule, activity, end action): {"rule", "activity", "trigger", "action", "done", "items", "whole",
    # "skipped": {reason: n}}; counts only, never content
    counts: Mapped[list[Any]]


class RetentionAction(Scoped, IdMixin, Base):
    """What one run did to one person's data of one activity, once: the unique key makes a second run, or a
    run resumed after a crash, skip what is already done."""

    __tablename__ = "retention_actions"
    __table_args__ = (UniqueConstraint("subject_id", "activity", "rule", "ends_at", "action"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("retention_runs.id"), index=True)
    subject_id: Mapped[uuid.UUID]
    activity: Mapped[str] = mapped_column(String(120))
    rule: Mapped[str] = mapped_column(String(120))
    trigger: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(20))  # archived, deleted, anonymised
    ends_at: Mapped[datetime]
    items: Mapped[int]
    whole: Mapped[bool]  # nothing was left: the person's record and key went too
    done_at: Mapped[datetime]


class AnonymousCount(Scoped, IdMixin, Base):
    """What anonymisation keeps (R-80): counts of generalised values, never a row per person."""

    __tablename__ = "retention_anonymous_counts"
    __table_args__ = (UniqueConstraint("organisation_id", "activity", "category", "value"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    activity: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(120))
    value: Mapped[str] = mapped_column(String(120))
    count: Mapped[int]


class RetentionWarning(Scoped, IdMixin, Base):
    """R-77: the warning of one person before their account data of one activity are deleted, claimed once:
    the unique key makes a second run, or a run resumed after a crash, send nothing more. The person appears
    only by their pseudonymous id, so the row outlives them as proof they were warned."""

    __tablename__ = "retention_warnings"
    __table_args__ = (UniqueConstraint("subject_id", "activity", "rule", "ends_at"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    subject_id: Mapped[uuid.UUID]
    activity: Mapped[str] = mapped_column(String(120))
    rule: Mapped[str] = mapped_column(String(120))
    ends_at: Mapped[datetime]  # the deletion the person was warned of
    warned_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(20))  # email, no_address
    outbox_id: Mapped[uuid.UUID | None]
