"""Forwarding rights requests about client data to the client controller (Art. 28(3)(e), R-102, T-29).

The rights-request domain (dsr, a higher layer) recognises such a request and calls `forward`; the client's
instruction arrives here (`instruct`) and dsr, which plugged in how an instruction is carried out
(`carry_out_with`), carries it out in the client's space in the same unit of work."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, crypto, i18n, keystore, mail, processing
from lawful.actor import Actor

from . import rules
from .errors import AlreadyInstructed, ForwardingNotFound
from .models import Forwarding

Carrier = Callable[[Session, Actor, keystore.Keys, Forwarding, str], None]
_carriers: list[Carrier] = []


def carry_out_with(carrier: Carrier) -> None:
    """The rights-request domain plugs in how a client's instruction is carried out (this layer cannot
    import it)."""
    _carriers[:] = [carrier]


@dataclass(frozen=True)
class Asked:
    """A request as the client is told of it: its reference, rights, receipt and the requester's address."""

    request_id: uuid.UUID
    reference: str
    kinds: list[str]
    received_on: date
    email: str | None


def client_of(db: Session, organisation_id: uuid.UUID, key: str) -> processing.Client:
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    found = next((c for c in register.clients if c.key == key), None)
    if found is None:
        raise ForwardingNotFound(f"there is no client {key!r} in the register")
    return found


def forward(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    client: processing.Client,
    subject_id: uuid.UUID | None,
    asked: Asked,
    base_url: str,
) -> Forwarding:
    """Record the forwarding and send it at once: a mail to the client's contact through the outbox, and
    a POST to its webhook after the commit (`deliver_webhook`); the deadlines in Belgian working days."""
    plan = rules.schedule(asked.received_on, client.dpa.rights_forwarding_days, clock.is_working_day)
    row = Forwarding(
        id=uuid.uuid4(),
        organisation_id=organisation_id,
        request_id=asked.request_id,
        client=client.key,
        subject_id=subject_id,
        reference=asked.reference,
        kinds=list(asked.kinds),
        state=str(rules.State.FORWARDED),
        received_on=asked.received_on,
        forward_by=plan.forward_by,
        remind_on=plan.remind_on,
        escalate_on=plan.escalate_on,
        forwarded_at=clock.now(),
        webhook="pending" if client.webhook else "none",
        webhook_attempts=0,
    )
    if asked.email is not None:
        row.contact = crypto.encrypt(
            keys.outbox, asked.email.encode(), context=f"forwarding:{row.id}".encode()
        )
    db.add(row)
    mail_client(db, keys, row, client, "forwarded", base_url, email=asked.email or "-")
    audit.record(
        db,
        actor,
        "clients.request_forwarded",
        entity=row,
        organisation_id=organisation_id,
        data={
            "client": client.key,
            "reference": asked.reference,
            "kinds": list(asked.kinds),
            "forward_by": plan.forward_by.isoformat(),
            "in_time": rules.forwarded_in_time(clock.today(), plan),
            "webhook": row.webhook,
        },
    )
    db.flush()
    return row


def contact(keys: keystore.Keys, row: Forwarding) -> str | None:
    if row.contact is None:
        return None
    return crypto.decrypt(keys.outbox, row.contact, context=f"forwarding:{row.id}".encode()).decode()


def instruction_url(base_url: str, row: Forwarding) -> str:
    return f"{base_url}/api/clients/{row.client}/requests/{row.request_id}/instruction"


def get(db: Session, *, organisation_id: uuid.UUID, client: str, request_id: uuid.UUID) -> Forwarding:
    """The request as forwarded to this client: another client's, or another organisation's, is not found
    (R-106)."""
    row = db.scalars(
        select(Forwarding).where(
            Forwarding.organisation_id == organisation_id,
            Forwarding.client == client,
            Forwarding.request_id == request_id,
        )
    ).first()
    if row is None:
        raise ForwardingNotFound("this client has no such forwarded request")
    return row


