"""Delivery: each due message built as a letter from the company and handed to the SMTP server.

Date is set when the message is built; Message-ID is chosen at the first attempt and kept on the row, so
a retry after a lost answer is the same message to the receiving side, not a second one."""

import json
import logging
import smtplib
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from time import monotonic
from typing import Any

from cryptography.exceptions import InvalidTag
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import clock, crypto
from lawful.config import Settings
from lawful.keystore import Keys

from . import letter
from .headers import POLICY, header
from .outbox import OutboxMessage

log = logging.getLogger(__name__)

# A message the server or the network refuses is tried again after each delay, then given up.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)


@dataclass(frozen=True)
class Delivery:
    """What one delivery run did: sent, put back for a retry, and given up, by reason (no personal data)."""

    sent: int = 0
    retrying: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    dropped: int = 0  # no longer allowed when their turn came (see `screen_with`)
    deferred: int = 0  # claimed, but left pending for the next unit of work: its time was up

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.dropped + sum(self.failed.values())

    def __add__(self, other: "Delivery") -> "Delivery":
        failed = Counter(self.failed) + Counter(other.failed)
        return Delivery(
            self.sent + other.sent,
            self.retrying + other.retrying,
            dict(failed),
            self.dropped + other.dropped,
            other.deferred,
        )


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


def deliver(
    db: Session,
    keys: Keys,
    settings: Settings,
    *,
    limit: int = 50,
    seconds: float | None = None,
    connection: "Connection | None" = None,
    organisation_id: uuid.UUID | None = None,
) -> Delivery:
    """Send what is due; each message is claimed (SKIP LOCKED on PostgreSQL) so two workers never send it twice.

    Each message succeeds or fails alone: one that cannot be built (a line break in a header, a row that
    does not open) is given up at once as `malformed`; one the server or the network refuses is retried
    after RETRY_DELAYS and then given up. Either way the rest of the batch goes out.

    The claim holds a write lock until the caller's unit of work commits (all of SQLite, the claimed rows on
    PostgreSQL), and an opt-out waits for it. With `seconds`, no message is started once that time has
    passed (one always is): the rest stay pending, untouched, for the next unit, and are screened again.
    A `connection` given by the caller is used and left open for its next unit. With `organisation_id`,
    only that organisation's messages are claimed (an API key's call)."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.send_after <= clock.now())
        .order_by(OutboxMessage.send_after)
        .limit(limit)
    )
    if organisation_id is not None:
        query = query.where(OutboxMessage.organisation_id == organisation_id)
    if db.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    outcomes: Counter[str] = Counter()
    rows = list(db.scalars(query))
    started = monotonic()
    dropped = _screened(db, keys, rows)
    for row in rows:
        if row.id in dropped:  # claimed and locked: an opt-out committing now waits for this unit
            row.status, row.sealed, row.last_error = "dropped", None, dropped[row.id][:300]
            outcomes["dropped"] += 1
    server = connection or Connection(settings)
    try:
        for attempt, row in enumerate(r for r in rows if r.id not in dropped):
            if attempt and seconds is not None and monotonic() - started > seconds:
                outcomes["deferred"] += 1
                continue
            outcome = _deliver(keys, server, settings, row)
            outcomes[outcome] += 1
            if row.status == "failed":
                for hook in _failure_hooks:
                    hook(db, row)
    finally:
        if connection is None:
            server.close()
    db.flush()
    failed = {k.removeprefix("failed:"): n for k, n in outcomes.items() if k.startswith("failed:")}
    if failed:
        log.warning("mail delivery gave up %s message(s): %s", sum(failed.values()), failed)
    return Delivery(
        sent=outcomes["sent"],
        retrying=outcomes["retrying"],
        failed=failed,
        dropped=outcomes["dropped"],
        deferred=outcomes["deferred"],
    )


class Malformed(ValueError):
    """The queued row cannot become a message: nothing a retry would change."""


def _compose(keys: Keys, settings: Settings, row: OutboxMessage) -> EmailMessage:
    if row.sealed is None:
        raise Malformed("no content")
    try:
        data = json.loads(crypto.decrypt(keys.outbox, row.sealed, context=str(row.id).encode()))
        sender = parseaddr(settings.mail_from)[1] or settings.mail_from
        if row.message_id is None:  # kept on the row: every attempt sends the same message
            row.message_id = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
        message = EmailMessage(policy=POLICY)  # the default policy, its repeated headers made once
        message["Date"] = format_datetime(clock.now())
        message["Message-ID"] = row.message_id
        _address(message, data, settings, sender, letter.automatic(row.kind))
        for name, value in data["headers"]:
            message[name] = value
        text, html = letter.body(data["text"], data["html"], data.get("letter"), settings.base_url)
        message.set_content(text, cte="quoted-printable")  # accents arrive intact, whatever the relay
        if html:
            message.add_alternative(html, subtype="html", cte="quoted-printable")
        if data.get("letter"):  # after the content, which clears every Content- header
            message["Content-Language"] = data["letter"]["lang"]
    except (
        InvalidTag,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
    ) as exc:  # header injection is a ValueError
        raise Malformed(type(exc).__name__) from exc
    return message


def _address(
    message: EmailMessage, data: dict[str, Any], settings: Settings, sender: str, automatic: bool
) -> None:
    """From the company by name at the configured address; replies to its privacy contact."""
    head = data.get("letter")
    if head is None:
        message["From"] = settings.mail_from
    else:
        company = Address(display_name=head["name"], addr_spec=sender)  # encoded, accents and all
        message["From"] = header("From", company, key=f"{head['name']}\n{sender}")
        if head.get("reply_to"):
            message["Reply-To"] = head["reply_to"]
    message["To"], message["Subject"] = data["to"], data["subject"]
    if automatic:
        message["Auto-Submitted"] = "auto-generated"


class Connection:
    """One SMTP session for a delivery run, opened at the first message and reused by the next ones (a
    session per message cost more than the message: campaigns go out in batches of a few hundred), across
    units of work when the caller passes it to `deliver`. After any error the session is dropped, so the
    next message starts a clean one."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            settings = self.settings
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10)
            try:
                if settings.smtp_starttls:
                    smtp.starttls()
                if settings.smtp_user and settings.smtp_password:
                    smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            except BaseException:
                smtp.close()
                raise
            self.smtp = smtp
        try:
            self.smtp.send_message(message)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


def _deliver(keys: Keys, server: Connection, settings: Settings, row: OutboxMessage) -> str:
    """Try one message; `sent`, `retrying` or `failed:<reason>`, the reason also kept in `last_error`."""
    row.attempts += 1
    try:
        message = _compose(keys, settings, row)
    except Malformed as exc:
        return _give_up(row, f"malformed: {exc}")
    try:
        server.send(message)
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
