"""The company's other datastores in a rights request: one step per datastore and right (lawful.connectors).

A step's kind names its datastore (`datastore_erasure:chinook`), so each one is done once and resumes alone.
"""

import json
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import clock, connectors, crypto, jobs, keystore, processing
from lawful.actor import Actor

from . import writes
from .models import Package, Request
from .packages import package
from .service import contact, register_for

ACCESS, PORTABILITY, ERASURE = "datastore_access", "datastore_portability", "datastore_erasure"
_PARTS = {
    ACCESS: "datastore-",
    PORTABILITY: "portable-",
}  # the answer parts each step stores, one per datastore


def base(kind: str) -> str:
    """`datastore_erasure:chinook` → `datastore_erasure`, for the order of steps."""
    return kind.split(":", 1)[0]


def handler(kind: str) -> Any:
    right, _, key = kind.partition(":")
    return partial({ACCESS: _access, PORTABILITY: _portability, ERASURE: _erasure}[right], key=key)


def _register(db: Session, request: Request) -> processing.Register:
    return register_for(db, request)


def _access(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str, *, key: str
) -> dict[str, Any]:
    """Art. 15 in one datastore: the rows go into the encrypted answer, the step keeps only a count."""
    found = connectors.collect(
        jobs.current_settings(), _register(db, request), key=key, email=contact(keys, request)
    )
    body = json.dumps(found, indent=2, ensure_ascii=False, default=str).encode()
    package(db, keys, request, f"{_PARTS[ACCESS]}{key}.json", body)
    return {"datastore": key, "rows": len(found["rows"])}


def _portability(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str, *, key: str
) -> dict[str, Any]:
    """Art. 20 in one datastore: the fields of categories its scope carries on consent or contract (T-18)."""
    register = _register(db, request)
    categories = processing.portable(register).any_activity()
    found = connectors.collect(jobs.current_settings(), register, key=key, email=contact(keys, request))
    rows = [
        {**row, "fields": fields}
        for row in found["rows"]
        if (fields := [f for f in row["fields"] if f["category"] in categories and f["value"] is not None])
    ]
    body = json.dumps({**found, "rows": rows}, ensure_ascii=False, default=str).encode()
    package(db, keys, request, f"{_PARTS[PORTABILITY]}{key}.json", body)
    return {"datastore": key, "rows": len(rows)}


def _erasure(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str, *, key: str
) -> dict[str, Any]:
    """Art. 17 in one datastore: its evidence per field goes into the certificate (the answer's results)."""
    return connectors.erase(
        db,
        actor,
        keys,
        jobs.current_settings(),
        _register(db, request),
        organisation_id=request.organisation_id,
        key=key,
        email=contact(keys, request),
        reference=request.reference,
    )


def found(db: Session, keys: keystore.Keys, request: Request, *, right: str = ACCESS) -> list[dict[str, Any]]:
    """What the datastore steps of one right collected: for the access report (R-51) or the portable copy."""
    known = writes.known_steps(db, request.id)
    if known is not None and not any(base(s.kind) == right for s in known):
        return []  # only its datastore steps store these parts, and this request has none
    rows = list(
        db.scalars(
            select(Package)
            .where(Package.request_id == request.id, Package.kind.startswith(_PARTS[right]))
            .order_by(Package.kind)
        )
    )
    key = keys.store.get(f"package:{request.id}") if rows else None  # most requests have none
    return [
        json.loads(crypto.decrypt(key, row.sealed, context=f"{row.id}".encode()))
        for row in rows
        if key is not None and row.sealed is not None and row.expires_at > clock.now()
    ]
