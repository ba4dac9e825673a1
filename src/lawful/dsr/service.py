"""Rights requests: intake from any channel, identity by a code to the address on file (codes.py), deadlines.
Extension and refusal live in officer.py, fulfilment in steps.py, messages to the person in telling.py."""

import hmac
import secrets
import uuid
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, make_transient_to_detached

from lawful import audit, clock, crypto, keystore, processing, subjects
from lawful.actor import Actor
from lawful.db import insert_together, table_of

from . import checks, erased, rules
from .codes import CODE_LIFETIME as CODE_LIFETIME
from .codes import MAX_CODE_ATTEMPTS as MAX_CODE_ATTEMPTS
from .codes import digest as _digest
from .codes import send_code as send_code
from .errors import (
    CodeRefused,
    RequestNotFound,
    TooManyAttempts,
    UnknownKind,
)
from .letters import post
from .letters.post import Postal
from .models import Request, Step, VerificationCode
from .packages import new_request_id
from .telling import contact as contact
from .telling import request_from_token as request_from_token
from .telling import status_token as status_token
from .telling import tell as tell

KINDS = (
    "access",
    "rectification",
    "erasure",
    "restriction",
    "objection",
    "portability",
    "question",
    "complaint",
)
# T-41: an objection stops marketing or restricts an activity, so recipients must hear of it too
NOTIFY_RECIPIENTS = frozenset({"rectification", "erasure", "restriction", "objection"})
CASES = frozenset({"question", "complaint"})


def open_request(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    kinds: list[str],
    email: str | None,
    language: str,
    channel: str,
    base_url: str,
    received_at: datetime | None = None,
    details: dict[str, object] | None = None,
    identity_verified: bool = False,
    postal: Postal | None = None,
) -> Request:
    """Any channel, no wording required (R-43); the clock runs from the real receipt (T-23). A request by
    post, phone or in person may give a postal address or a phone number instead of an email (`postal`):
    it is answered by letter, and its identity is checked by staff (there is no address for a code)."""
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown or not kinds:
        raise UnknownKind(
            f"unknown request type(s): {', '.join(unknown) or 'none given'}",
            problems=[{"path": "kinds", "message": f"use {', '.join(KINDS)}"}],
        )
    checks.refuse_no_contact(email, postal, channel, kinds)
    address = subjects.normalise_email(email) if email is not None else None
    received = received_at or clock.now()
    if received > clock.now():
        raise UnknownKind(
            "a request cannot be received in the future",
            problems=[{"path": "received_at", "message": "in the future"}],
        )
    checks.refuse_unknown_keys(db, organisation_id, details or {})
    checks.refuse_what_lawful_records(details or {})
    checks.refuse_unconfirmable_destination(details or {}, identity_verified=identity_verified)
    if address is not None:
        checks.refuse_frozen_fields(db, keys, organisation_id, kinds, details or {}, address)
    subject = (
        subjects.find_by_identity(
            db, keys, organisation_id=organisation_id, kind=subjects.IdentityKind.EMAIL, value=address
        )
        if address is not None
        else None
    )  # never created here: a request about nobody stays nobody's
    if (details or {}).get("on_behalf_of") is not None and not str(
        (details or {}).get("on_behalf_of")
    ).strip():
        raise UnknownKind(
            "name who the request is made for",
            problems=[{"path": "details.on_behalf_of", "message": "empty"}],
        )
    request = Request(
        id=new_request_id(keys),  # its package key is ready; the contact is sealed under the id
        organisation_id=organisation_id,
        reference=_reference(),
        subject_id=subject.id if subject else None,
        kinds=sorted(set(kinds), key=KINDS.index),
        channel=channel,
        language=language,
        received_at=received,
        due_on=rules.due_date(rules.received_date(received), clock.is_working_day),
        extension_months=0,
        extension_reason=None,
        status=str(rules.Status.RECEIVED),
        identity_method=None,
        identity_verified_at=None,
        details=dict(details or {}),
        outcome={},
        refusal=None,
        registered_by=actor.label,
        completed_at=None,
        assignee_id=None,
    )
    if address is not None:
        request.contact = crypto.encrypt(
            keys.outbox, address.encode(), context=f"request:{request.id}".encode()
        )
        request.requester_lookup = requester_lookup(keys, address)
    if postal is not None:
        request.postal = post.seal(keys, request.id, postal)
    entries = [
        audit.entry(
            actor,
            "dsr.received",
            entity=request,
            organisation_id=organisation_id,
            data={
                "kinds": request.kinds,
                "channel": channel,
                "due_on": request.due_on.isoformat(),
                **({"by_letter": True} if post.by_letter(request) else {}),
            },
        )
    ]
    from .forwarded import route  # forwarded builds on this module

    if route(  # a request about a client's data goes to the client, never answered by us
        db,
        actor,
        keys,
        request,
        address=address,
        own_subject=subject is not None,
        entries=entries,
        base_url=base_url,
    ):
        return request
    method = "staff" if identity_verified else "not_required" if _needs_no_identity(request) else None
    if method is not None and _started_at_once(db, actor, request, method, entries):
        return request  # the usual case: written with its steps and both entries as one statement
    _write_new(db, request, [], entries)
    if method is not None:
        mark_verified(db, actor, request, method)
    else:
        move(db, actor, request, rules.Status.AWAITING_IDENTITY)
        if request.contact is not None:  # otherwise staff identify the person (an identification letter)
            send_code(db, keys, request, base_url=base_url)
    return request


