"""Write, seal and verify the audit log. `record` is called by every write path, in the same transaction.

Writing and chaining are two steps. `record` inserts the entry's content in the caller's transaction, so
an entry exists exactly when its change does, and no writer waits for another. `seal` then gives the
committed entries their places in the hash chain, in one short transaction under one lock: the
background sealer (audit.tasks) does it every fraction of a second, and every read of the log seals
first, so what is listed or verified is chained. Until sealed, an entry is evidence of its change but
not yet protected by the chain; `unsealed` counts such entries.
"""

import logging
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from lawful import clock
from lawful.actor import Actor
from lawful.db import table_of

from . import heads, rules
from .models import AuditEntry

# One sealer at a time extends the chain: PostgreSQL serialises through this advisory lock, SQLite
# through its single write lock. The unique `seq` is the backstop either way.
_CHAIN_LOCK = 7_402_211
log = logging.getLogger(__name__)
SEAL_BATCH = 5000
_TABLE = TABLE = table_of(AuditEntry)
_COLUMNS = [_TABLE.c[name] for name in ("id", "seq", "prev_hash", *rules.CHAINED_FIELDS) if name != "seq"]
_SEAL = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("b_id"))
    .values(seq=bindparam("b_seq"), prev_hash=bindparam("b_prev"), hash=bindparam("b_hash"))
)

_SEAL_MANY = text(
    "UPDATE audit_entries AS a SET seq = v.seq, prev_hash = v.prev, hash = v.hash "
    "FROM unnest(CAST(:ids AS uuid[]), CAST(:seqs AS bigint[]), CAST(:prevs AS varchar[]), "
    "CAST(:hashes AS varchar[])) AS v(id, seq, prev, hash) WHERE a.id = v.id"
)


def entry(
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
) -> dict[str, Any]:
    """The row of one entry, for writers that insert it together with their own rows."""
    if entity is not None:
        entity_type = entity_type or type(entity).__name__
        entity_id = entity_id if entity_id is not None else getattr(entity, "id", None)
    return {
        "id": uuid.uuid4(),
        "at": clock.now(),
        "organisation_id": organisation_id or actor.organisation_id,
        "actor_kind": str(actor.kind),
        "actor_id": actor.id,
        "actor_label": actor.label[:200],
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id) if entity_id is not None else None,
        "purpose": purpose,
        "outcome": outcome,
        "data": dict(data or {}),
    }


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
    row = entry(
        actor,
        action,
        entity=entity,
        entity_type=entity_type,
        entity_id=entity_id,
        purpose=purpose,
        outcome=outcome,
        data=data,
        organisation_id=organisation_id,
    )
    db.execute(insert(AuditEntry), row)
    return AuditEntry(**row)


def seal(db: Session, *, wait: bool = True, batch: int = SEAL_BATCH) -> int:
    """Chain every committed unsealed entry, oldest first, and sign the new head (audit.heads); returns how
    many were sealed. Nothing is sealed while the chain's end is not the head lawful signed last.

    With wait=False (the background sealer) it gives up at once when another sealer holds the chain."""
    keys = heads.keys_of(db)
    if not _take_chain(db, wait=wait):
        return 0
    pending = _pending(db, batch)
    newest, signed = heads.tail(db), heads.signed(db)
    if not pending and (signed is not None or newest is None):
        return 0
    if signed is None and newest is not None and heads.mark(db, keys) is None:
        signed = heads.sign(db, keys, newest)  # the first seal since signing began: the chain as it stands
    problem = heads.problem(db, keys, newest=newest, head=signed)
    if problem is not None:
        if pending:
            log.warning("audit entries left unsealed: entry %s: %s", problem.seq, problem.reason)
        return 0
    seq, prev_hash = newest if newest else (0, rules.GENESIS)
    sealed = 0
    while pending:
        updates = []
        for row in pending:
            seq += 1
            digest = rules.entry_hash(prev_hash, content(row, seq=seq))
            updates.append({"b_id": row.id, "b_seq": seq, "b_prev": prev_hash, "b_hash": digest})
            prev_hash = digest
        _write_seals(db, updates)
        sealed += len(updates)
        pending = _pending(db, batch) if len(pending) == batch else []
    heads.sign(db, keys, (seq, prev_hash))
    return sealed