def by_reference(db: Session, *, organisation_id: uuid.UUID, client: str, reference: str) -> Forwarding:
    row = db.scalars(
        select(Forwarding).where(
            Forwarding.organisation_id == organisation_id,
            Forwarding.client == client,
            Forwarding.reference == reference,
        )
    ).first()
    if row is None:
        raise ForwardingNotFound(f"{client!r} has no forwarded request {reference!r}")
    return row


def list_forwardings(
    db: Session, *, organisation_id: uuid.UUID, client: str | None = None, state: str | None = None
) -> list[Forwarding]:
    query = select(Forwarding).where(Forwarding.organisation_id == organisation_id)
    if client is not None:
        query = query.where(Forwarding.client == client)
    if state is not None:
        query = query.where(Forwarding.state == state)
    return list(db.scalars(query.order_by(Forwarding.remind_on, Forwarding.reference)))


def instruct(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    client: str,
    request_id: uuid.UUID,
    instruction: rules.Instruction,
    note: str | None,
    base_url: str,
) -> Forwarding:
    """The client controller's instruction (Art. 28(3)(a)): recorded, audited, then carried out by dsr in
    this client's space only; a second instruction for the same request is refused."""
    refused = _refusal(actor, organisation_id, client, request_id)
    try:
        client_of(db, organisation_id, client)
        row = get(db, organisation_id=organisation_id, client=client, request_id=request_id)
    except ForwardingNotFound as exc:  # e.g. a client's key on another client's request: kept on record
        raise ForwardingNotFound(exc.detail, record=refused("not_found")) from exc
    if row.instruction is not None:
        raise AlreadyInstructed(
            f"this request was already instructed: {row.instruction}", record=refused("already_instructed")
        )
    row.instruction, row.instructed_at, row.instructed_by = str(instruction), clock.now(), actor.label
    row.note = note
    row.state = str(
        rules.State.CARRIED_OUT if instruction is rules.Instruction.CARRY_OUT else rules.State.REFUSED
    )
    audit.record(
        db,
        actor,
        "clients.request_instructed",
        entity=row,
        organisation_id=organisation_id,
        data={"client": client, "reference": row.reference, "instruction": str(instruction)},
    )
    if not _carriers:
        raise LookupError("no carrier: import lawful.dsr before instructing")
    _carriers[0](db, actor, keys, row, base_url)
    db.flush()
    return row


def _refusal(
    actor: Actor, organisation_id: uuid.UUID, client: str, request_id: uuid.UUID
) -> Callable[[str], Callable[[Session], object]]:
    """An instruction refused is audited although nothing else is written (the unit of work keeps it)."""

    def because(reason: str) -> Callable[[Session], object]:
        def record(db: Session) -> object:
            return audit.record(
                db,
                actor,
                "clients.request_instruction_refused",
                entity_type="Request",
                entity_id=request_id,
                organisation_id=organisation_id,
                outcome="refused",
                data={"client": client, "reason": reason},
            )

        return record

    return because


def send_to_client(
    db: Session, keys: keystore.Keys, row: Forwarding, *, message: str, base_url: str, **values: object
) -> None:
    """A message about a forwarded request to the client controller (the answer, the certificate)."""
    client = client_of(db, row.organisation_id, row.client)
    mail_client(db, keys, row, client, message, base_url, **values)


def mail_client(
    db: Session,
    keys: keystore.Keys,
    row: Forwarding,
    client: processing.Client,
    message: str,
    base_url: str,
    **values: object,
) -> None:
    lang = mail.letterhead(db, row.organisation_id).language
    words = {
        "client": client.name,
        "reference": row.reference,
        "kinds": ", ".join(i18n.t(f"rights.kind.{k}", lang) for k in row.kinds),
        "dpa": client.dpa.reference,
        "answer_by": i18n.long_date(row.remind_on, lang),
        "url": instruction_url(base_url, row),
        **values,
    }
    mail.queue(
        db,
        keys,
        mail.Mail(
            to=client.contact_email,
            subject=i18n.t(f"mail.client_{message}.subject", lang, **words),
            text=i18n.t(f"mail.client_{message}.body", lang, **words),
        ),
        kind=f"client_{message}",
        category="service",
        organisation_id=row.organisation_id,
        about=row.reference,
    )
