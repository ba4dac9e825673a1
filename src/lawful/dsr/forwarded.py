"""Rights requests about client data (Art. 28(3)(e), R-102, T-29): recognised at receipt, recorded as
`forwarded`, sent to the client controller (clients.forwarding), and carried out only on its instruction,
in that client's space only; the person is told which controller handles the request."""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, jobs, keystore, processing, subjects
from lawful.actor import Actor
from lawful.clients import forwarding

from . import rules
from .errors import TransitionRefused, UnknownKind
from .models import Request, Step
from .service import _write_new, move, open_request, register_for, tell

CLIENT = "client"  # details.client: the request names the client (brand) it is about
CONTROLLERS = "controllers"  # outcome.controllers: the client controllers' names, as the person is told them
# what a client may instruct lawful to carry out in its space (Art. 28(3)(e)); the rest is the client's own
CARRIED_OUT = ("access", "portability", "rectification", "restriction", "erasure")
ANSWER_STEP = "client_answer"

__all__ = ["ANSWER_STEP", "CLIENT", "client_spaces", "route"]


def client_spaces(
    db: Session, keys: keystore.Keys, *, organisation_id: uuid.UUID, email: str, register: processing.Register
) -> dict[str, uuid.UUID]:
    """Client key → the person holding this (normalised) email in that client's space, in one look-up.
    Each client's identities are hashed with its key, so a match is in that client's space only (R-106)."""
    lookups = {
        subjects.lookup_key(keys, subjects.IdentityKind.EMAIL, email, client=c.key): c.key
        for c in register.clients
    }
    if not lookups:
        return {}
    rows = db.execute(
        select(subjects.Identity.lookup, subjects.Subject.id, subjects.Subject.client)
        .join(subjects.Subject, subjects.Subject.id == subjects.Identity.subject_id)
        .where(
            subjects.Identity.organisation_id == organisation_id,
            subjects.Identity.kind == str(subjects.IdentityKind.EMAIL),
            subjects.Identity.lookup.in_(list(lookups)),
        )
    )
    return {lookups[lookup]: sid for lookup, sid, client in rows if client == lookups[lookup]}


def named_client(register: processing.Register, details: dict[str, Any]) -> processing.Client | None:
    """details.client, when given, must be a client of the register (422 naming the field otherwise)."""
    key = details.get(CLIENT)
    if key is None:
        return None
    found = next((c for c in register.clients if c.key == str(key)), None)
    if found is None:
        raise UnknownKind(
            "the request names no client of the register",
            problems=[{"path": f"details.{CLIENT}", "message": "not a client of the register"}],
        )
    return found


def route(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    request: Request,
    *,
    address: str | None,
    own_subject: bool,
    entries: list[dict[str, object]],
    base_url: str,
) -> bool:
    """At receipt: a request about a client's data is recorded `forwarded` and sent to each client whose
    space holds the person (or the client it names); False for a request about the company's own data."""
    if request.details.get(CLIENT) is None and address is None:
        return False  # a request by letter without email: nobody to look for in a client's space
    try:
        register = register_for(db, request)
    except processing.RegisterNotFound:
        return False
    named = named_client(register, request.details)
    spaces = (
        client_spaces(db, keys, organisation_id=request.organisation_id, email=address, register=register)
        if address is not None
        else {}
    )
    if named is not None:
        targets = [named]
    elif not spaces:
        return False  # the company's own person (or nobody's): answered by the company as controller
    elif own_subject:  # the company's own person, and a client's too: each client's part is its own request
        for client in [c for c in register.clients if c.key in spaces]:
            _part_for(db, actor, keys, request, client.key, address, base_url)
        return False
    else:  # one client per request, so that each client's instruction acts on its own request alone
        first, *others = [c for c in register.clients if c.key in spaces]
        for client in others:
            _part_for(db, actor, keys, request, client.key, address, base_url)
        targets = [first]
    rules.ensure_transition(rules.Status(request.status), rules.Status.FORWARDED)
    request.status = str(rules.Status.FORWARDED)
    request.subject_id = None  # the company is not the controller: nothing of its own is about this person
    request.details = {**request.details, "forwarded_to": [c.key for c in targets]}
    request.outcome = {
        **request.outcome,
        CONTROLLERS: [c.name for c in targets],
    }  # the status page names them
    entries.append(
        audit.entry(
            actor,
            "dsr.forwarded",
            entity=request,
            organisation_id=request.organisation_id,
            data={"clients": [c.key for c in targets]},
        )
    )
    _write_new(db, request, [], entries)
    asked = forwarding.Asked(
        request_id=request.id,
        reference=request.reference,
        kinds=list(request.kinds),
        received_on=rules.received_date(request.received_at),
        email=address,
    )
    for client in targets:
        row = forwarding.forward(
            db,
            actor,
            keys,
            organisation_id=request.organisation_id,
            client=client,
            subject_id=spaces.get(client.key),
            asked=asked,
            base_url=base_url,
        )
        if row.webhook == "pending":
            from . import tasks  # the jobs build on this module

            jobs.kick(db, tasks.post_forwarding, str(row.id))
    if request.contact is not None:  # the person is told who the controller is, by name
        names = ", ".join(c.name for c in targets)
        tell(db, keys, request, "forwarded", controller=names, by_mail=True)
    return True


