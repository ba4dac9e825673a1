"""Audit entries are chained in the database and verification finds tampering there."""

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from lawful import audit
from lawful.actor import Actor
from lawful.audit import AuditEntry


def _record(db: Session, actor: Actor, n: int) -> list[AuditEntry]:
    """n entries, sealed, as stored."""
    written = [
        audit.record(db, actor, "test.recorded", entity_type="Thing", entity_id=str(i), data={"i": i})
        for i in range(n)
    ]
    audit.seal(db)
    return [db.get_one(AuditEntry, e.id) for e in written]


def test_entries_link_to_the_previous_hash(db: Session, actor: Actor) -> None:
    first, second = _record(db, actor, 2)

    assert first.seq is not None and second.seq == first.seq + 1
    assert second.prev_hash == first.hash


def test_an_entry_is_written_unsealed_and_sealed_in_order(db: Session, actor: Actor) -> None:
    audit.seal(db)
    written = [audit.record(db, actor, "test.recorded", entity_id=str(i)) for i in range(3)]
    stored = [db.get_one(AuditEntry, e.id) for e in written]
    assert [e.seq for e in stored] == [None, None, None]
    assert audit.unsealed(db) == 3

    assert audit.seal(db) == 3

    db.expire_all()
    seqs = [db.get_one(AuditEntry, e.id).seq or 0 for e in written]
    assert 0 not in seqs and seqs == sorted(seqs) and len(set(seqs)) == 3
    assert audit.unsealed(db) == 0 and audit.seal(db) == 0
    assert audit.verify(db)[1] is None


def test_reads_seal_first(db: Session, actor: Actor) -> None:
    audit.record(db, actor, "test.read_after_write", entity_id="7")

    found = audit.latest(db, action="test.read_after_write")

    assert found is not None and found.seq is not None and found.hash is not None


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
