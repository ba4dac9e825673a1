"""Marketing mail at send time (R-36, T-14): each message is checked again when its turn comes, and an
opt-out takes back the person's queued messages in its own transaction.

The outbox calls `screen` for each batch it claims, before sending any of it: a message the gate or the
exclusion list no longer allows is dropped with its reason, never retried. The claimed rows are locked
until the batch commits, and `cancel_for` updates the same rows, so an opt-out that commits after the
check waits for the batch: no message leaves after an opt-out has taken effect.
"""

import uuid
from collections import defaultdict

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from lawful import clock, consent, decisions, keystore, mail, subjects
from lawful.actor import Actor

from . import eligibility
from .models import Send, SendStatus

Batch = dict[tuple[uuid.UUID, str], list[tuple[mail.OutboxMessage, Send]]]


def screen(db: Session, keys: keystore.Keys, rows: list[mail.OutboxMessage]) -> dict[uuid.UUID, str]:
    """{outbox id: reason} for the claimed marketing messages that may not go now."""
    wanted = [row for row in rows if row.category == "marketing"]
    if not wanted:
        return {}
    sends = {
        s.outbox_id: s for s in db.scalars(select(Send).where(Send.outbox_id.in_([r.id for r in wanted])))
    }
    dropped: dict[uuid.UUID, str] = {}
    batch: Batch = defaultdict(list)
    loose: list[mail.OutboxMessage] = []  # marketing mail queued outside a campaign: no purpose to ask
    for row in wanted:
        send = sends.get(row.id)
        if send is None:
            loose.append(row)
        elif send.subject_id is None:
            dropped[row.id] = eligibility.UNKNOWN_SUBJECT
        else:
            batch[(send.organisation_id, send.purpose)].append((row, send))
    dropped |= _listed(db, loose)
    for (organisation_id, purpose), items in batch.items():
        dropped |= _check(db, organisation_id, purpose, items)
    now = clock.now()
    for outbox_id, reason in dropped.items():
        send = sends.get(outbox_id)
        if send is not None:
            send.status, send.reason, send.decided_at = SendStatus.DROPPED, reason, now
    return dropped


def _listed(db: Session, rows: list[mail.OutboxMessage]) -> dict[uuid.UUID, str]:
    """Without a purpose, the exclusion entries that cover every marketing purpose still apply."""
    dropped = {}
    for row in rows:
        if row.organisation_id is not None and row.recipient_lookup is not None:
            listed = consent.suppressed(
                db,
                organisation_id=row.organisation_id,
                lookups=[row.recipient_lookup],
                purpose=eligibility.ALL_MARKETING,
            )
            if listed:
                dropped[row.id] = eligibility.ADDRESS_SUPPRESSED
    return dropped


def _check(
    db: Session, organisation_id: uuid.UUID, purpose: str, items: list[tuple[mail.OutboxMessage, Send]]
) -> dict[uuid.UUID, str]:
    try:
        decided = decisions.decide_many(
            db,
            organisation_id=organisation_id,
            purpose=purpose,
            subject_ids=[send.subject_id for _, send in items if send.subject_id is not None],
        )
    except decisions.UnknownPurpose:  # the register no longer has it: nothing may be sent for it
        return {row.id: eligibility.UNKNOWN_PURPOSE for row, _ in items}
    lookups = [row.recipient_lookup for row, _ in items if row.recipient_lookup]
    listed = consent.suppressed(db, organisation_id=organisation_id, lookups=lookups, purpose=purpose)
    dropped = {}
    for row, send in items:
        assert send.subject_id is not None
        decision = decided[send.subject_id]
        reason = eligibility.reason_at_send(
            allowed=decision.allow,
            reasons=[str(r) for r in decision.reasons],
            address_suppressed=row.recipient_lookup in listed,
        )
        if reason is not None:
            dropped[row.id] = reason
    return dropped


def cancel_for(db: Session, opt_out: consent.OptOut) -> int:
    """Take back the person's queued marketing mail for what they stopped, in the opt-out's transaction
    (R-36); service mail is never touched (R-38). How many messages were taken back."""
    scope = [
        Send.organisation_id == opt_out.organisation_id,
        Send.subject_id == opt_out.subject_id,
        Send.status == SendStatus.QUEUED,
    ]
    if opt_out.purposes is not None:
        scope.append(Send.purpose.in_(sorted(opt_out.purposes)))
    return cancel(db, scope, reason=opt_out.reason)


def cancel(db: Session, scope: list[ColumnElement[bool]], *, reason: str) -> int:
    """Cancel the pending messages of the sends in `scope`. The UPDATE waits for a delivery batch that
    holds one of them, so a message being sent now is either sent before this commits or not at all."""
    outbox = mail.OutboxMessage
    taken = db.scalars(
        update(outbox)
        .where(
            outbox.id.in_(select(Send.outbox_id).where(*scope)),
            outbox.status == "pending",
            outbox.category == "marketing",
        )
        .values(status="cancelled", sealed=None, last_error=f"cancelled: {reason}"[:300])
        .returning(outbox.id)
        .execution_options(synchronize_session="fetch")
    ).all()
    if taken:
        db.execute(
            update(Send)
            .where(Send.outbox_id.in_(taken))
            .values(status=SendStatus.CANCELLED, reason=reason, decided_at=clock.now())
            .execution_options(synchronize_session="fetch")
        )
    return len(taken)


def cancel_for_child(db: Session, actor: Actor, subject: subjects.Subject) -> int:
    """R-110: a child discovered: every queued marketing message to them is taken back at once."""
    return cancel_for(db, consent.OptOut(subject.organisation_id, subject.id, None, "child"))


mail.screen_with(screen)
consent.on_opt_out(cancel_for)
subjects.on_child_flagged(cancel_for_child)
