"""Recording a new or replacement sub-processor, telling each client concerned, and whether a client's data
may flow to it now (R-104, Art. 28(2), 28(4))."""

import uuid
from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, keystore, mail, outbound, processing
from lawful.actor import Actor

from . import rules
from .errors import ChangeDecided, ChangeNotFound, SubProcessorRefused
from .models import SubProcessorChange
from .schemas import SubProcessorChangeCreate, SubProcessorDecision

SUB_PROCESSOR_TYPES = frozenset({"processor", "sub_processor"})


def record_change(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    change: SubProcessorChangeCreate,
) -> list[SubProcessorChange]:
    """One change per client concerned, each told by mail (and its webhook), each with its window."""
    _, register = processing.current_register(db, organisation_id=organisation_id)
    try:
        recipient = _sub_processor(register, change.recipient, "recipient")
        if change.replaces is not None:
            _sub_processor(register, change.replaces, "replaces")
        concerned = _clients(register, change.clients)
        for client in concerned:  # never shorter than the client signed for
            if (change.objection_days or client.dpa.objection_days) < client.dpa.objection_days:
                raise SubProcessorRefused(
                    f"objection_days: {client.name}'s agreement gives it {client.dpa.objection_days} days"
                )
    except SubProcessorRefused as refused:  # the attempt stays on record, nothing else of it
        raise SubProcessorRefused(
            refused.detail, record=_refusal(actor, organisation_id, refused.detail)
        ) from None
    now = clock.now()
    made = []
    for client in concerned:
        days = change.objection_days or client.dpa.objection_days
        row = SubProcessorChange(
            organisation_id=organisation_id,
            client=client.key,
            recipient=recipient.key,
            replaces=change.replaces,
            notice=change.notice,
            authorisation=str(client.dpa.authorisation),
            recorded_at=now,
            recorded_by=actor.label,
            window_ends_at=rules.window_end(now, days),
            status=rules.PENDING,
            decision_note="",
        )
        db.add(row)
        db.flush()
        _tell(db, keys, register, client, recipient, row)
        audit.record(
            db,
            actor,
            "clients.sub_processor_change_recorded",
            entity=row,
            organisation_id=organisation_id,
            data={
                "client": client.key,
                "recipient": recipient.key,
                "replaces": change.replaces,
                "window_ends_at": row.window_ends_at.isoformat(),
                "webhook": row.webhook_status,
            },
        )
        made.append(row)
    return made


def _refusal(actor: Actor, organisation_id: uuid.UUID, reason: str) -> Callable[[Session], object]:
    def record(db: Session) -> object:
        return audit.record(
            db,
            actor,
            "clients.sub_processor_change_refused",
            entity_type="SubProcessorChange",
            organisation_id=organisation_id,
            outcome="refused",
            data={"reason": reason},
        )

    return record


def _sub_processor(register: processing.Register, key: str, field: str) -> processing.Recipient:
    found = next((r for r in register.recipients if r.key == key), None)
    if found is None:
        raise SubProcessorRefused(f"{field}: {key!r} is not a recipient of the register")
    if str(found.type) not in SUB_PROCESSOR_TYPES:
        raise SubProcessorRefused(f"{field}: {key!r} is a {found.type}, not a (sub-)processor")
    if not processing.dpa_complete(found):
        raise SubProcessorRefused(f"{field}: {key!r} has no DPA recorded (Art. 28(4))")
    return found


def _clients(register: processing.Register, keys: Sequence[str] | None) -> list[processing.Client]:
    if keys is None:
        if not register.clients:
            raise SubProcessorRefused("clients: the register declares no client to tell")
        return list(register.clients)
    known = {c.key: c for c in register.clients}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise SubProcessorRefused(f"clients: {', '.join(map(repr, unknown))} is not a client of the register")
    return [known[k] for k in dict.fromkeys(keys)]


