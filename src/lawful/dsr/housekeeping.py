"""What rights requests leave behind, and for how long (R-81, R-82).

An answer's parts go one day after their download link expired, and the request's package key with them,
so that no backup copy stays readable; verification codes go once used or expired. A closed request (the
case record: its steps, fee and letters) is kept for the register's `organisation.records.rights_requests`
(default P5Y) after its closure, then deleted. The audit log keeps its entries: they hold no personal data.
"""

import uuid
from dataclasses import asdict, astuple, dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from lawful import audit, clock, keystore, processing
from lawful.actor import Actor

from .models import Package, Request, VerificationCode
from .rules import Status

ANSWER_GRACE = timedelta(days=1)  # a package is deleted one day after its link expires
CLOSED = (str(Status.COMPLETED), str(Status.REFUSED))


@dataclass(frozen=True)
class Swept:
    answer_parts: int = 0
    codes: int = 0
    requests: int = 0
    package_keys: int = 0

    def __add__(self, other: "Swept") -> "Swept":
        return Swept(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


def sweep(
    db: Session, actor: Actor, keys: keystore.Keys, *, organisation_id: uuid.UUID | None = None
) -> Swept:
    """One pass over one organisation, or over every one (None); each organisation's deletions audited in
    the caller's transaction."""
    total, now = Swept(), clock.now()
    for organisation in processing.list_organisations(db):
        if organisation_id is not None and organisation.id != organisation_id:
            continue
        swept = _sweep_one(db, keys, organisation.id, now)
        if swept != Swept():
            audit.record(db, actor, "dsr.swept", organisation_id=organisation.id, data=asdict(swept))
        total += swept
    return total


def _sweep_one(db: Session, keys: keystore.Keys, organisation_id: uuid.UUID, now: datetime) -> Swept:
    ours = select(Request.id).where(Request.organisation_id == organisation_id)
    expired = db.scalars(
        delete(Package)
        .where(Package.request_id.in_(ours), Package.expires_at <= now - ANSWER_GRACE)
        .returning(Package.request_id)
    ).all()
    codes = db.scalars(
        delete(VerificationCode)
        .where(
            VerificationCode.request_id.in_(ours),
            or_(VerificationCode.used_at.is_not(None), VerificationCode.expires_at <= now),
        )
        .returning(VerificationCode.id)
    ).all()
    old = _past_keeping(db, organisation_id, now)
    if old:
        db.execute(delete(Request).where(Request.id.in_(old)))  # steps, codes, parts and fee cascade
    emptied = set(expired) - set(
        db.scalars(select(Package.request_id).where(Package.request_id.in_(expired)))
    )
    gone = keys.store.destroy(*(f"package:{request_id}" for request_id in sorted(emptied | set(old))))
    return Swept(answer_parts=len(expired), codes=len(codes), requests=len(old), package_keys=gone)


def _past_keeping(db: Session, organisation_id: uuid.UUID, now: datetime) -> list[uuid.UUID]:
    """Closed requests whose keeping period, counted on the calendar from their closure, has run out."""
    try:
        _, register = processing.current_register(db, organisation_id=organisation_id)
    except processing.RegisterNotFound:
        return []
    period = register.organisation.records.rights_requests
    candidates = db.execute(  # the period's shortest length first, then the calendar for each
        select(Request.id, Request.completed_at).where(
            Request.organisation_id == organisation_id,
            Request.status.in_(CLOSED),
            Request.completed_at <= now - processing.shortest(period),
        )
    ).all()
    return [
        i for i, closed in candidates if closed is not None and processing.add_period(closed, period) <= now
    ]
