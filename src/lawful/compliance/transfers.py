"""Recipients whose transfer mechanism lapsed (Art. 44-46, R-114, T-40). The flows themselves are refused at
their gates (`processing.transfer_suspension`, read from the register on the day); this sweep, run hourly,
puts each suspension on record with a notice draft for the officer, and lifts it once a register version
renews the mechanism."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, processing
from lawful.actor import Actor

from .models import TransferSuspension


@dataclass(frozen=True)
class Swept:
    suspended: list[str]
    resumed: list[str]
    alerted: list[str] = field(default_factory=list)  # lapsed, flows going on (on_lapse: alert)


def sweep(db: Session, actor: Actor, *, organisation_id: uuid.UUID, now: datetime) -> Swept:
    """Record new suspensions (with their notice draft) and lift those the register renewed."""
    if processing.find_current(db, organisation_id=organisation_id) is None:
        return Swept([], [])
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    today = clock.brussels_date(now)
    open_ = {row.recipient: row for row in current(db, organisation_id=organisation_id)}
    suspended: list[str] = []
    resumed: list[str] = []
    alerted: list[str] = []
    for recipient in register.recipients:
        reason = processing.transfer_lapse(recipient, today)
        row = open_.pop(recipient.key, None)
        action = _action(recipient)
        if row is not None and reason and row.action != action:  # the register switched suspend/alert
            _lift(db, actor, row, now)
            row = None
        if reason and row is None:
            row = _suspend(db, organisation_id, register, recipient, reason, action, now)
            verb = "transfer_suspended" if action == "suspend" else "transfer_lapse_alerted"
            audit.record(db, actor, f"compliance.{verb}", entity=row, organisation_id=organisation_id,
                         data={"recipient": recipient.key, "valid_until": _iso(row), "action": action})  # fmt: skip
            (suspended if action == "suspend" else alerted).append(recipient.key)
        elif not reason and row is not None:
            _lift(db, actor, row, now)
            resumed.append(recipient.key)
    for row in open_.values():  # a recipient the register no longer lists receives nothing anyway
        _lift(db, actor, row, now)
        resumed.append(row.recipient)
    db.flush()
    return Swept(suspended, resumed, alerted)


def _action(recipient: processing.Recipient) -> str:
    """ "alert" when the register lets the flows go on after a lapse (`on_lapse: alert`), else "suspend"."""
    lapse = recipient.transfer.on_lapse if recipient.transfer is not None else processing.OnLapse.SUSPEND
    return "alert" if lapse == processing.OnLapse.ALERT else "suspend"


def current(db: Session, *, organisation_id: uuid.UUID) -> list[TransferSuspension]:
    query = select(TransferSuspension).where(
        TransferSuspension.organisation_id == organisation_id, TransferSuspension.lifted_at.is_(None)
    )
    return list(db.scalars(query.order_by(TransferSuspension.suspended_at)))


def history(db: Session, *, organisation_id: uuid.UUID) -> list[TransferSuspension]:
    query = select(TransferSuspension).where(TransferSuspension.organisation_id == organisation_id)
    return list(db.scalars(query.order_by(TransferSuspension.suspended_at.desc())))


def notice_draft(register: processing.Register, recipient: processing.Recipient) -> str:
    """The transfer section of the notice as it must read while the recipient is suspended, per language."""
    transfer = recipient.transfer
    values = {
        "recipient": recipient.name,
        "countries": ", ".join(str(c) for c in recipient.countries),
        "mechanism": str(transfer.mechanism) if transfer else "-",
        "reference": transfer.reference if transfer else "-",
        "valid_until": transfer.valid_until.isoformat() if transfer and transfer.valid_until else "-",
    }
    languages = [str(lang) for lang in register.organisation.languages] or list(i18n.LANGUAGES)
    return "\n\n".join(
        f"[{lang}] " + i18n.t("compliance.transfer.notice_draft", lang, **values)
        for lang in languages
        if lang in i18n.LANGUAGES
    )


def _suspend(
    db: Session,
    organisation_id: uuid.UUID,
    register: processing.Register,
    recipient: processing.Recipient,
    reason: str,
    action: str,
    now: datetime,
) -> TransferSuspension:
    transfer = recipient.transfer
    row = TransferSuspension(
        organisation_id=organisation_id,
        recipient=recipient.key,
        mechanism=str(transfer.mechanism) if transfer else None,
        valid_until=transfer.valid_until if transfer else None,
        reason=reason,
        action=action,
        notice_draft=notice_draft(register, recipient),
        suspended_at=now,
    )
    db.add(row)
    db.flush()
    return row


def _lift(db: Session, actor: Actor, row: TransferSuspension, now: datetime) -> None:
    row.lifted_at = now
    audit.record(db, actor, "compliance.transfer_resumed", entity=row, organisation_id=row.organisation_id,
                 data={"recipient": row.recipient})  # fmt: skip


def _iso(row: TransferSuspension) -> str | None:
    return row.valid_until.isoformat() if row.valid_until else None