def _tell(
    db: Session,
    keys: keystore.Keys,
    register: processing.Register,
    client: processing.Client,
    recipient: processing.Recipient,
    row: SubProcessorChange,
) -> None:
    """Art. 28(2): the client is informed before any of its data reach the new sub-processor."""
    lang = register.organisation.authoritative_language
    deadline = i18n.long_date(clock.brussels_date(row.window_ends_at), lang)
    previous = next((r.name for r in register.recipients if r.key == row.replaces), None)
    values = {
        "processor": register.organisation.legal_name,
        "client": client.name,
        "recipient": recipient.name,
        "countries": ", ".join(recipient.countries),
        "dpa": client.dpa.reference,
        "deadline": deadline,
        "notice": row.notice,
        "replacing": i18n.t("clients.subprocessor.replacing", lang, previous=previous) if previous else "",
        "approval": i18n.t("clients.subprocessor.approval", lang)
        if row.authorisation == rules.SPECIFIC
        else "",
    }
    mail.queue(
        db,
        keys,
        mail.Mail(
            to=client.contact_email,
            subject=i18n.t("clients.subprocessor.subject", lang, **values),
            text=i18n.t("clients.subprocessor.body", lang, **values),
        ),
        kind="client_notice",
        category="service",
        organisation_id=row.organisation_id,
        about=str(row.id),
    )
    if client.webhook is None:
        return
    event = {
        "event": "sub_processor_change",
        "change": str(row.id),
        "processor": register.organisation.legal_name,
        "client": client.key,
        "dpa": client.dpa.reference,
        "recipient": {"key": recipient.key, "name": recipient.name, "countries": recipient.countries},
        "replaces": row.replaces,
        "notice": row.notice,
        "objection_until": row.window_ends_at.isoformat(),
        "authorisation": row.authorisation,
    }
    try:
        response = outbound.post(client.webhook, json=event, timeout=15)
        row.webhook_status = str(response.status_code)
    except outbound.OutboundError as exc:  # the mail still goes: the client is told either way
        row.webhook_status = f"failed:{exc.category}"[:40]


def decide(
    db: Session,
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    change_id: uuid.UUID,
    answer: SubProcessorDecision,
) -> SubProcessorChange:
    """Record the client's approval or objection; an objection keeps the flow closed (Art. 28(2))."""
    row = get_change(db, organisation_id=organisation_id, change_id=change_id)
    if row.status != rules.PENDING:
        raise ChangeDecided(f"this change was already {row.status}")
    row.status, row.decided_at, row.decided_by = answer.decision, clock.now(), actor.label
    row.decision_note = answer.note
    audit.record(
        db,
        actor,
        f"clients.sub_processor_change_{answer.decision}",
        entity=row,
        organisation_id=organisation_id,
        data={"client": row.client, "recipient": row.recipient},
    )
    return row


def get_change(db: Session, *, organisation_id: uuid.UUID, change_id: uuid.UUID) -> SubProcessorChange:
    row = db.get(SubProcessorChange, change_id)
    if row is None or row.organisation_id != organisation_id:
        raise ChangeNotFound("there is no such sub-processor change")
    return row


def list_changes(
    db: Session, *, organisation_id: uuid.UUID, client: str | None = None
) -> list[SubProcessorChange]:
    query = select(SubProcessorChange).where(SubProcessorChange.organisation_id == organisation_id)
    if client is not None:
        query = query.where(SubProcessorChange.client == client)
    return list(db.scalars(query.order_by(SubProcessorChange.recorded_at, SubProcessorChange.client)))


def blocked(db: Session, *, organisation_id: uuid.UUID, client: str, recipient: str) -> str | None:
    """Why the client's data may not flow to this recipient now (None: nothing told holds them back).

    Every change recorded for the pair must allow it: a later change cannot undo an objection."""
    now = clock.now()
    for row in db.scalars(
        select(SubProcessorChange).where(
            SubProcessorChange.organisation_id == organisation_id,
            SubProcessorChange.client == client,
            SubProcessorChange.recipient == recipient,
        )
    ):
        reason = rules.blocked_by(row.status, row.authorisation, row.window_ends_at, now)
        if reason is not None:
            return reason
    return None