def requester_lookup(keys: keystore.Keys, address: str) -> str:
    """The keyed hash of a normalised email, as the person's identity is looked up by (never the address)."""
    return subjects.lookup_key(keys, subjects.IdentityKind.EMAIL, address)


def _started_at_once(
    db: Session, actor: Actor, request: Request, method: str, entries: list[dict[str, object]]
) -> bool:
    """A verified new request that needs no mandate and cannot owe a fee starts at once, as
    `mark_verified` would start it, and is written here with its steps; False when that does not apply."""
    if request.details.get("on_behalf_of") and not request.details.get("mandate_checked"):
        return False
    register = register_for(db, request)
    if register.organisation.further_copy_fee is not None:
        return False  # fees.hold_for_fee decides
    request.identity_method, request.identity_verified_at = method, clock.now()
    rules.ensure_transition(rules.Status(request.status), rules.Status.IN_PROGRESS)
    request.status = str(rules.Status.IN_PROGRESS)
    steps = _plan(request, register)
    entries.append(
        audit.entry(
            actor,
            "dsr.verified",
            entity=request,
            organisation_id=request.organisation_id,
            data={"method": method, "steps": steps},
        )
    )
    _write_new(db, request, steps, entries)
    return True


def _write_new(db: Session, request: Request, steps: list[str], entries: list[dict[str, object]]) -> None:
    """Insert a new request, its pending steps and its audit entries together (one statement on
    PostgreSQL); the request then belongs to the session as if it had been loaded."""
    now = clock.now()
    step_rows = [
        {
            "id": uuid.uuid4(),
            "request_id": request.id,
            "kind": kind,
            "status": "pending",
            "attempts": 0,
            "result": {},
            "updated_at": now,
        }
        for kind in steps
    ]
    row = {column.key: getattr(request, column.key) for column in _REQUESTS.columns}
    insert_together(db.connection(), [(_REQUESTS, [row]), (_STEPS, step_rows), (audit.TABLE, entries)])
    make_transient_to_detached(request)
    db.add(request)


_REQUESTS, _STEPS = table_of(Request), table_of(Step)


def register_for(db: Session, request: Request) -> processing.Register:
    """The register in force for a request, read once per request in a session (each step needs it)."""
    key = f"lawful.dsr.register:{request.id}"
    found = db.info.get(key)
    if not isinstance(found, processing.Register):
        found = db.info[key] = processing.current_register(db, organisation_id=request.organisation_id)[1]
    return found


def _needs_no_identity(request: Request) -> bool:
    """R-66, T-21: objecting to direct marketing never requires identification."""
    return request.kinds == ["objection"] and request.details.get("scope") == "direct_marketing"


def _reference() -> str:
    return "R-" + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))


