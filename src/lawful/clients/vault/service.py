"""Storing, listing, revealing and destroying credentials for clients' systems (R-87, Art. 28(3)(c), 32).

The secret is encrypted with a data key of its own, kept in the key store; destroying that key (at the end
of the client's contract, or on request) leaves ciphertext nobody can read, in the database and its backups.
Audit entries name the credential, the client, the system and the reason: never the secret."""

import uuid
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, crypto, keystore, processing
from lawful.actor import Actor
from lawful.errors import Forbidden

from .errors import CredentialGone, CredentialNotFound, CredentialRefused
from .models import ClientCredential, key_owner
from .schemas import CredentialCreate, CredentialRevealed

REVEAL = "credentials:reveal"
MIN_REASON = 10


def add(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    credential: CredentialCreate,
) -> ClientCredential:
    """Keep a credential for a declared client: the secret only as ciphertext under a new data key."""
    _, register = processing.current_register(db, organisation_id=organisation_id)
    found = next((c for c in register.clients if c.key == credential.client), None)
    reason = None
    if found is None:
        reason = f"client: {credential.client!r} is not a client of the register"
    elif found.systems and credential.system not in {s.key for s in found.systems} | {
        s.name for s in found.systems
    }:
        reason = f"system: not one of {credential.client!r}'s systems in the register"
    if reason is not None:
        raise CredentialRefused(reason, record=_refusal(actor, organisation_id, "added", reason))
    row = ClientCredential(
        id=uuid.uuid4(),
        organisation_id=organisation_id,
        client=credential.client,
        system=credential.system,
        username=credential.username,
        note=credential.note,
        created_at=clock.now(),
        created_by=actor.label,
        reveals=0,
    )
    key = keys.store.create(key_owner(row.id))
    row.ciphertext = crypto.encrypt(key, credential.secret.get_secret_value().encode(), context=_context(row))
    db.add(row)
    db.flush()
    _audit(db, actor, row, "clients.credential_added", {})
    return row


def list_credentials(
    db: Session, *, organisation_id: uuid.UUID, client: str | None = None
) -> list[ClientCredential]:
    query = select(ClientCredential).where(ClientCredential.organisation_id == organisation_id)
    if client is not None:
        query = query.where(ClientCredential.client == client)
    return list(db.scalars(query.order_by(ClientCredential.client, ClientCredential.system)))


def get(db: Session, *, organisation_id: uuid.UUID, credential_id: uuid.UUID) -> ClientCredential:
    row = db.get(ClientCredential, credential_id)
    if row is None or row.organisation_id != organisation_id:
        raise CredentialNotFound("there is no such credential")
    return row


def reveal(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    credential_id: uuid.UUID,
    reason: str,
) -> CredentialRevealed:
    """The secret, for one use, to a holder of `credentials:reveal` with a stated reason; audited."""
    row = get(db, organisation_id=organisation_id, credential_id=credential_id)
    if not actor.can(REVEAL):
        detail = f"this key lacks the {REVEAL!r} scope"
        raise Forbidden(detail, record=_refusal(actor, organisation_id, "revealed", detail, row.id))
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        detail = f"reason: state why the secret is needed (at least {MIN_REASON} characters)"
        raise CredentialRefused(detail, record=_refusal(actor, organisation_id, "revealed", detail, row.id))
    key = keys.store.get(key_owner(row.id))
    if row.destroyed_at is not None or key is None or row.ciphertext is None:
        detail = "this credential was destroyed"
        raise CredentialGone(detail, record=_refusal(actor, organisation_id, "revealed", detail, row.id))
    secret = crypto.decrypt(key, row.ciphertext, context=_context(row)).decode()
    row.reveals += 1
    _audit(db, actor, row, "clients.credential_revealed", {"reason": reason})
    return CredentialRevealed(
        id=row.id, client=row.client, system=row.system, username=row.username, secret=secret
    )


def destroy(
    db: Session, actor: Actor, keys: keystore.Keys, *, organisation_id: uuid.UUID, credential_id: uuid.UUID
) -> ClientCredential:
    row = get(db, organisation_id=organisation_id, credential_id=credential_id)
    if row.destroyed_at is not None:
        raise CredentialGone("this credential was destroyed")
    _destroy(db, actor, keys, row, "requested")
    return row


def destroy_for_client(
    db: Session, actor: Actor, keys: keystore.Keys, *, organisation_id: uuid.UUID, client: str
) -> int:
    """Every credential of `client` goes (its key destroyed): the end of the contract (R-87, R-107)."""
    rows = [
        r for r in list_credentials(db, organisation_id=organisation_id, client=client) if not r.destroyed_at
    ]
    for row in rows:
        _destroy(db, actor, keys, row, "end_of_contract")
    return len(rows)


def _destroy(db: Session, actor: Actor, keys: keystore.Keys, row: ClientCredential, why: str) -> None:
    keys.store.destroy(key_owner(row.id))
    row.ciphertext = None
    row.destroyed_at, row.destroyed_by = clock.now(), actor.label
    _audit(db, actor, row, "clients.credential_destroyed", {"why": why, "key_destroyed": True})


def _context(row: ClientCredential) -> bytes:
    return f"credential:{row.organisation_id}:{row.id}".encode()


def _audit(db: Session, actor: Actor, row: ClientCredential, action: str, data: dict[str, object]) -> None:
    audit.record(
        db,
        actor,
        action,
        entity=row,
        organisation_id=row.organisation_id,
        data={"client": row.client, "system": row.system, **data},
    )


def _refusal(
    actor: Actor, organisation_id: uuid.UUID, what: str, reason: str, credential_id: uuid.UUID | None = None
) -> Callable[[Session], object]:
    def record(db: Session) -> object:
        return audit.record(
            db,
            actor,
            f"clients.credential_{what}",
            entity_type="ClientCredential",
            entity_id=credential_id,
            organisation_id=organisation_id,
            outcome="refused",
            data={"reason": reason},
        )

    return record
