"""Art. 19, R-56: every recipient is told, or staff record why it could not be. A recipient with an API
is posted to at once and, when that fails, again after 1 min, 5 min, 30 min, 2 h and 12 h (the job in
tasks.py); then, or at once for a recipient without an endpoint, it becomes a task for staff with a due
date. A request is completed only once its answer went out and no recipient is left untold."""

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clients, clock, crypto, keystore, processing
from lawful.actor import Actor
from lawful.errors import Forbidden

from .. import recipients, rules
from ..errors import RequestNotFound, TransitionRefused
from ..models import Request
from ..service import get, move
from . import rules as notice_rules
from .models import RecipientNotice
from .rules import Status

SUMMARY = {"notify_recipients": "recipients_notified", "notify_decision": "recipients_told_of_decision"}
CLOSED = (str(rules.Status.COMPLETED), str(rules.Status.REFUSED))
HELD = "held back: {outcome}"  # the reason is on the compliance page; last_error keeps 60 characters


def send(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    request: Request,
    register: processing.Register,
    messages: dict[str, dict[str, Any] | None],
    *,
    step: str,
) -> dict[str, str]:
    """The first attempt for each recipient; a task for staff where there is nothing to post to."""
    endpoints = {r.name: r.endpoint for r in register.recipients}
    lapsed = _held(db, register, request)
    for name, payload in messages.items():
        notice = RecipientNotice(
            id=uuid.uuid4(),
            organisation_id=request.organisation_id,
            request_id=request.id,
            recipient=name,
            step=step,
            status=str(Status.OPEN),
            attempts=0,
            created_at=clock.now(),
        )
        db.add(notice)
        endpoint = endpoints.get(name)
        if endpoint is None or payload is None:
            _to_staff(
                db, actor, request, notice, "no endpoint" if endpoint is None else "received no identifier"
            )
            continue
        notice.payload = crypto.encrypt(keys.outbox, json.dumps(payload).encode(), context=_context(notice))
        _attempt(db, actor, request, notice, endpoint, payload, suspended=lapsed.get(name))
    db.flush()
    return _summarise(db, request, step)


def _held(db: Session, register: processing.Register, request: Request) -> dict[str, str]:
    """The recipients nothing may be posted to now, each with why (clients.flows: the rule of every lane).
    The data are the company's own: a client's requests are forwarded and answered by the client (R-102),
    whose instruction lawful carries out without telling recipients itself."""
    found = {
        r.name: clients.flows.held(db, organisation_id=request.organisation_id, recipient=r, client=None)
        for r in register.recipients
    }
    return {name: held.outcome for name, held in found.items() if held is not None}


def due(db: Session, *, now: datetime) -> list[uuid.UUID]:
    """The notices whose next attempt has come, earliest first."""
    query = (
        select(RecipientNotice.id)
        .where(RecipientNotice.status == str(Status.RETRYING), RecipientNotice.next_attempt_at <= now)
        .order_by(RecipientNotice.next_attempt_at)
    )
    return list(db.scalars(query))


def retry(db: Session, actor: Actor, keys: keystore.Keys, *, notice_id: uuid.UUID) -> RecipientNotice | None:
    """One more attempt, to the endpoint the register names now; None when it is no longer due."""
    notice = db.get(RecipientNotice, notice_id, with_for_update=_locks(db))
    if notice is None or notice.status != Status.RETRYING or notice.payload is None:
        return None
    if notice.next_attempt_at is None or notice.next_attempt_at > clock.now():
        return None
    request = get(db, request_id=notice.request_id)
    register = processing.current_register(db, organisation_id=request.organisation_id)[1]
    endpoint = next((r.endpoint for r in register.recipients if r.name == notice.recipient), None)
    if endpoint is None:
        _to_staff(db, actor, request, notice, "no endpoint")
    else:
        payload = json.loads(crypto.decrypt(keys.outbox, notice.payload, context=_context(notice)))
        lapsed = _held(db, register, request).get(notice.recipient)
        _attempt(db, actor, request, notice, endpoint, payload, suspended=lapsed)
    db.flush()
    _summarise(db, request, notice.step)
    settle(db, actor, request)
    return notice


