"""Outgoing mail through an outbox: queued in the transaction that causes it, delivered after commit.

Recipients and bodies are personal data, so they are kept encrypted under a system key while queued
and erased once the message is handed to the SMTP server; what stays is when, what kind, and the outcome.
A queued message also carries the keyed hash of its recipient, so an erasure finds that person's queued
mail without decrypting everyone's (T-05).
"""

import json
import logging
import smtplib
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from cryptography.exceptions import InvalidTag
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import ForeignKey, LargeBinary, String, delete, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lawful import clock, crypto, work
from lawful.config import Settings
from lawful.db import Base, IdMixin, table_of
from lawful.keystore import Keys

log = logging.getLogger(__name__)

# A message the server or the network refuses is tried again after each delay, then given up.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)


class OutboxMessage(IdMixin, Base):
    __tablename__ = "outbox"

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


def queue(
    db: Session,
    keys: Keys,
    mail: Mail,
    *,
    kind: str,
    category: str,
    organisation_id: uuid.UUID | None,
    subject_id: uuid.UUID | None = None,
    about: str | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction; nothing leaves before the commit.

    The row's id is chosen here, so it is sealed before it is added: one INSERT, at the next flush."""
    row = OutboxMessage(
        **outbox_row(
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
    keys: Keys,
    mail: Mail,
    *,
    kind: str,
    category: str,
    organisation_id: uuid.UUID | None,
    subject_id: uuid.UUID | None = None,
    about: str | None = None,
) -> dict[str, Any]:
    """The outbox row of one message, sealed, for writers that insert it with their own rows; they
    call `mark_queued` too."""
    now, row_id = clock.now(), uuid.uuid4()
    payload = json.dumps(
        {
            "to": mail.to,
            "subject": mail.subject,
            "text": mail.text,
            "html": mail.html,
            "headers": list(mail.headers),
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


@dataclass(frozen=True)
class Delivery:
    """What one delivery run did: sent, put back for a retry, and given up, by reason (no personal data)."""

    sent: int = 0
    retrying: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    dropped: int = 0  # no longer allowed when their turn came (see `screen_with`)


FailureHook = Callable[[Session, OutboxMessage], None]
_failure_hooks: list[FailureHook] = []


def on_failure(hook: FailureHook) -> None:
    """Call `hook(db, row)` in the delivery's transaction for each message given up (the audit log's)."""
    if hook not in _failure_hooks:
        _failure_hooks.append(hook)


# Asked for each claimed batch before anything is sent: {row id: reason} for the messages that must not
# go any more (marketing eligibility at send time, R-36). Such a message is `dropped`, never retried.
Screen = Callable[[Session, Keys, list[OutboxMessage]], dict[uuid.UUID, str]]
_screens: list[Screen] = []


def screen_with(screen: Screen) -> None:
    if screen not in _screens:
        _screens.append(screen)


def _screened(db: Session, keys: Keys, rows: list[OutboxMessage]) -> dict[uuid.UUID, str]:
    dropped: dict[uuid.UUID, str] = {}
    for screen in _screens:
        dropped |= screen(db, keys, rows)
    return dropped


def deliver_due(db: Session, keys: Keys, settings: Settings, *, limit: int = 50) -> int:
    """Send what is due; how many were sent (see `deliver`)."""
    return deliver(db, keys, settings, limit=limit).sent


def deliver(db: Session, keys: Keys, settings: Settings, *, limit: int = 50) -> Delivery:
    """Send what is due; each message is claimed (SKIP LOCKED on PostgreSQL) so two workers never send it twice.

    Each message succeeds or fails alone: one that cannot be built (a line break in a header, a row that
    does not open) is given up at once as `malformed`; one the server or the network refuses is retried
    after RETRY_DELAYS and then given up. Either way the rest of the batch goes out."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.send_after <= clock.now())
        .order_by(OutboxMessage.send_after)
        .limit(limit)
    )
    if db.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    outcomes: Counter[str] = Counter()
    rows = list(db.scalars(query))
    dropped = _screened(db, keys, rows)
    for row in rows:
        if row.id in dropped:  # claimed and locked: an opt-out committing now waits for this batch
            row.status, row.sealed, row.last_error = "dropped", None, dropped[row.id][:300]
            outcomes["dropped"] += 1
            continue
        outcome = _deliver(keys, settings, row)
        outcomes[outcome] += 1
        if row.status == "failed":
            for hook in _failure_hooks:
                hook(db, row)
    db.flush()
    failed = {k.removeprefix("failed:"): n for k, n in outcomes.items() if k.startswith("failed:")}
    if failed:
        log.warning("mail delivery gave up %s message(s): %s", sum(failed.values()), failed)
    return Delivery(
        sent=outcomes["sent"], retrying=outcomes["retrying"], failed=failed, dropped=outcomes["dropped"]
    )


class Malformed(ValueError):
    """The queued row cannot become a message: nothing a retry would change."""


def _compose(keys: Keys, settings: Settings, row: OutboxMessage) -> EmailMessage:
    if row.sealed is None:
        raise Malformed("no content")
    try:
        data = json.loads(crypto.decrypt(keys.outbox, row.sealed, context=str(row.id).encode()))
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = settings.mail_from, data["to"], data["subject"]
        message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2] or "localhost")
        for name, value in data["headers"]:
            message[name] = value
        message.set_content(data["text"])
        if data["html"]:
            message.add_alternative(data["html"], subtype="html")
    except (
        InvalidTag,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
    ) as exc:  # header injection is a ValueError
        raise Malformed(type(exc).__name__) from exc
    return message


def _deliver(keys: Keys, settings: Settings, row: OutboxMessage) -> str:
    """Try one message; `sent`, `retrying` or `failed:<reason>`, the reason also kept in `last_error`."""
    row.attempts += 1
    try:
        message = _compose(keys, settings, row)
    except Malformed as exc:
        return _give_up(row, f"malformed: {exc}")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user and settings.smtp_password:
                smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            smtp.send_message(message)
    except (
        OSError,
        smtplib.SMTPException,
        ValueError,
    ) as exc:  # ValueError: an address smtplib cannot encode
        reason = (
            "network"
            if isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)
            else "refused"
        )
        row.last_error = f"{reason}: {type(exc).__name__}"
        if row.attempts > len(RETRY_DELAYS):
            return _give_up(row, row.last_error)
        row.send_after = clock.now() + RETRY_DELAYS[row.attempts - 1]
        return "retrying"
    row.status, row.sent_at, row.message_id, row.sealed = "sent", clock.now(), message["Message-ID"], None
    return "sent"


def _give_up(row: OutboxMessage, reason: str) -> str:
    row.status, row.sealed, row.last_error = "failed", None, reason[:300]
    return "failed:" + reason.partition(":")[0]