def verify(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    request_id: uuid.UUID,
    code: str,
    pause_while_identity: bool = False,
) -> Request:
    """A wrong, reused or expired code is refused; after five wrong tries a new code is needed.

    By default the month runs from receipt (A-19); an organisation may choose to start it at verification.
    """
    request = get(db, request_id=request_id)
    if request.status != rules.Status.AWAITING_IDENTITY:
        raise CodeRefused("this request needs no code now")
    row = db.scalars(
        select(VerificationCode)
        .where(VerificationCode.request_id == request.id, VerificationCode.used_at.is_(None))
        .order_by(VerificationCode.expires_at.desc())
    ).first()
    if row is None or row.expires_at <= clock.now():
        raise CodeRefused("this code has expired; ask for a new one")
    if row.attempts >= MAX_CODE_ATTEMPTS:
        raise TooManyAttempts("too many wrong codes; ask for a new one")
    if not hmac.compare_digest(row.digest, _digest(keys, request.id, code.strip())):
        row.attempts += 1
        audit.record(
            db,
            actor,
            "dsr.code_refused",
            entity=request,
            organisation_id=request.organisation_id,
            outcome="refused",
        )
        return request
    row.used_at = clock.now()
    if (day := erased.erased_on(db, keys, request)) is not None:
        erased.close(db, actor, request, day)
        return request
    if target := request.details.get(rules.TRANSMIT_TO):  # named in the code's message (send_code)
        request.details = {**request.details, rules.TRANSMIT_CONFIRMED: target}
    if pause_while_identity:
        request.due_on = rules.due_date(
            rules.received_date(clock.now()), clock.is_working_day, request.extension_months
        )
        request.details = {**request.details, "clock_paused_for_identity": True}
    mark_verified(db, actor, request, "email_code")
    return request


def mark_verified(db: Session, actor: Actor, request: Request, method: str) -> None:
    request.identity_method, request.identity_verified_at = method, clock.now()
    if request.details.get("on_behalf_of") and not request.details.get("mandate_checked"):
        move(
            db, actor, request, rules.Status.AWAITING_MANDATE
        )  # nothing is released before the mandate
        return
    from .fees import hold_for_fee  # fees builds on this module

    steps = ["fee_quote"] if hold_for_fee(db, actor, request) else start(db, actor, request)
    audit.record(
        db,
        actor,
        "dsr.verified",
        entity=request,
        organisation_id=request.organisation_id,
        data={"method": method, "steps": steps},
    )


def start(db: Session, actor: Actor, request: Request) -> list[str]:
    """The work begins: one pending step per right, then recipients, then the answer."""
    move(db, actor, request, rules.Status.IN_PROGRESS)
    version = db.scalar(processing.current_select(request.organisation_id, processing.RegisterVersion.id))
    steps = _plan(request, None if version is None else processing.register_by_id(db, version_id=version))
    for kind in steps:
        db.add(Step(request_id=request.id, kind=kind, status="pending", result={}, updated_at=clock.now()))
    db.flush()
    return steps


def _plan(request: Request, register: processing.Register | None) -> list[str]:
    """The steps of a request, in the order they were planned; datastores only with a register."""
    kinds = [k for k in request.kinds if k not in CASES]
    # a request without email is about no one found: no datastore to search by it, no recipient to tell
    by_email = request.contact is not None
    steps = [
        *kinds,
        *(["notify_recipients"] if by_email and NOTIFY_RECIPIENTS.intersection(kinds) else []),
        *(["answer"] if kinds else []),
        *(["acknowledge"] if CASES.intersection(request.kinds) else []),
    ]  # questions and complaints are acknowledged, then answered by a person
    if (
        register is not None and by_email
    ):  # one step per datastore of the register's dataset maps (connectors)
        rights = [r for r in ("access", "portability", "erasure") if r in kinds]
        steps += [f"datastore_{right}:{store.key}" for right in rights for store in register.datastores]
    return steps


def move(db: Session, actor: Actor, request: Request, status: rules.Status) -> None:
    """Written with the request's other changes, at the next flush."""
    rules.ensure_transition(rules.Status(request.status), status)
    request.status = str(status)


def get(db: Session, *, request_id: uuid.UUID, organisation_id: uuid.UUID | None = None) -> Request:
    request = db.get(Request, request_id)
    if request is None or (organisation_id is not None and request.organisation_id != organisation_id):
        raise RequestNotFound("no such request")
    return request


def list_on_our_clock(db: Session, *, organisation_id: uuid.UUID) -> list[Request]:
    """The open requests whose deadline the organisation itself must meet (the reminders and the compliance
    check). One forwarded to a client controller waits on the client's instruction and runs on the client's
    clock, not ours (Art. 28(3)(e)): the instruction brings it back as a request in progress."""
    return list(db.scalars(_open_requests(organisation_id).where(Request.status != "forwarded")))


def list_open(db: Session, *, organisation_id: uuid.UUID) -> list[Request]:
    """The queue, earliest legal due date first (R-45)."""
    return list(db.scalars(_open_requests(organisation_id)))


def _open_requests(organisation_id: uuid.UUID) -> Select[Request]:
    return (
        select(Request)
        .where(Request.organisation_id == organisation_id, Request.status.not_in(["completed", "refused"]))
        .order_by(Request.due_on)
    )