def accept_head(db: Session, actor: Actor) -> tuple[rules.Head | None, tuple[int, str] | None]:
    """Sign the log's end as it stands, though it is not the head signed last: after the main database was
    restored from a backup on purpose, the entries after the backup are gone. Returns the head the key store
    held and the one accepted; recorded as audit.head_accepted with both."""
    keys = heads.keys_of(db)
    _take_chain(db, wait=True)
    previous, newest = heads.mark(db, keys) or heads.signed(db), heads.tail(db)
    heads.sign(db, keys, newest or (0, rules.GENESIS), older=True)
    record(
        db,
        actor,
        "audit.head_accepted",
        data={
            "previous": f"{previous.seq}:{previous.hash}" if previous else None,
            "accepted": f"{newest[0]}:{newest[1]}" if newest else None,
        },
    )
    return previous, newest


def _take_chain(db: Session, *, wait: bool) -> bool:
    """The chain's lock for this transaction (PostgreSQL; SQLite's write lock serialises anyway)."""
    if db.get_bind().dialect.name != "postgresql":
        return True
    if wait:
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
        return True
    return bool(db.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK}))


def _pending(db: Session, batch: int) -> Sequence[Any]:
    return db.execute(
        select(*_COLUMNS).where(_TABLE.c.seq.is_(None)).order_by(_TABLE.c.at, _TABLE.c.id).limit(batch)
    ).all()


def _write_seals(db: Session, updates: list[dict[str, Any]]) -> None:
    if db.get_bind().dialect.name == "postgresql":  # one statement for the batch, not one per entry
        db.execute(
            _SEAL_MANY,
            {
                "ids": [u["b_id"] for u in updates],
                "seqs": [u["b_seq"] for u in updates],
                "prevs": [u["b_prev"] for u in updates],
                "hashes": [u["b_hash"] for u in updates],
            },
        )
    else:
        db.connection().execute(_SEAL, updates)


def content(entry: Any, *, seq: int | None = None) -> dict[str, Any]:
    """The chained fields of an entry (or of a row being sealed, with its new seq), exactly as hashed."""
    values = {name: getattr(entry, name) for name in rules.CHAINED_FIELDS if name != "seq"}
    values["seq"] = entry.seq if seq is None else seq
    values["at"] = values["at"].isoformat()
    for name in ("id", "organisation_id", "actor_id"):
        values[name] = str(values[name]) if values[name] is not None else None
    return values


def verify(db: Session, *, batch: int = 2000) -> tuple[int, rules.Break | None]:
    """Seal, then walk the whole chain and check its end against the signed head; returns how many entries
    were checked and the first break."""
    seal(db)
    checked = 0
    query = (
        select(AuditEntry)
        .where(AuditEntry.seq.is_not(None))
        .order_by(AuditEntry.seq)
        .execution_options(yield_per=batch)
    )
    with db.execute(query) as result:

        def stream() -> Iterator[tuple[AuditEntry, dict[str, Any]]]:
            nonlocal checked
            for found in result.scalars():
                checked += 1
                yield found, content(found)

        broken = rules.first_break(stream())
    if broken is None:
        broken = heads.problem(db, heads.keys_of(db), newest=heads.tail(db), head=heads.signed(db))
    return checked, broken


def list_entries(
    db: Session,
    *,
    organisation_id: uuid.UUID | None = None,
    action: str | None = None,
    entity_id: str | None = None,
    limit: int = 100,
    before_seq: int | None = None,
) -> Sequence[AuditEntry]:
    seal(db)
    query = select(AuditEntry).where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq.desc()).limit(limit)
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
    seal(db)
    query = select(AuditEntry).where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq.desc()).limit(1)
    if entity is not None:
        query = query.where(AuditEntry.entity_id == str(getattr(entity, "id", entity)))
    if action:
        query = query.where(AuditEntry.action == action)
    return db.scalars(query).first()


def head(db: Session) -> tuple[int, str] | None:
    """The newest sealed (seq, hash): publish it elsewhere to make truncation of the tail detectable."""
    seal(db)
    return heads.tail(db)


def count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(AuditEntry)) or 0


def unsealed(db: Session) -> int:
    """Committed entries not yet in the chain (the sealer is behind, or not running)."""
    return db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.seq.is_(None))) or 0
