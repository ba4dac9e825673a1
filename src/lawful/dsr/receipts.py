"""Duplicate requests: the same person asking a right they already asked for in an open request joins it
as a receipt, not a second case (R-43, R-45). The same person is the same keyed hash of the normalised
email, or the same subject. The public answer reads the same whether or not a request was joined: a
receipt has its own reference and code, and only once the code proves control of the address does the
page name the request in progress (the message with the code, read by the address's owner, says it too)."""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, keystore, mail, subjects
from lawful.actor import Actor

from . import rules
from .errors import CodeRefused, RequestNotFound, TooManyAttempts
from .models import Receipt, Request
from .service import CODE_LIFETIME, MAX_CODE_ATTEMPTS, requester_lookup, status_token

CLOSED = (str(rules.Status.COMPLETED), str(rules.Status.REFUSED))


@dataclass(frozen=True)
class Unconfirmed:
    """What the status page shows of a receipt before its code: what a new request shows."""

    reference: str
    due_on: date
    status: str = str(rules.Status.AWAITING_IDENTITY)


def open_for(
    db: Session, keys: keystore.Keys, *, organisation_id: uuid.UUID, email: str, kinds: list[str]
) -> Request | None:
    """The person's open request that already asks every one of these rights, if any."""
    address = subjects.normalise_email(email)
    subject = subjects.find_by_identity(
        db, keys, organisation_id=organisation_id, kind=subjects.IdentityKind.EMAIL, value=address
    )
    same = [Request.requester_lookup == requester_lookup(keys, address)]
    if subject is not None:
        same.append(Request.subject_id == subject.id)
    query = (
        select(Request)
        .where(Request.organisation_id == organisation_id, or_(*same), Request.status.not_in(CLOSED))
        .order_by(Request.received_at)
    )
    return next((r for r in db.scalars(query) if set(kinds) <= set(r.kinds)), None)


def join(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    request: Request,
    *,
    email: str,
    kinds: list[str],
    channel: str,
    language: str,
    base_url: str,
) -> Receipt:
    """Record the new receipt on the open request and send its code, saying which request it joined."""
    receipt = Receipt(
        id=uuid.uuid4(),
        request_id=request.id,
        reference=new_reference(),
        kinds=sorted(set(kinds)),
        channel=channel,
        language=language,
        received_at=clock.now(),
        attempts=0,
        confirmed_at=None,
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    receipt.digest, receipt.code_expires_at = _digest(keys, receipt.id, code), clock.now() + CODE_LIFETIME
    db.add(receipt)
    url = f"{base_url}/rights/{status_token(keys, receipt.id)}"
    text = i18n.t("mail.code.body", language, reference=receipt.reference, code=code, url=url)
    text += "\n" + i18n.t(
        "mail.joined.line",
        language,
        reference=request.reference,
        date=i18n.long_date(request.due_on, language),
    )
    mail.queue(
        db,
        keys,
        mail.Mail(
            to=subjects.normalise_email(email),
            subject=i18n.t("mail.code.subject", language, reference=receipt.reference),
            text=text,
        ),
        kind="dsr_code",
        category="service",
        organisation_id=request.organisation_id,
        about=receipt.reference,
    )
    audit.record(
        db,
        actor,
        "dsr.duplicate_joined",
        entity=request,
        organisation_id=request.organisation_id,
        data={"receipt": receipt.reference, "kinds": receipt.kinds, "channel": channel},
    )
    return receipt


def get(db: Session, receipt_id: uuid.UUID) -> Receipt:
    found = db.get(Receipt, receipt_id)
    if found is None:
        raise RequestNotFound("no such request")
    return found


def unconfirmed(receipt: Receipt, *, joined: bool = False) -> Unconfirmed:
    """As a new request received then would show; once confirmed, `joined` (no code form)."""
    due = rules.due_date(rules.received_date(receipt.received_at), clock.is_working_day)
    if joined:
        return Unconfirmed(reference=receipt.reference, due_on=due, status="joined")
    return Unconfirmed(reference=receipt.reference, due_on=due)


def confirm(db: Session, actor: Actor, keys: keystore.Keys, *, receipt_id: uuid.UUID, code: str) -> bool:
    """The receipt's code, checked as a request's is; True when it proved control of the address."""
    receipt = get(db, receipt_id)
    if receipt.confirmed_at is not None:
        return True
    if receipt.code_expires_at is None or receipt.code_expires_at <= clock.now():
        raise CodeRefused("this code has expired; ask for a new one")
    if receipt.attempts >= MAX_CODE_ATTEMPTS:
        raise TooManyAttempts("too many wrong codes; ask for a new one")
    if receipt.digest is None or not hmac.compare_digest(
        receipt.digest, _digest(keys, receipt.id, code.strip())
    ):
        receipt.attempts += 1
        return False
    receipt.confirmed_at, receipt.digest = clock.now(), None
    request = db.get(Request, receipt.request_id)
    audit.record(
        db,
        actor,
        "dsr.duplicate_confirmed",
        entity_type="request",
        entity_id=receipt.request_id,
        organisation_id=request.organisation_id if request else None,
        data={"receipt": receipt.reference},
    )
    return True


def of_request(db: Session, request_id: uuid.UUID) -> list[Receipt]:
    """The receipts joined to a request, in the order they came (the console shows them)."""
    return list(
        db.scalars(select(Receipt).where(Receipt.request_id == request_id).order_by(Receipt.received_at))
    )


def _digest(keys: keystore.Keys, receipt_id: uuid.UUID, code: str) -> str:
    return hmac.new(keys.lookup, f"receipt:{receipt_id}:{code}".encode(), hashlib.sha256).hexdigest()


def new_reference() -> str:
    return "R-" + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))
