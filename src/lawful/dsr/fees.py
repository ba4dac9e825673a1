"""Fees for further copies (Art. 12(5), 15(3); R-48, R-52): quoted before any work, then paid or waived.

The deadline keeps running while a quote is unpaid. Art. 12(3) counts the month "from receipt of the
request" and, unlike a doubt about identity (Art. 12(6), the A-19 option), gives no ground to stop it for a
fee; R-48 asks for the quote before any work so the person can withdraw, and T-23 warns against starting
the clock anywhere but at receipt. So the quote goes out at once, the due date stays as it was, reminders
and escalation carry on, and an unpaid quote ends within the month: paid, waived, declined by the person
(the request closes with a letter and no copy), or refused with reasons.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, keystore, processing
from lawful.actor import Actor

from . import rules
from .errors import RequestNotFound, TransitionRefused
from .models import Fee, Request, Step
from .service import get, move, start, tell

DECISIONS = rules.FEE_DECISIONS


def hold_for_fee(db: Session, actor: Actor, request: Request) -> bool:
    """Hold a further access copy for its quote when the organisation charges one; the first copy never waits."""
    if db.scalars(select(Fee).where(Fee.request_id == request.id)).first() is not None:
        return False  # decided already: the work goes ahead
    register = processing.current_register(db, organisation_id=request.organisation_id)[1]
    fee = register.organisation.further_copy_fee
    further = fee is not None and rules.is_further_copy(
        rules.received_date(request.received_at), _copies(db, request), fee.window_days
    )
    if fee is None or not rules.fee_applies(request.kinds, further, fee_configured=True):
        return False
    row = Fee(
        request_id=request.id,
        amount_cents=int(fee.amount * 100),
        currency=fee.currency,
        reason=fee.reason.get(request.language) or fee.reason.en or "",
        quoted_at=clock.now(),
    )
    db.add(row)
    move(db, actor, request, rules.Status.AWAITING_FEE_DECISION)
    # the quote is mailed by a step: this runs where no keys are at hand (staff confirming a mandate)
    db.add(Step(request_id=request.id, kind="fee_quote", status="pending", result={}, updated_at=clock.now()))
    db.flush()
    audit.record(
        db,
        actor,
        "dsr.fee_quoted",
        entity=request,
        organisation_id=request.organisation_id,
        data={"amount_cents": row.amount_cents, "currency": row.currency},
    )
    return True


def _copies(db: Session, request: Request) -> list[date]:
    """Delivery dates of the earlier copies of this person's data (a "no data" answer is no copy)."""
    if request.subject_id is None:
        return []
    earlier = db.scalars(
        select(Request).where(
            Request.subject_id == request.subject_id,
            Request.id != request.id,
            Request.status == str(rules.Status.COMPLETED),
            Request.completed_at.is_not(None),
        )
    )
    return [
        rules.received_date(r.completed_at)
        for r in earlier
        if "access" in r.kinds and r.completed_at and r.outcome.get("fee") != "declined"
    ]  # a declined quote closed the request without a copy


def tell_quote(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str
) -> dict[str, Any]:
    """The step that tells the person the quote, in their language, with the date they will be answered by."""
    fee = get_fee(db, request_id=request.id)
    register = processing.current_register(db, organisation_id=request.organisation_id)[1]
    window = register.organisation.further_copy_fee
    lang = request.language
    tell(
        db,
        keys,
        request,
        "fee",
        amount=amount_text(fee, lang),
        reason=fee.reason,
        days=window.window_days if window else rules.FURTHER_COPY_WINDOW_DAYS,
        date=i18n.long_date(request.due_on, lang),
    )
    return {"quoted": amount_text(fee, "en")}


def amount_text(fee: Fee, lang: str) -> str:
    return str(format_currency(Decimal(fee.amount_cents) / 100, fee.currency, locale=lang))


def decide(
    db: Session, actor: Actor, keys: keystore.Keys, *, request_id: uuid.UUID, decision: str, note: str | None
) -> Request:
    """Staff record that the fee was paid, waive it (the work then begins), or that the person declined it."""
    request = get(db, request_id=request_id, organisation_id=actor.organisation_id)
    then = rules.after_fee(decision)  # names the field when the decision is not one of them
    fee = find_fee(db, request_id=request.id)
    if request.status != rules.Status.AWAITING_FEE_DECISION or fee is None or fee.decision is not None:
        raise TransitionRefused(f"this request is not waiting for a fee (it is {request.status})")
    fee.decision, fee.decided_at, fee.decided_by = decision, clock.now(), actor.label
    fee.note = (note or "").strip() or None
    steps = (
        start(db, actor, request)
        if then is rules.Status.IN_PROGRESS
        else _close(db, actor, keys, request, fee)
    )
    audit.record(
        db,
        actor,
        f"dsr.fee_{decision}",
        entity=request,
        organisation_id=request.organisation_id,
        data={"amount_cents": fee.amount_cents, "currency": fee.currency, "steps": steps},
    )
    return request


def decline(db: Session, actor: Actor, keys: keystore.Keys, *, request_id: uuid.UUID) -> Request:
    """The person declines the quote from their request's page: the same effect as staff recording it.

    Only a decline is self-service: a payment is confirmed by staff, and a waiver is the organisation's call.
    """
    return decide(db, actor, keys, request_id=request_id, decision="declined", note=SELF_SERVICE_NOTE)


SELF_SERVICE_NOTE = "declined by the person in the privacy center"


def _close(db: Session, actor: Actor, keys: keystore.Keys, request: Request, fee: Fee) -> list[str]:
    """R-48: the person did not want the copy at this price; the request closes, and they are told so."""
    move(db, actor, request, rules.Status.COMPLETED)
    request.completed_at = clock.now()
    request.outcome = {**request.outcome, "fee": "declined"}
    tell(
        db,
        keys,
        request,
        "fee_declined",
        amount=amount_text(fee, request.language),
        days=_window(db, request),
    )
    return []


def _window(db: Session, request: Request) -> int:
    register = processing.current_register(db, organisation_id=request.organisation_id)[1]
    window = register.organisation.further_copy_fee
    return window.window_days if window else rules.FURTHER_COPY_WINDOW_DAYS


@dataclass(frozen=True)
class Quote:
    """What the privacy center shows of a fee: the amount, why, and how to pay or decline."""

    amount: str
    currency: str
    reason: str
    days: int
    write_to: str | None
    decision: str | None


def quote(db: Session, *, request: Request, lang: str) -> Quote | None:
    fee = find_fee(db, request_id=request.id)
    if fee is None:
        return None
    register = processing.current_register(db, organisation_id=request.organisation_id)[1]
    privacy = [c.value for c in register.organisation.contact if c.kind == "privacy_email"]
    return Quote(
        amount=amount_text(fee, lang),
        currency=fee.currency,
        reason=fee.reason,
        days=_window(db, request),
        write_to=privacy[0] if privacy else None,
        decision=fee.decision,
    )


def find_fee(db: Session, *, request_id: uuid.UUID) -> Fee | None:
    return db.scalars(select(Fee).where(Fee.request_id == request_id)).first()


def get_fee(db: Session, *, request_id: uuid.UUID) -> Fee:
    fee = find_fee(db, request_id=request_id)
    if fee is None:
        raise RequestNotFound("this request has no fee quote")
    return fee


def find_by_reference(db: Session, *, reference: str) -> Request | None:
    return db.scalars(select(Request).where(Request.reference == reference.strip().upper())).first()