def record(
    db: Session,
    actor: Actor,
    *,
    request_id: uuid.UUID,
    notice_id: uuid.UUID | None = None,
    recipient: str | None = None,
    outcome: str,
    method: str | None = None,
    told_at: datetime | None = None,
    note: str | None = None,
) -> RecipientNotice:
    """Staff say who was told, when and how, or why it was impossible or disproportionate (Art. 19).
    The recipient is named by its notice's id or, when the request has one untold by that name, by name."""
    request = get(db, request_id=request_id, organisation_id=actor.organisation_id)
    notice = _find(db, request, notice_id, recipient)
    if notice.status not in notice_rules.UNRESOLVED:
        raise notice_rules.TaskClosed(f"{notice.recipient} was already {notice.outcome or notice.status}")
    decided = notice_rules.check_outcome(outcome, method, told_at, note, clock.now())
    notice.status, notice.outcome, notice.note = str(Status.DONE), str(decided), (note or "").strip() or None
    notice.method = method if decided == notice_rules.Outcome.TOLD else None
    notice.told_at = told_at if decided == notice_rules.Outcome.TOLD else None
    notice.payload, notice.next_attempt_at, notice.recorded_by = None, None, actor.label
    audit.record(
        db,
        actor,
        "dsr.recipient_recorded",
        entity=request,
        organisation_id=request.organisation_id,
        data={"recipient": notice.recipient, "outcome": str(decided), "method": notice.method},
    )
    db.flush()
    _summarise(db, request, notice.step)
    settle(db, actor, request)
    return notice


def pending(db: Session, *, request_id: uuid.UUID) -> list[RecipientNotice]:
    """The recipients of a request not yet told: being retried, or a task for staff."""
    query = select(RecipientNotice).where(
        RecipientNotice.request_id == request_id, RecipientNotice.status.in_(notice_rules.UNRESOLVED)
    )
    return list(db.scalars(query.order_by(RecipientNotice.created_at, RecipientNotice.recipient)))


def of_request(db: Session, *, request_id: uuid.UUID) -> list[RecipientNotice]:
    query = select(RecipientNotice).where(RecipientNotice.request_id == request_id)
    return list(db.scalars(query.order_by(RecipientNotice.created_at, RecipientNotice.recipient)))


def tasks(db: Session, *, organisation_id: uuid.UUID) -> list[tuple[RecipientNotice, str]]:
    """The organisation's recipients not yet told, tasks first by due date, with their request's reference."""
    query = (
        select(RecipientNotice, Request.reference)
        .join(Request, Request.id == RecipientNotice.request_id)
        .where(
            RecipientNotice.organisation_id == organisation_id,
            RecipientNotice.status.in_(notice_rules.UNRESOLVED),
        )
        .order_by(RecipientNotice.status, RecipientNotice.due_on, RecipientNotice.created_at)
    )
    return [(notice, reference) for notice, reference in db.execute(query).all()]


def settle(db: Session, actor: Actor, request: Request) -> bool:
    """Complete an answered request once no recipient is left untold; False while one is."""
    if request.status in CLOSED or "answered_at" not in request.outcome:
        return False
    if pending(db, request_id=request.id):
        return False
    request.completed_at = clock.now()
    move(db, actor, request, rules.Status.COMPLETED)
    db.flush()
    return True


def answered(db: Session, actor: Actor, request: Request) -> None:
    """The answer went out (the answer step): the request completes now, or once its recipients are told."""
    request.outcome = {**request.outcome, "answered_at": clock.now().isoformat()}
    settle(db, actor, request)


def complete(db: Session, actor: Actor, *, request_id: uuid.UUID) -> Request:
    """Staff close a request by hand: refused, naming them, while a recipient is not yet told (Art. 19)."""
    request = get(db, request_id=request_id, organisation_id=actor.organisation_id)
    if request.status == rules.Status.FORWARDED:  # R-102, T-29: the client controller decides, not us
        raise Forbidden("a request forwarded to a client controller is carried out only on its instruction")
    if request.status in CLOSED:
        raise TransitionRefused(f"the request is already {request.status}")
    untold = pending(db, request_id=request.id)
    if untold:
        names = ", ".join(f"{n.recipient} ({_why(n)})" for n in untold)
        raise notice_rules.RecipientsPending(
            f"{len(untold)} recipient(s) not yet told: {names}; record each outcome first",
            problems=[{"path": f"recipients.{n.id}", "message": f"{n.recipient}: {_why(n)}"} for n in untold],
        )
    if "answered_at" not in request.outcome:
        raise TransitionRefused("the answer has not gone out yet: run the request's steps first")
    settle(db, actor, request)
    audit.record(db, actor, "dsr.completed", entity=request, organisation_id=request.organisation_id)
    return request


