"""Audit entries are chained in the database and verification finds tampering there."""

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from lawful import audit
from lawful.actor import Actor
from lawful.audit import AuditEntry


def _record(db: Session, actor: Actor, n: int) -> list[AuditEntry]:
    return [
        audit.record(db, actor, "test.recorded", entity_type="Thing", entity_id=str(i), data={"i": i})
        for i in range(n)
    ]


def test_entries_link_to_the_previous_hash(db: Session, actor: Actor) -> None:
    first, second = _record(db, actor, 2)

    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash


def test_verify_accepts_an_untouched_log(db: Session, actor: Actor) -> None:
    _record(db, actor, 3)

    checked, broken = audit.verify(db)

    assert broken is None and checked == audit.count(db)


def test_verify_names_an_entry_altered_in_the_database(db: Session, actor: Actor) -> None:
    entries = _record(db, actor, 3)
    db.execute(update(AuditEntry).where(AuditEntry.seq == entries[1].seq).values(outcome="refused"))
    db.expire_all()

    _, broken = audit.verify(db)

    assert broken is not None and broken.seq == entries[1].seq


def test_verify_detects_a_deleted_entry(db: Session, actor: Actor) -> None:
    entries = _record(db, actor, 3)
    db.execute(delete(AuditEntry).where(AuditEntry.seq == entries[1].seq))
    db.expire_all()

    _, broken = audit.verify(db)

    assert broken is not None and broken.seq == entries[2].seq


def test_entries_hold_identifiers_and_never_free_text_values(db: Session, actor: Actor) -> None:
    entry = audit.record(db, actor, "test.recorded", entity_type="Subject", entity_id="42")

    assert (entry.actor_label, entry.entity_id, entry.data) == ("cli:test", "42", {})
