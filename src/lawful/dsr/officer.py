"""The privacy officer's decisions on a request's deadline: an extension (Art. 12(3)) or a refusal (12(5))."""

import uuid

from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, keystore
from lawful.actor import Actor
from lawful.errors import Forbidden

from . import rules
from .errors import NotPrivacyOfficer, RefusalRefused
from .models import Request
from .service import get, move, tell


def extend(
    db: Session, actor: Actor, keys: keystore.Keys, *, request_id: uuid.UUID, months: int, reason: str | None
) -> Request:
    """Art. 12(3): up to two more months, with reasons told to the person within the first month (T-24)."""
    request = get(db, request_id=request_id, organisation_id=actor.organisation_id)
    _not_forwarded(request)
    original = rules.due_date(rules.received_date(request.received_at), clock.is_working_day)
    rules.ensure_extension(
        today=clock.today(),
        original_due=original,
        reason=reason,
        months=months,
        already=request.extension_months,
    )
    request.extension_months += months
    request.extension_reason = reason
    request.due_on = rules.due_date(
        rules.received_date(request.received_at), clock.is_working_day, request.extension_months
    )
    move(db, actor, request, rules.Status.EXTENDED)
    lang = request.language
    tell(db, keys, request, "extension", date=i18n.long_date(request.due_on, lang), reason=reason)
    audit.record(
        db,
        actor,
        "dsr.extended",
        entity=request,
        organisation_id=request.organisation_id,
        data={"months": months, "due_on": request.due_on.isoformat()},
    )
    return request


def refuse(
    db: Session, actor: Actor, keys: keystore.Keys, *, request_id: uuid.UUID, justification: str
) -> Request:
    """Art. 12(5): only the privacy officer, with written reasons, the APD and the courts named (R-48)."""
    if not actor.can("export:approve"):
        raise NotPrivacyOfficer("only the privacy officer may refuse a request")
    if len(justification.strip()) < 20:
        raise RefusalRefused("a refusal needs a written justification")
    request = get(db, request_id=request_id, organisation_id=actor.organisation_id)
    _not_forwarded(request)
    move(db, actor, request, rules.Status.REFUSED)
    request.refusal, request.completed_at = justification.strip(), clock.now()
    tell(db, keys, request, "refusal", reason=request.refusal)
    audit.record(db, actor, "dsr.refused", entity=request, organisation_id=request.organisation_id)
    return request


def _not_forwarded(request: Request) -> None:
    """R-102, T-29: a request forwarded to a client controller is the client's to extend or refuse."""
    if request.status == rules.Status.FORWARDED:
        raise Forbidden("a request forwarded to a client controller is decided by the client's instruction")
