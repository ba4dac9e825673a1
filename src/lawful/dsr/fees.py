"""Fees for further copies (Art. 12(5), 15(3); R-48, R-52): quoted before any work, then paid or waived.

The deadline keeps running while a quote is unpaid. Art. 12(3) counts the month "from receipt of the
request" and, unlike a doubt about identity (Art. 12(6), the A-19 option), gives no ground to stop it for a
fee; R-48 asks for the quote before any work so the person can withdraw, and T-23 warns against starting
the clock anywhere but at receipt. So the quote goes out at once, the due date stays as it was, reminders
and escalation carry on, and an unpaid quote ends within the month: paid, waived, or refused with reasons.
"""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, keystore, processing
from lawful.actor import Actor

from . import rules
from .errors import FeeRefused, RequestNotFound, TransitionRefused
from .models import Fee, Request, Step
from .service import _move, get, start, tell

DECISIONS = ("paid", "waived")


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
    _move(db, actor, request, rules.Status.AWAITING_FEE_DECISION)
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
    return [rules.received_date(r.completed_at) for r in earlier if "access" in r.kinds and r.completed_at]


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


def decide(db: Session, actor: Actor, *, request_id: uuid.UUID, decision: str, note: str | None) -> Request:
    """Staff record that the fee was paid, or waive it; the work then begins (R-48)."""
    request = get(db, request_id=request_id, organisation_id=actor.organisation_id)
    if decision not in DECISIONS:
        raise FeeRefused(
            f"record the fee as {' or '.join(DECISIONS)}",
            problems=[{"path": "decision", "message": f"use {', '.join(DECISIONS)}"}],
        )
    if request.status != rules.Status.AWAITING_FEE_DECISION:
        raise TransitionRefused(f"this request is not waiting for a fee (it is {request.status})")
    fee = get_fee(db, request_id=request.id)
    fee.decision, fee.decided_at, fee.decided_by = decision, clock.now(), actor.label
    fee.note = (note or "").strip() or None
    steps = start(db, actor, request)
    audit.record(
        db,
        actor,
        f"dsr.fee_{decision}",
        entity=request,
        organisation_id=request.organisation_id,
        data={"amount_cents": fee.amount_cents, "currency": fee.currency, "steps": steps},
    )
    return request


def get_fee(db: Session, *, request_id: uuid.UUID) -> Fee:
    fee = db.scalars(select(Fee).where(Fee.request_id == request_id)).first()
    if fee is None:
        raise RequestNotFound("this request has no fee quote")
    return fee


def find_by_reference(db: Session, *, reference: str) -> Request | None:
    return db.scalars(select(Request).where(Request.reference == reference.strip().upper())).first()