def _find(
    db: Session, request: Request, notice_id: uuid.UUID | None, recipient: str | None
) -> RecipientNotice:
    found = [
        n
        for n in of_request(db, request_id=request.id)
        if (notice_id is not None and n.id == notice_id)
        or (notice_id is None and n.recipient == recipient and n.status in notice_rules.UNRESOLVED)
    ]
    if not found:
        raise RequestNotFound(
            "this request has no such recipient to tell",
            problems=[{"path": "notice_id" if notice_id else "recipient", "message": "unknown here"}],
        )
    return found[0]


def _attempt(
    db: Session,
    actor: Actor,
    request: Request,
    notice: RecipientNotice,
    endpoint: str,
    payload: dict[str, Any],
    *,
    suspended: str | None = None,
) -> None:
    """A recipient held back (a lapsed transfer mechanism, R-114; a sub-processor the client may still object
    to, R-104) is not posted to: the notice waits in the retries, then goes to staff like any undelivered one."""
    error = HELD.format(outcome=suspended) if suspended else recipients.deliver(endpoint, payload)
    now = clock.now()
    notice.attempts += 1
    if error is None:
        notice.status, notice.told_at, notice.method = str(Status.DELIVERED), now, "api"
        notice.outcome, notice.payload, notice.next_attempt_at = str(notice_rules.Outcome.TOLD), None, None
        action = "dsr.recipient_delivered"
    else:
        notice.last_error, notice.next_attempt_at = error, notice_rules.next_attempt(notice.attempts, now)
        if notice.next_attempt_at is None:
            _to_staff(db, actor, request, notice, f"not delivered after {notice.attempts} attempts")
            return
        notice.status = str(Status.RETRYING)
        action = "dsr.recipient_retrying"
    audit.record(
        db,
        actor,
        action,
        entity=request,
        organisation_id=request.organisation_id,
        data={"recipient": notice.recipient, "attempt": notice.attempts, "error": notice.last_error},
    )


def _to_staff(db: Session, actor: Actor, request: Request, notice: RecipientNotice, reason: str) -> None:
    notice.status, notice.reason, notice.next_attempt_at = str(Status.OPEN), reason, None
    notice.due_on = notice_rules.task_due(request.due_on, clock.today(), clock.is_working_day)
    audit.record(
        db,
        actor,
        "dsr.recipient_task_opened",
        entity=request,
        organisation_id=request.organisation_id,
        data={"recipient": notice.recipient, "reason": reason, "due_on": notice.due_on.isoformat()},
    )


def _why(notice: RecipientNotice) -> str:
    if notice.status == Status.RETRYING:
        return f"retrying ({notice.last_error}), next attempt {notice.next_attempt_at:%Y-%m-%d %H:%M} UTC"
    return f"a task for staff ({notice.reason}), due {notice.due_on}"


def _summarise(db: Session, request: Request, step: str) -> dict[str, str]:
    """What the request's outcome says of each recipient (read by the API and the answer)."""
    found = {n.recipient: _state(n) for n in of_request(db, request_id=request.id) if n.step == step}
    request.outcome = {**request.outcome, SUMMARY.get(step, step): found}
    return found


def _state(notice: RecipientNotice) -> str:
    if notice.status == Status.DELIVERED:
        return "delivered"
    if notice.status == Status.DONE:
        return f"{notice.outcome} by {notice.method}" if notice.method else str(notice.outcome)
    return f"not delivered: {_why(notice)}" if notice.status == Status.RETRYING else _why(notice)


def _context(notice: RecipientNotice) -> bytes:
    return f"recipient-notice:{notice.id}".encode()


def _locks(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"
