"""Flagging a client's instruction that appears to infringe data-protection law, and lifting the flag once
the client confirmed or corrected it (R-100, Art. 28(3) final subparagraph, 29).

A flagged instruction suspends the client's purposes that follow it (the gate refuses them with
`client_instruction_suspended`); the client is told by service mail to its contact address."""

import uuid
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, keystore, mail, processing
from lawful.actor import Actor

from ..errors import ClientNotFound
from .errors import FlagNotFound, FlagResolved, InstructionRefused
from .models import RESOLVED, SUSPENDED, InstructionFlag


def flag(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    client: str,
    instruction: int,
    reasons: list[str],
) -> InstructionFlag:
    """Suspend processing under the instruction and tell the client why (before anything is executed)."""
    _, register = processing.current_register(db, organisation_id=organisation_id)
    found = next((c for c in register.clients if c.key == client), None)
    cleaned = [r.strip() for r in reasons]
    if found is None:  # as for any other client key the organisation does not have: 404
        detail = f"client: {client!r} is not a client of the register"
        raise ClientNotFound(detail, record=_refusal(actor, organisation_id, client, detail))
    problem = _problem(db, organisation_id, found, instruction, cleaned)
    if problem is not None:
        raise InstructionRefused(problem, record=_refusal(actor, organisation_id, client, problem))
    row = InstructionFlag(
        organisation_id=organisation_id,
        client=client,
        instruction=instruction,
        reasons=cleaned,
        flagged_at=clock.now(),
        flagged_by=actor.label,
        status=SUSPENDED,
        resolution="",
    )
    db.add(row)
    db.flush()
    _tell(db, keys, register, found, row)
    audit.record(
        db,
        actor,
        "clients.instruction_flagged",
        entity=row,
        organisation_id=organisation_id,
        data={"client": client, "instruction": instruction, "reasons": cleaned, "told": "mail"},
    )
    return row


def _problem(
    db: Session, organisation_id: uuid.UUID, client: processing.Client, instruction: int, reasons: list[str]
) -> str | None:
    if not 1 <= instruction <= len(client.dpa.instructions):
        return f"instruction: {client.key!r}'s DPA has no instruction {instruction}"
    if any(not 3 <= len(r) <= 500 for r in reasons):
        return "reasons: each reason needs 3 to 500 characters"
    if instruction in suspended(db, organisation_id=organisation_id, client=client.key):
        return f"instruction: instruction {instruction} of {client.key!r} is flagged already"
    return None


def _tell(
    db: Session,
    keys: keystore.Keys,
    register: processing.Register,
    client: processing.Client,
    row: InstructionFlag,
) -> None:
    lang = register.organisation.authoritative_language
    label = client.dpa.instructions[row.instruction - 1]
    values = {
        "processor": register.organisation.legal_name,
        "client": client.name,
        "dpa": client.dpa.reference,
        "number": row.instruction,
        "instruction": label.get(lang) or label.en or label.fr or label.nl or "",
        "reasons": "\n".join(f"- {r}" for r in row.reasons),
    }
    mail.queue(
        db,
        keys,
        mail.Mail(
            to=client.contact_email,
            subject=i18n.t("clients.instruction.subject", lang, **values),
            text=i18n.t("clients.instruction.body", lang, **values),
        ),
        kind="client_instruction_flag",
        category="service",
        organisation_id=row.organisation_id,
        about=str(row.id),
    )


def resolve(
    db: Session, actor: Actor, *, organisation_id: uuid.UUID, flag_id: uuid.UUID, resolution: str
) -> InstructionFlag:
    """The client confirmed or corrected the instruction: processing under it may resume."""
    row = db.get(InstructionFlag, flag_id)
    if row is None or row.organisation_id != organisation_id:
        raise FlagNotFound("there is no such instruction flag")
    if row.status != SUSPENDED:
        raise FlagResolved("this flag was resolved already")
    row.status, row.resolved_at, row.resolved_by, row.resolution = (
        RESOLVED,
        clock.now(),
        actor.label,
        resolution,
    )
    audit.record(
        db,
        actor,
        "clients.instruction_flag_resolved",
        entity=row,
        organisation_id=organisation_id,
        data={"client": row.client, "instruction": row.instruction},
    )
    return row


def list_flags(
    db: Session, *, organisation_id: uuid.UUID, client: str | None = None
) -> list[InstructionFlag]:
    query = select(InstructionFlag).where(InstructionFlag.organisation_id == organisation_id)
    if client is not None:
        query = query.where(InstructionFlag.client == client)
    return list(db.scalars(query.order_by(InstructionFlag.flagged_at)))


def suspended(db: Session, *, organisation_id: uuid.UUID, client: str) -> frozenset[int]:
    """The numbers of `client`'s instructions under which nothing may be done now."""
    return frozenset(
        db.scalars(
            select(InstructionFlag.instruction).where(
                InstructionFlag.organisation_id == organisation_id,
                InstructionFlag.client == client,
                InstructionFlag.status == SUSPENDED,
            )
        )
    )


def _refusal(
    actor: Actor, organisation_id: uuid.UUID, client: str, reason: str
) -> Callable[[Session], object]:
    def record(db: Session) -> object:
        return audit.record(
            db,
            actor,
            "clients.instruction_flagged",
            entity_type="InstructionFlag",
            organisation_id=organisation_id,
            outcome="refused",
            data={"client": client, "reason": reason},
        )

    return record
