"""The signed head of the audit log (R-88; GDPR Art. 5(2) and 32).

The chain alone shows an entry altered or removed in the middle, but anyone who can write the main
database can compute its hashes: they could append an entry of their own, or cut entries off the end. So
each seal also signs the chain's new head with the audit key, which lives in the key store and never in the
main database, in the seal's own transaction; and a seal extends the chain only from the head it signed
last. A sealed entry beyond the signed head was therefore not sealed by lawful, and a signed head whose
entry is gone was cut off. The newest signed head is also copied to the key store once its transaction has
committed (the mark), so that rolling the main database's head back to an older signature, with the
entries after it, shows too.

A session reaches the audit key through the keys its process opened for that database
(keystore.open_keys); sealing on a database whose keys this process never opened is refused.
"""

import logging
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from lawful import clock, keystore, work

from . import rules
from .models import AuditEntry, AuditSignedHead

log = logging.getLogger(__name__)
_NEWEST = "lawful.audit.newest_signed_head"


class NoAuditKey(RuntimeError):
    """Sealing or verifying with no audit key: this process never opened the key store of the database."""


def keys_of(db: Session) -> keystore.Keys:
    found = keystore.for_database(db.get_bind().engine.url)
    if found is None:
        raise NoAuditKey(
            "no audit key for this database in this process: open its key store first (keystore.open_keys)"
        )
    return found


def tail(db: Session) -> tuple[int, str] | None:
    """The newest sealed entry's (seq, hash)."""
    row = db.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.seq.is_not(None))
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    return (int(row[0] or 0), str(row[1])) if row else None


def signed(db: Session) -> rules.Head | None:
    row = db.execute(select(AuditSignedHead).order_by(AuditSignedHead.seq.desc()).limit(1)).scalar()
    return rules.Head(row.seq, row.hash, row.mac) if row else None


def mark(db: Session, keys: keystore.Keys) -> rules.Head | None:
    row = keys.store.audit_mark(keystore.database_name(db.get_bind().engine.url))
    return rules.Head(row.seq, row.hash, row.mac) if row else None


def problem(
    db: Session, keys: keystore.Keys, *, newest: tuple[int, str] | None, head: rules.Head | None
) -> rules.Break | None:
    """What is wrong with the end of the chain, its newest sealed entry and signed head being these."""
    kept = mark(db, keys)
    return rules.head_break(
        keys.audit,
        tail=newest,
        signed=head,
        at_signed=_hash_at(db, head.seq) if head else None,
        mark=kept,
        at_mark=_hash_at(db, kept.seq) if kept else None,
    )


def sign(db: Session, keys: keystore.Keys, head: tuple[int, str], *, older: bool = False) -> rules.Head:
    """Sign `head` as the chain's newest entry, in the caller's transaction; the key store's mark follows
    once it has committed (even when older than the mark, with `older`: a restore the operator accepts)."""
    made = rules.Head(head[0], head[1], rules.head_mac(keys.audit, *head))
    db.execute(delete(AuditSignedHead))
    db.execute(
        insert(AuditSignedHead).values(seq=made.seq, hash=made.hash, mac=made.mac, signed_at=clock.now())
    )
    newest: dict[str, Any] = db.info.setdefault(_NEWEST, {})
    newest["head"], newest["older"] = made, older or newest.get("older", False)
    database = keystore.database_name(db.get_bind().engine.url)
    work.after_commit(db, _NEWEST, lambda: _keep(keys, database, newest))
    return made


def _keep(keys: keystore.Keys, database: str, newest: dict[str, Any]) -> None:
    head: rules.Head | None = newest.pop("head", None)
    if head is None:
        return
    try:
        keys.store.raise_audit_mark(
            database,
            seq=head.seq,
            hash=head.hash,
            mac=head.mac,
            signed_at=clock.now(),
            older=newest.pop("older", False),
        )
    except SQLAlchemyError:  # the mark lags behind: the main database's signed head still holds
        log.warning("the key store did not take the audit log's new head", exc_info=True)


def _hash_at(db: Session, seq: int) -> str | None:
    if seq == 0:  # a head accepted on an empty log
        return rules.GENESIS
    found = db.scalar(select(AuditEntry.hash).where(AuditEntry.seq == seq))
    return str(found) if found is not None else None
