"""Campaigns: queue one to everyone the purpose may reach now, list them, show one with what became of
each message, cancel one. Who actually gets a message is decided again when it is sent (sending.py)."""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from lawful import audit, clock, keystore, mail, processing, subjects
from lawful.actor import Actor
from lawful.db import table_of
from lawful.errors import Conflict, NotFound

from . import letters, rules, sending
from .exports import hold_unnotified
from .models import Campaign, Send, SendStatus
from .service import build


class CampaignExists(Conflict):
    code = "campaign_exists"


class UnknownCampaign(NotFound):
    code = "unknown_campaign"


@dataclass(frozen=True)
class CampaignResult:
    queued: int
    excluded: dict[str, int]


def queue(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    purpose: str,
    campaign: str,
    subject_line: str,
    text: str,
    base_url: str,
) -> CampaignResult:
    """Queue a message to everyone the purpose may reach now; each is checked again when sent (R-36), and
    carries its one-click opt-out and the way to every other choice (R-35, R-22). Every language version is
    checked first (letters.ensure_publishable)."""
    rules.ensure_header_value("subject", subject_line)
    letters.ensure_publishable(
        db,
        keys,
        organisation_id=organisation_id,
        purpose=purpose,
        subject_line=subject_line,
        text=text,
        base_url=base_url,
    )
    if db.scalars(
        select(Campaign.id).where(Campaign.organisation_id == organisation_id, Campaign.key == campaign)
    ).first():
        raise CampaignExists(f"campaign: {campaign!r} was queued already; choose another name")
    audience = build(db, keys, organisation_id=organisation_id, purpose=purpose)
    hold_unnotified(db, audience)  # the Art. 14 notice at the latest with the first communication
    org = processing.current_register(db, organisation_id=organisation_id)[1].organisation
    now = clock.now()
    outbox: list[dict[str, Any]] = []
    sends: list[dict[str, Any]] = []
    reachable = subjects.emails_and_languages(db, keys, [subject_id for subject_id, _ in audience.members])
    for subject_id, basis in audience.members:
        if subject_id not in reachable:
            continue
        email, language = reachable[subject_id]
        lang = language or org.authoritative_language
        message = letters.message(keys, subject_id, purpose, email, subject_line, text, base_url, lang)
        row = mail.outbox_row(
            db,
            keys,
            message,
            kind=f"campaign:{campaign}",
            category="marketing",
            organisation_id=organisation_id,
            subject_id=subject_id,
        )
        outbox.append(row)
        sends.append(
            {
                "id": uuid.uuid4(),
                "organisation_id": organisation_id,
                "campaign": campaign,
                "subject_id": subject_id,
                "purpose": purpose,
                "basis": basis,
                "outbox_id": row["id"],
                "queued_at": now,
                "status": SendStatus.QUEUED,
                "reason": None,
                "decided_at": None,
            }
        )
    for start in range(0, len(outbox), 2000):  # one statement per chunk: campaigns reach 100,000 people
        db.execute(insert(mail.TABLE), outbox[start : start + 2000])
        db.execute(insert(SENDS), sends[start : start + 2000])
    mail.mark_queued(db)
    made = Campaign(
        organisation_id=organisation_id,
        key=campaign,
        purpose=purpose,
        subject_line=subject_line,
        queued=len(sends),
        excluded=dict(audience.excluded),
        queued_at=now,
        queued_by=actor.label,
    )
    db.add(made)
    db.flush()
    audit.record(
        db,
        actor,
        "marketing.campaign_queued",
        entity_type="Campaign",
        entity_id=campaign,
        organisation_id=organisation_id,
        purpose=purpose,
        data={"queued": len(sends), "excluded": dict(audience.excluded)},
    )
    return CampaignResult(len(sends), dict(audience.excluded))


SENDS = table_of(Send)


@dataclass(frozen=True)
class CampaignView:
    """A campaign and what became of its messages: left out when queued and when sent, each by reason."""

    key: str
    purpose: str
    subject_line: str
    queued_at: datetime
    queued_by: str
    cancelled_at: datetime | None
    queued: int
    excluded_when_queued: dict[str, int]
    outcomes: dict[str, int] = field(default_factory=dict)  # sent, pending, failed, dropped, cancelled
    dropped: dict[str, int] = field(default_factory=dict)  # left out at send time, by reason
    cancelled: dict[str, int] = field(default_factory=dict)  # taken back before, by reason


