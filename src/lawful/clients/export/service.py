"""The Art. 30(2) record of the current register, with each client's processing log (R-105)."""

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, processing
from lawful.actor import Actor

from ..errors import ClientNotFound
from .record import record


def processor_record(
    db: Session, actor: Actor, *, organisation_id: uuid.UUID, client: str | None, lang: str | None
) -> tuple[int, processing.Register, dict[str, Any]]:
    """The record for all clients or one, each with the count of audited actions per activity; the
    export itself is audited (an audit copy leaves the system)."""
    number, register = processing.current_register(db, organisation_id=organisation_id)
    if client is not None and client not in {c.key for c in register.clients}:
        raise ClientNotFound(f"client: there is no client {client!r} in the register")
    data = record(register, lang or register.organisation.authoritative_language, client=client)
    data["register_version"] = number
    for found in data["clients"]:
        found["processing_log"] = _log(db, organisation_id, [a["key"] for a in found["activities"]])
    audit.record(
        db,
        actor,
        "clients.register_exported",
        entity_type="Client",
        entity_id=client or "*",
        organisation_id=organisation_id,
        data={"clients": [c["key"] for c in data["clients"]], "register_version": number},
    )
    return number, register, data


def _log(db: Session, organisation_id: uuid.UUID, activities: list[str]) -> list[dict[str, Any]]:
    """What was done for the client's activities, as counts of audited actions (never personal data)."""
    if not activities:
        return []
    entry = audit.AuditEntry
    found = db.execute(
        select(entry.purpose, entry.action, entry.outcome, func.count())
        .where(entry.organisation_id == organisation_id, entry.purpose.in_(activities))
        .group_by(entry.purpose, entry.action, entry.outcome)
        .order_by(entry.purpose, entry.action, entry.outcome)
    ).all()
    return [
        {"activity": purpose, "action": action, "outcome": outcome, "entries": count}
        for purpose, action, outcome, count in found
    ]
