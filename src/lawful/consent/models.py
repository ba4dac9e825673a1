"""The consent ledger (append-only events with proof), its materialised current state, the exclusion list."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawful.db import Base, IdMixin, Scoped


class ConsentEvent(Scoped, IdMixin, Base):
    __tablename__ = "consent_events"
    __table_args__ = (Index("ix_consent_events_subject_purpose", "subject_id", "purpose"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    subject_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("subjects.id", ondelete="SET NULL"))
    consent_id: Mapped[str | None] = mapped_column(String(64), index=True)
    purpose: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    text_hash: Mapped[str] = mapped_column(String(64))
    text_version: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    notice_number: Mapped[int | None]
    channel: Mapped[str] = mapped_column(String(30))
    element: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime]
    actor_label: Mapped[str] = mapped_column(String(200))
    # the partners the text named, by recipient key: a consent to share covers only them
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    # given as a child (under 18 that day, or flagged as a child): its erasure is never balanced
    as_child: Mapped[bool] = mapped_column(default=False)
    # the client controller the consent was given to on a page run for it; null: the organisation
    controller: Mapped[str | None] = mapped_column(String(120))


class ConsentState(Scoped, IdMixin, Base):
    """The fold of the events, kept in the same transaction as each event for fast reads."""

    __tablename__ = "consent_states"
    __table_args__ = (
        UniqueConstraint("organisation_id", "subject_id", "purpose"),
        Index("ix_consent_states_purpose_state", "organisation_id", "purpose", "state"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    subject_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[uuid.UUID]
    updated_at: Mapped[datetime]


class Suppression(Scoped, IdMixin, Base):
    """An exclusion-list entry: a keyed hash of a normalised address, never the address (T-01, T-02).

    `scope` is `marketing` (every marketing purpose: an objection, an erasure) or one purpose's key (an
    unsubscribe from that newsletter, R-36: the subscriber may narrow it to one)."""

    __tablename__ = "suppressions"
    __table_args__ = (UniqueConstraint("organisation_id", "lookup", "scope"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    lookup: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime]


class CookieChoice(Scoped, Base):
    """One banner choice under a random consent id (R-28): append-only, no full IP address."""

    __tablename__ = "cookie_choices"
    __table_args__ = (Index("ix_cookie_choices_consent_id_at", "consent_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    consent_id: Mapped[str] = mapped_column(String(32))
    choices: Mapped[dict[str, Any]]
    language: Mapped[str] = mapped_column(String(2))
    version: Mapped[str] = mapped_column(String(64))
    notice_number: Mapped[int | None]
    text_hash: Mapped[str] = mapped_column(String(64))
    gpc: Mapped[bool]
    network: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class OptIn(Scoped, IdMixin, Base):
    """A subscription waiting for its confirmation; the address is sealed and nothing else is kept."""

    __tablename__ = "opt_ins"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(120))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    language: Mapped[str] = mapped_column(String(2))
    text_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
