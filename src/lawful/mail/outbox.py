"""Outgoing mail through an outbox: queued in the transaction that causes it, delivered after commit.

Recipients and bodies are personal data, so they are kept encrypted under a system key while queued
and erased once the message is handed to the SMTP server; what stays is when, what kind, and the outcome.
A queued message also carries the keyed hash of its recipient, so an erasure finds that person's queued
mail without decrypting everyone's (T-05).
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import ForeignKey, Index, LargeBinary, String, delete, or_, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from lawful import clock, crypto, work
from lawful.db import Base, IdMixin, table_of
from lawful.keystore import Keys

from . import letter


class OutboxMessage(IdMixin, Base):
    __tablename__ = "outbox"
    __table_args__ = (
        # what a delivery claims: the pending messages by send_after, however many were sent before them
        # (on send_after alone, each claim stepped over every message already sent: 8,000 rows read for
        # 50 once 8,000 had gone)
        Index(
            "ix_outbox_pending",
            "send_after",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    subject_id: Mapped[uuid.UUID | None]
    kind: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(20))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    send_after: Mapped[datetime] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(String(300))
    recipient_lookup: Mapped[str | None] = mapped_column(String(64), index=True)  # None: queued before 0014
    about: Mapped[str | None] = mapped_column(String(40))  # e.g. the rights request it answers


TABLE = table_of(OutboxMessage)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    lang: str | None = None  # the reader's language; None: the organisation's own (mail to staff)


def queue(
    db: Session,
    keys: Keys,
    mail: Mail,
    *,
    kind: str,
    category: str,
    organisation_id: uuid.UUID,
    subject_id: uuid.UUID | None = None,
    about: str | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction; nothing leaves before the commit.

    The row's id is chosen here, so it is sealed before it is added: one INSERT, at the next flush."""
    row = OutboxMessage(
        **outbox_row(
            db,
            keys,
            mail,
            kind=kind,
            category=category,
            organisation_id=organisation_id,
            subject_id=subject_id,
            about=about,
        )
    )
    db.add(row)
    mark_queued(db)
    return row


def outbox_row(
    db: Session,
    keys: Keys,
    mail: Mail,
    *,
    kind: str,
    category: str,
    organisation_id: uuid.UUID,
    subject_id: uuid.UUID | None = None,
    about: str | None = None,
) -> dict[str, Any]:
    """The outbox row of one message, sealed with the organisation's letterhead, for writers that insert
    it with their own rows; they call `mark_queued` too. A kind not in KINDS is refused."""
    letter.kind_of(kind)
    head = letter.letterhead(db, organisation_id)
    now, row_id = clock.now(), uuid.uuid4()
    payload = json.dumps(
        {
            "to": mail.to,
            "subject": mail.subject,
            "text": mail.text,
            "html": mail.html,
            "headers": list(mail.headers),
            "letter": letter.sealed(head, mail.lang),
        }
    ).encode()
    return {
        "id": row_id,
        "organisation_id": organisation_id,
        "subject_id": subject_id,
        "kind": kind,
        "category": category,
        "sealed": crypto.encrypt(keys.outbox, payload, context=str(row_id).encode()),
        "created_at": now,
        "send_after": now,
        "attempts": 0,
        "status": "pending",
        "sent_at": None,
        "message_id": None,
        "last_error": None,
        "recipient_lookup": recipient_lookup(keys, mail.to),
        "about": about,
    }


def preview(db: Session, mail: Mail, *, organisation_id: uuid.UUID, base_url: str) -> tuple[str, str | None]:
    """What the reader of `mail` will read (text, HTML), the letter's footer included, exactly as delivery
    builds it: for checks before anything is queued."""
    sealed = letter.sealed(letter.letterhead(db, organisation_id), mail.lang)
    return letter.body(mail.text, mail.html, sealed, base_url)


def mark_queued(db: Session) -> None:
    """This session put a message in the outbox: once it commits, delivery is scheduled."""
    if _delivery:
        work.after_commit(db, "mail.deliver", _delivery[0])


_delivery: list[Callable[[], object]] = []


def deliver_with(schedule: Callable[[], object]) -> None:
    """The jobs module plugs in how a delivery is scheduled (the kernel's mail cannot import jobs)."""
    _delivery[:] = [schedule]


def recipient_lookup(keys: Keys, address: str) -> str:
    """The keyed hash of a normalised address: the same as its email identity's and its exclusion entry's."""
    try:
        normal = validate_email(address.strip(), check_deliverability=False, test_environment=True).normalized
    except EmailNotValidError:
        normal = address.strip()
    return crypto.keyed_hash(keys.lookup, f"email:{normal.lower()}")


def discard_queued(
    db: Session,
    keys: Keys,
    *,
    lookups: list[str],
    organisation_id: uuid.UUID | None,
    keep_about: str | None = None,
    keep_kinds: frozenset[str] = frozenset(),
    queued_before: datetime | None = None,
    dry_run: bool = False,
) -> int:
    """Delete the undelivered messages to these recipients (erasure, T-05); how many there were.

    Rows queued before their recipient was hashed are opened one by one and hashed now (only those);
    a message `about` `keep_about` of one of `keep_kinds` stays (the erasure's own confirmation), and so
    does one queued after `queued_before` (someone who came back after their erasure)."""
    wanted = set(lookups)
    scope = [OutboxMessage.status == "pending"]
    if queued_before is not None:
        scope.append(OutboxMessage.created_at <= queued_before)
    if organisation_id is not None:
        scope.append(OutboxMessage.organisation_id == organisation_id)
    found = db.execute(  # one read: the rows to these recipients and the rows not yet hashed
        select(
            OutboxMessage.id,
            OutboxMessage.recipient_lookup,
            OutboxMessage.about,
            OutboxMessage.kind,
            OutboxMessage.sealed,
        ).where(
            *scope,
            or_(OutboxMessage.recipient_lookup.is_(None), OutboxMessage.recipient_lookup.in_(wanted)),
        )
    ).all()
    doomed, hashed = [], False
    for row_id, lookup, about, kind, sealed in found:
        if lookup is None:
            if sealed is None:
                continue
            data = json.loads(crypto.decrypt(keys.outbox, sealed, context=str(row_id).encode()))
            lookup = recipient_lookup(keys, data["to"])
            row = db.get(OutboxMessage, row_id)  # through the session, which may hold it
            assert row is not None
            row.recipient_lookup, hashed = lookup, True
        if lookup in wanted and not (keep_about is not None and about == keep_about and kind in keep_kinds):
            doomed.append(row_id)
    if hashed:
        db.flush()
    if doomed and not dry_run:
        db.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(doomed)))
    return len(doomed)
