"""People, their identities, their personal data with provenance, and the flags that limit its use.

Values are ciphertext under the subject's own data key; identities are found through keyed hashes.
The main database therefore holds no readable personal data.
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class Subject(Scoped, IdMixin, Base):
    __tablename__ = "subjects"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    categories: Mapped[list[Any]]
    language: Mapped[str | None] = mapped_column(String(2))
    country: Mapped[str | None] = mapped_column(String(2))
    role: Mapped[str] = mapped_column(String(20), default="controller")
    client: Mapped[str | None] = mapped_column(String(200))
    child: Mapped[bool] = mapped_column(default=False, index=True)
    art14_due: Mapped[date | None]
    art14_done_at: Mapped[datetime | None]
    art14_exemption: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]


class Identity(Scoped, IdMixin, Base):
    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("organisation_id", "kind", "lookup"),)

    subject_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(20))
    lookup: Mapped[str] = mapped_column(String(64))
    value: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class Collection(Scoped, IdMixin, Base):
    """One intake event: where, how, under which notice and for which activity data arrived."""

    __tablename__ = "collections"

    subject_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    activity: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(30))
    source_name: Mapped[str | None] = mapped_column(String(200))
    form_key: Mapped[str | None] = mapped_column(String(120))
    register_number: Mapped[int | None]
    notice_number: Mapped[int | None]
    language: Mapped[str | None] = mapped_column(String(2))
    provided_by_subject: Mapped[bool]
    referrer_subject_id: Mapped[uuid.UUID | None]
    document_ref: Mapped[str | None] = mapped_column(String(200))
    collected_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(200))
    # the Belgian soft opt-in needs the refusal offered when the address was given (CEL Art. XII.13)
    optout_offered: Mapped[bool] = mapped_column(default=False)


class PersonalData(Scoped, IdMixin, Base):
    """One value of one category; a change adds a version and closes the previous one."""

    __tablename__ = "personal_data"
    __table_args__ = (Index("ix_personal_data_subject_category", "subject_id", "category"),)

    subject_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    category: Mapped[str] = mapped_column(String(120))
    value: Mapped[bytes] = mapped_column(LargeBinary)
    version: Mapped[int]
    collection_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), index=True
    )
    recorded_at: Mapped[datetime]
    superseded_at: Mapped[datetime | None]


class Restriction(Scoped, IdMixin, Base):
    """Art. 18: while active, only storage is allowed (for one activity, or all when activity is null)."""

    __tablename__ = "restrictions"

    subject_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    activity: Mapped[str | None] = mapped_column(String(120))
    ground: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    placed_at: Mapped[datetime]
    placed_by: Mapped[str] = mapped_column(String(200))
    informed_at: Mapped[datetime | None]
    lifted_at: Mapped[datetime | None]
    lifted_by: Mapped[str | None] = mapped_column(String(200))


class Objection(Scoped, IdMixin, Base):
    """Art. 21: to direct marketing (absolute) or to one legitimate-interest activity (until decided)."""

    __tablename__ = "objections"

    subject_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(30))
    activity: Mapped[str | None] = mapped_column(String(120))
    received_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(30))


class LegalHold(Scoped, IdMixin, Base):
    """R-79: kept beyond retention for one concrete case, and used only for it."""

    __tablename__ = "legal_holds"

    subject_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    case_ref: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(120))
    review_on: Mapped[date]
    placed_at: Mapped[datetime]
    placed_by: Mapped[str] = mapped_column(String(200))
    lifted_at: Mapped[datetime | None]

    @classmethod
    def in_force(cls) -> ColumnElement[bool]:
        """`rules.hold_in_force` in SQL, for every statement that looks for holds: one meaning (R-79)."""
        return cls.lifted_at.is_(None)


class LifecycleEvent(Scoped, IdMixin, Base):
    """A dated event in the person's relationship that a retention rule counts from (R-72 to R-78).

    `kind` names the trigger it feeds (processing.Trigger values such as `last_inbound_contact`,
    `contract_end`, `document_date_next_january`, `recruitment_end`, `account_closure`,
    `relationship_end`, `client_dpa_end`); `activity` narrows it to one activity of the register (None:
    every activity whose rule uses that trigger). `reference` points to where the event comes from
    (a contract number, `datastore:table:key`); it never holds personal data.
    """

    __tablename__ = "lifecycle_events"
    __table_args__ = (Index("ix_lifecycle_events_subject_id_kind", "subject_id", "kind"),)

    subject_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    activity: Mapped[str | None] = mapped_column(String(120))
    occurred_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(
        String(30)
    )  # reply, form, call, meeting, registration, datastore, staff
    reference: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(200))


class Archive(Scoped, IdMixin, Base):
    """An activity's data of one person in the archive state (end action `archive_restricted`, R-76):
    read-only, readable only with `archive:read`, refused to every operational and marketing purpose by
    the gate, and deleted on `delete_on`."""

    __tablename__ = "archives"
    __table_args__ = (UniqueConstraint("subject_id", "activity"),)

    subject_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    activity: Mapped[str] = mapped_column(String(120))
    rule: Mapped[str] = mapped_column(String(120))
    archived_at: Mapped[datetime]
    delete_on: Mapped[date]