def list_campaigns(db: Session, *, organisation_id: uuid.UUID) -> list[CampaignView]:
    rows = db.scalars(
        select(Campaign)
        .where(Campaign.organisation_id == organisation_id)
        .order_by(Campaign.queued_at.desc())
    ).all()
    return [_view(db, row) for row in rows]


def show(db: Session, *, organisation_id: uuid.UUID, key: str) -> CampaignView:
    return _view(db, _get(db, organisation_id, key))


def cancel(db: Session, actor: Actor, *, organisation_id: uuid.UUID, key: str) -> CampaignView:
    """Take back every message of the campaign not sent yet; what was sent stays sent."""
    row = _get(db, organisation_id, key)
    if row.cancelled_at is None:
        taken = sending.cancel(
            db,
            [Send.organisation_id == organisation_id, Send.campaign == key, Send.status == SendStatus.QUEUED],
            reason="campaign_cancelled",
        )
        row.cancelled_at = clock.now()
        audit.record(
            db,
            actor,
            "marketing.campaign_cancelled",
            entity_type="Campaign",
            entity_id=key,
            organisation_id=organisation_id,
            purpose=row.purpose,
            data={"taken_back": taken},
        )
    return _view(db, row)


def _get(db: Session, organisation_id: uuid.UUID, key: str) -> Campaign:
    row = db.scalars(
        select(Campaign).where(Campaign.organisation_id == organisation_id, Campaign.key == key)
    ).first()
    if row is None:
        raise UnknownCampaign(f"campaign: no campaign {key!r}")
    return row


def _view(db: Session, row: Campaign) -> CampaignView:
    outcomes: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = {SendStatus.DROPPED: Counter(), SendStatus.CANCELLED: Counter()}
    outbox = mail.OutboxMessage
    for status, reason, delivery, n in db.execute(
        select(Send.status, Send.reason, outbox.status, func.count())
        .outerjoin(outbox, outbox.id == Send.outbox_id)
        .where(Send.organisation_id == row.organisation_id, Send.campaign == row.key)
        .group_by(Send.status, Send.reason, outbox.status)
    ):
        outcome = outcome_of(status, delivery)
        outcomes[outcome] += n
        if outcome in reasons:
            reasons[outcome][reason or "unknown"] += n
    return CampaignView(
        key=row.key,
        purpose=row.purpose,
        subject_line=row.subject_line,
        queued_at=row.queued_at,
        queued_by=row.queued_by,
        cancelled_at=row.cancelled_at,
        queued=row.queued,
        excluded_when_queued=dict(row.excluded),
        outcomes=dict(outcomes),
        dropped=dict(reasons[SendStatus.DROPPED]),
        cancelled=dict(reasons[SendStatus.CANCELLED]),
    )


def outcome_of(status: str, delivery: str | None) -> str:
    """What became of one message: dropped or cancelled by us, else what the outbox says of it."""
    if status in (SendStatus.DROPPED, SendStatus.CANCELLED):
        return status
    return {"sent": "sent", "failed": "failed", "pending": "pending"}.get(delivery or "", "pending")


@dataclass(frozen=True)
class SendView:
    campaign: str
    purpose: str
    basis: str
    queued_at: datetime
    outcome: str
    reason: str | None
    sent_at: datetime | None


def sends_of(db: Session, *, subject_id: uuid.UUID) -> list[SendView]:
    """Every campaign message queued for this person and what became of it: the access report's actual
    recipients of their data are the campaigns that reached them (outcome `sent`)."""
    outbox = mail.OutboxMessage
    rows: Any = db.execute(
        select(
            Send.campaign,
            Send.purpose,
            Send.basis,
            Send.queued_at,
            Send.status,
            Send.reason,
            outbox.status,
            outbox.sent_at,
        )
        .outerjoin(outbox, outbox.id == Send.outbox_id)
        .where(Send.subject_id == subject_id)
        .order_by(Send.queued_at)
    )
    return [
        SendView(campaign, purpose, basis, queued_at, outcome_of(status, delivery), reason, sent_at)
        for campaign, purpose, basis, queued_at, status, reason, delivery, sent_at in rows
    ]
