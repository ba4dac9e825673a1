"""Write and verify the audit log. `record` is called by every write path, in the same transaction."""

import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from lawful import clock
from lawful.actor import Actor

from . import rules
from .models import AuditEntry

# One writer at a time extends the chain; PostgreSQL serialises through this advisory lock, SQLite
# through its single write lock. The unique `seq` primary key is the backstop either way.
_CHAIN_LOCK = 7_402_211


def record(
    db: Session,
    actor: Actor,
    action: str,
    *,
    entity: object | None = None,
    entity_type: str | None = None,
    entity_id: object | None = None,
    purpose: str | None = None,
    outcome: str = "ok",
    data: Mapping[str, Any] | None = None,
    organisation_id: uuid.UUID | None = None,
) -> AuditEntry:
    """Append one entry: identifiers and action names only, never personal-data values (R-88)."""
    if entity is not None:
        entity_type = entity_type or type(entity).__name__
        entity_id = entity_id if entity_id is not None else getattr(entity, "id", None)
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    tail = db.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (tail[0] + 1, tail[1]) if tail else (1, rules.GENESIS)
    entry = AuditEntry(
        seq=seq,
        id=uuid.uuid4(),
        at=clock.now(),
        organisation_id=organisation_id or actor.organisation_id,
        actor_kind=str(actor.kind),
        actor_id=actor.id,
        actor_label=actor.label[:200],
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id) if entity_id is not None else None,
        purpose=purpose,
        outcome=outcome,
        data=dict(data or {}),
        prev_hash=prev_hash,
    )
    entry.hash = rules.entry_hash(prev_hash, content(entry))
    db.add(entry)
    db.flush()
    return entry


def content(entry: AuditEntry) -> dict[str, Any]:
    """The chained fields of an entry as plain values, exactly as hashed."""
    values = {name: getattr(entry, name) for name in rules.CHAINED_FIELDS}
    values["at"] = entry.at.isoformat()
    for name in ("id", "organisation_id", "actor_id"):
        values[name] = str(values[name]) if values[name] is not None else None
    return values


def verify(db: Session, *, batch: int = 2000) -> tuple[int, rules.Break | None]:
    """Walk the whole chain; returns how many entries were checked and the first break, if any."""
    checked = 0
    query = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    with db.execute(query) as result:

        def stream() -> Iterator[tuple[AuditEntry, dict[str, Any]]]:
            nonlocal checked
            for entry in result.scalars():
                checked += 1
                yield entry, content(entry)

        broken = rules.first_break(stream())
    return checked, broken


def list_entries(
    db: Session,
    *,
    organisation_id: uuid.UUID | None = None,
    action: str | None = None,
    entity_id: str | None = None,
    limit: int = 100,
    before_seq: int | None = None,
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if organisation_id is not None:
        query = query.where(AuditEntry.organisation_id == organisation_id)
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    if before_seq is not None:
        query = query.where(AuditEntry.seq < before_seq)
    return list(db.scalars(query))


def latest(db: Session, *, entity: object | None = None, action: str | None = None) -> AuditEntry | None:
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)
    if entity is not None:
        query = query.where(AuditEntry.entity_id == str(getattr(entity, "id", entity)))
    if action:
        query = query.where(AuditEntry.action == action)
    return db.scalars(query).first()


def head(db: Session) -> tuple[int, str] | None:
    """The newest (seq, hash): publish it elsewhere to make truncation of the tail detectable."""
    row = db.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    return (row[0], row[1]) if row else None


def count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(AuditEntry)) or 0
