"""Breach cases (Art. 33(5)): the case and its facts, investigation notes, notification decisions and the
alerts of the 72-hour clock. Every case stays in the register, notified or not (R-94)."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped, ScopedThrough


class Breach(Scoped, IdMixin, Base):
    """One suspected or confirmed personal-data breach of one organisation, referenced B-1, B-2, …

    `aware_at` starts the authority clock (Art. 33(1)); `deadline_at` is kept with it so the alert job
    finds the open clocks by index. Categories carry approximate numbers (Art. 33(3)(a)) as
    `[{"key": …, "approx": n | None}]`. The affected people are computed by the scope and kept sealed
    under a key of their own (`affected_key_id`), destroyed after closure (R-82).
    """

    __tablename__ = "breaches"
    __table_args__ = (
        UniqueConstraint("organisation_id", "number", name="uq_breaches_organisation_id_number"),
        UniqueConstraint("organisation_id", "signal_key", name="uq_breaches_organisation_id_signal_key"),
        Index("ix_breaches_status_deadline_at", "status", "deadline_at"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    number: Mapped[int]
    reference: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime | None]
    occurred_recorded_by: Mapped[str | None] = mapped_column(String(200))
    detected_at: Mapped[datetime | None]
    detected_recorded_by: Mapped[str | None] = mapped_column(String(200))
    aware_at: Mapped[datetime]
    aware_recorded_by: Mapped[str] = mapped_column(String(200))
    deadline_at: Mapped[datetime]
    # who reported it: staff, processor (through its API key) or system (a detector)
    reported_by_kind: Mapped[str] = mapped_column(String(20))
    reported_by: Mapped[str] = mapped_column(String(200))
    reported_by_key_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    # a detector's signal (e.g. "audit_chain:2026-05-01"): one case per signal, however often it runs
    detector: Mapped[str | None] = mapped_column(String(40))
    signal_key: Mapped[str | None] = mapped_column(String(120))
    signal: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    nature: Mapped[list[Any]] = mapped_column(default=list)  # confidentiality / integrity / availability
    data_categories: Mapped[list[Any]] = mapped_column(default=list)
    subject_categories: Mapped[list[Any]] = mapped_column(default=list)
    approx_subjects: Mapped[int | None]
    approx_records: Mapped[int | None]
    systems: Mapped[list[Any]] = mapped_column(default=list)
    datastores: Mapped[list[Any]] = mapped_column(default=list)
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    cause: Mapped[str | None] = mapped_column(Text)
    consequences: Mapped[str | None] = mapped_column(Text)
    risk: Mapped[str | None] = mapped_column(String(20))  # unlikely / risk / high
    risk_rationale: Mapped[str | None] = mapped_column(Text)
    assessed_at: Mapped[datetime | None]
    assessed_by: Mapped[str | None] = mapped_column(String(200))
    measures_taken: Mapped[str | None] = mapped_column(Text)
    measures_proposed: Mapped[str | None] = mapped_column(Text)
    # processor mode: the client controller whose data is concerned, told within the DPA deadline
    client_controller: Mapped[str | None] = mapped_column(String(200))
    client_deadline_at: Mapped[datetime | None]
    # the affected list: filled by the scope, sealed under its own key in the key store
    affected_key_id: Mapped[str | None] = mapped_column(String(80))
    affected: Mapped[bytes | None] = mapped_column(LargeBinary)
    affected_count: Mapped[int | None]
    affected_destroy_after: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(200))


class OfBreach(ScopedThrough):
    """A case's part: its organisation is the case's."""

    @classmethod
    def of_organisation(cls, organisation_id: Any) -> Any:
        cases = select(Breach.id).where(Breach.organisation_id == organisation_id)
        return cls.breach_id.in_(cases)  # type: ignore[attr-defined]  # each part maps its breach_id


class BreachNote(OfBreach, IdMixin, Base):
    """An investigation note (R-93: the investigation to find the cause), never edited."""

    __tablename__ = "breach_notes"

    breach_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("breaches.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[uuid.UUID | None]
    at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)


class BreachDecision(OfBreach, IdMixin, Base):
    """A decision whether to notify the authority, the people or the client controller, always with
    reasons (T-26: a decision not to notify is recorded too); phased: initial, then follow-ups."""

    __tablename__ = "breach_decisions"

    breach_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("breaches.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(20))  # authority / people / client
    notify: Mapped[bool]
    reasons: Mapped[str] = mapped_column(Text)
    phase: Mapped[str] = mapped_column(String(20), default="initial")  # initial / follow_up
    late_reason: Mapped[str | None] = mapped_column(Text)
    exemption: Mapped[str | None] = mapped_column(String(40))  # Art. 34(3)(a)/(b)/(c) for the people
    public_notice_url: Mapped[str | None] = mapped_column(String(500))
    decided_at: Mapped[datetime]
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_by_id: Mapped[uuid.UUID | None]


class BreachAlert(OfBreach, IdMixin, Base):
    """An alert of the clock, claimed here before its mail is queued: the unique row makes it once only,
    however many workers run the job at the same moment."""

    __tablename__ = "breach_alerts"
    __table_args__ = (UniqueConstraint("breach_id", "threshold_hours"),)

    breach_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("breaches.id", ondelete="CASCADE"), index=True)
    threshold_hours: Mapped[int]
    sent_at: Mapped[datetime]
    recipients: Mapped[int] = mapped_column(default=0)