def _part_for(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    request: Request,
    client: str,
    address: str | None,
    base_url: str,
) -> Request:
    """The part of a request that is about a client's person: a request of its own, forwarded to the client,
    while the company answers for its own data."""
    return open_request(
        db,
        actor,
        keys,
        organisation_id=request.organisation_id,
        kinds=list(request.kinds),
        email=address,
        language=request.language,
        channel=request.channel,
        base_url=base_url,
        received_at=request.received_at,
        details={**request.details, CLIENT: client, "part_of": request.reference},
    )


def carry_out(
    db: Session, actor: Actor, keys: keystore.Keys, row: forwarding.Forwarding, base_url: str
) -> None:
    """The client's instruction, carried out in its space: its person only, never another client's."""
    request = db.get(Request, row.request_id)
    if request is None or request.organisation_id != row.organisation_id:
        raise forwarding.ForwardingNotFound("the forwarded request is gone")
    if request.status != rules.Status.FORWARDED:
        raise TransitionRefused(f"the request is {request.status}, not forwarded: it was already instructed")
    if row.instruction == forwarding.Instruction.REFUSE:
        request.refusal = f"the controller ({row.client}) instructed not to act"
        request.outcome = {**request.outcome, "client_instruction": "refuse", "client": row.client}
        move(db, actor, request, rules.Status.REFUSED)
        request.completed_at = clock.now()
        audit.record(
            db,
            actor,
            "dsr.client_refused",
            entity=request,
            organisation_id=request.organisation_id,
            data={"client": row.client},
        )
        return
    subject_id = row.subject_id
    if subject_id is not None:
        person = db.get(subjects.Subject, subject_id)
        if person is None or person.client != row.client or person.organisation_id != row.organisation_id:
            subject_id = None  # never another client's (or the company's own) person: R-106
    request.subject_id = subject_id
    request.identity_method, request.identity_verified_at = "client_instruction", clock.now()
    request.outcome = {**request.outcome, "client_instruction": "carry_out", "client": row.client}
    move(db, actor, request, rules.Status.IN_PROGRESS)
    steps = [k for k in request.kinds if k in CARRIED_OUT and subject_id is not None] + [ANSWER_STEP]
    for kind in steps:
        db.add(Step(request_id=request.id, kind=kind, status="pending", result={}, updated_at=clock.now()))
    audit.record(
        db,
        actor,
        "dsr.client_instructed",
        entity=request,
        organisation_id=request.organisation_id,
        data={"client": row.client, "steps": steps},
    )
    db.flush()
    from . import tasks  # the jobs build on this module

    tasks.resume(db, request.id)


forwarding.carry_out_with(carry_out)
