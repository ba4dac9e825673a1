"""Tombstones: each erasure remembered in the key store, so a restored main database is erased again (R-59, T-05).

The key store is kept out of the main database's backups (ARCHITECTURE §3.2); a tombstone holds the erased
subject's id and the keyed look-up hashes of their identities, never a plain identifier. Like the key store's
own writes, a tombstone is committed at once, with the key's destruction when nothing is kept.
"""

import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, Table, delete, func, or_, select
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, keystore, subjects
from lawful.actor import Actor
from lawful.db import among, insert_together, make_sessionmaker
from lawful.keystore import Tombstone

from . import artefacts, rules

Progress = Callable[[int, int], None]
TOMBSTONES = cast(Table, Tombstone.__table__)


@dataclass
class Reapplied:
    """What `apply` found: subjects erased again, collections deleted, exclusion entries restored."""

    tombstones: int = 0
    subjects: int = 0
    collections: int = 0
    exclusions: int = 0
    messages: int = 0  # queued mail to the erased person, deleted again
    copies: int = 0  # answers, case-record addresses, exports, opt-ins of the person (artefacts.py)
    dry_run: bool = False
    erased: list[str] = field(default_factory=list)

    @property
    def found_some(self) -> bool:
        """A dry run that found people to erase again or exclusions to restore: the restore needs `apply`."""
        return self.dry_run and bool(self.subjects or self.exclusions)

    def summary(self) -> dict[str, int | bool]:
        """What `lawful dsr tombstones apply --json` and its route answer alike (counts, no identifiers)."""
        return {
            "tombstones": self.tombstones,
            "erased_again": self.subjects,
            "collections": self.collections,
            "exclusion_entries": self.exclusions,
            "queued_mail": self.messages,
            "dry_run": self.dry_run,
            "found_some": self.found_some,
        }


@dataclass(frozen=True)
class Erased:
    """One erasure to remember: whose, their identities' keyed hashes, and what was kept."""

    subject: subjects.Subject
    lookups: list[str]
    kept: list[str]
    suppression_lookup: str | None
    request_reference: str | None
    owners: list[str] = field(default_factory=list)


def record(
    db: Session,
    keys: keystore.Keys,
    *,
    subject: subjects.Subject,
    lookups: list[str],
    kept: list[str],
    suppression_lookup: str | None,
    request_reference: str | None,
    owners: list[str] | None = None,
) -> Tombstone:
    """Remember this erasure outside the main database (idempotent per request: a retried step adds none).

    The keys of the person's copies (`owners`, found by artefacts.destroy) and, when nothing is kept, the
    person's data key are destroyed in the same key-store transaction: the tombstone is durable exactly
    when the keys are gone, and the erasure pays one key-store commit.
    """
    erased = Erased(subject, lookups, kept, suppression_lookup, request_reference, owners or [])
    return record_many(db, keys, [erased])[0]


def record_many(db: Session, keys: keystore.Keys, erasures: Sequence[Erased]) -> list[Tombstone]:
    """`record` for many erasures in one key-store transaction (a retention run's batch): one commit."""
    if not erasures:
        return []
    with keys.store.transaction() as store:
        known = {
            (t.subject_id, t.request_reference): t
            for t in store.scalars(
                select(Tombstone).where(
                    among(store.get_bind().dialect, Tombstone.subject_id, [e.subject.id for e in erasures])
                )
            )
        }
        rows, new, doomed = [], [], []
        for erased in erasures:
            row = known.get((erased.subject.id, erased.request_reference))
            if row is None:
                values = {
                    "id": uuid.uuid4(),
                    "organisation_id": erased.subject.organisation_id,
                    "subject_id": erased.subject.id,
                    "lookups": sorted(erased.lookups),
                    "suppression_lookup": erased.suppression_lookup,
                    "kept": sorted(erased.kept),
                    "request_reference": erased.request_reference,
                    "erased_at": clock.now(),
                }
                row = known[(erased.subject.id, erased.request_reference)] = Tombstone(**values)
                new.append(values)
            rows.append(row)
            doomed += [*erased.owners, *([] if erased.kept else [keystore.subject_owner(erased.subject.id)])]
        insert_together(store.connection(), [(TOMBSTONES, new)])  # one statement for a batch
        keys.store.destroy_in(store, *doomed)  # every copy sealed under them, backups included, is unreadable
        return rows


def identity_lookups(db: Session, subject_id: uuid.UUID) -> list[str]:
    """The keyed hashes of a person's identities (their email addresses among them)."""
    return sorted(
        db.scalars(select(subjects.Identity.lookup).where(subjects.Identity.subject_id == subject_id))
    )


def all_tombstones(keys: keystore.Keys, *, organisation_id: uuid.UUID | None = None) -> list[Tombstone]:
    """The tombstones of one organisation, or of every one (None), oldest first."""
    query = select(Tombstone).where(*_of(organisation_id)).order_by(Tombstone.erased_at)
    with make_sessionmaker(keys.store.engine)() as store:
        return list(store.scalars(query))


def status(keys: keystore.Keys, *, organisation_id: uuid.UUID | None = None) -> tuple[int, datetime | None]:
    """How many tombstones are kept, and when the newest erasure was."""
    query = select(func.count(), func.max(Tombstone.erased_at)).where(*_of(organisation_id))
    with make_sessionmaker(keys.store.engine)() as store:
        count, newest = store.execute(query).one()
    return int(count), newest


def _of(organisation_id: uuid.UUID | None) -> list[ColumnElement[bool]]:
    # the key store is no scoped session: a route acting for one organisation names it here
    return [] if organisation_id is None else [Tombstone.organisation_id == organisation_id]


def sweep(keys: keystore.Keys, *, rotation_days: int, organisation_id: uuid.UUID | None = None) -> int:
    """Drop the tombstones no backup can need any more (every older backup has rotated out)."""
    return sum(_drop_expired(keys, rotation_days, organisation_id).values())


def sweep_recorded(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    rotation_days: int,
    organisation_id: uuid.UUID | None = None,
) -> int:
    """`sweep`, with an audit entry for each organisation whose tombstones were dropped."""
    dropped = _drop_expired(keys, rotation_days, organisation_id)
    for organisation, count in sorted(dropped.items()):
        audit.record(db, actor, "dsr.tombstones_swept", organisation_id=organisation, data={"dropped": count})
    return sum(dropped.values())


def _drop_expired(
    keys: keystore.Keys, rotation_days: int, organisation_id: uuid.UUID | None
) -> Counter[uuid.UUID]:
    now = clock.now()
    expired = [
        t
        for t in all_tombstones(keys, organisation_id=organisation_id)
        if rules.tombstone_expired(t.erased_at, now, rotation_days)
    ]
    if expired:
        with keys.store.transaction() as store:
            store.execute(delete(Tombstone).where(Tombstone.id.in_([t.id for t in expired])))
    return Counter(t.organisation_id for t in expired)


def apply(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    organisation_id: uuid.UUID | None = None,
) -> Reapplied:
    """After a restore: erase again every person a tombstone names (of one organisation, or of every one),
    as the erasure did; a second run finds none."""
    tombstones = all_tombstones(keys, organisation_id=organisation_id)
    result = Reapplied(tombstones=len(tombstones), dry_run=dry_run)
    for done, tombstone in enumerate(tombstones, start=1):
        _exclude(db, actor, tombstone, result)
        found = artefacts.destroy(
            db,
            actor,
            keys,
            artefacts.Person(
                organisation_id=tombstone.organisation_id,
                subject_id=tombstone.subject_id,
                lookups=[*tombstone.lookups, *filter(None, [tombstone.suppression_lookup])],
                keep_reference=tombstone.request_reference,
                before=tombstone.erased_at,
                dry_run=dry_run,
            ),
        )
        if not dry_run:
            keys.store.destroy(*found.owners)
        result.messages += found.counts.pop("queued mail", 0)
        result.copies += sum(found.counts.values())
        for subject in _matches(db, tombstone):
            _reerase(db, actor, keys, tombstone, subject, result)
        if progress is not None:
            progress(done, len(tombstones))
    return result


def _matches(db: Session, tombstone: Tombstone) -> list[subjects.Subject]:
    by_identity = select(subjects.Identity.subject_id).where(
        subjects.Identity.organisation_id == tombstone.organisation_id,
        subjects.Identity.lookup.in_(tombstone.lookups or ["-"]),
    )
    query = select(subjects.Subject).where(
        subjects.Subject.organisation_id == tombstone.organisation_id,
        or_(subjects.Subject.id == tombstone.subject_id, subjects.Subject.id.in_(by_identity)),
    )
    return list(db.scalars(query))


def _exclude(db: Session, actor: Actor, tombstone: Tombstone, result: Reapplied) -> None:
    """T-01: the exclusion entry the erasure made comes back too, or the next import re-subscribes them."""
    lookup = tombstone.suppression_lookup
    if lookup is None or consent.suppressed(db, organisation_id=tombstone.organisation_id, lookups=[lookup]):
        return
    result.exclusions += 1
    if not result.dry_run:
        consent.suppress(
            db, actor, organisation_id=tombstone.organisation_id, lookup=lookup, reason="erasure"
        )


def _reerase(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    tombstone: Tombstone,
    subject: subjects.Subject,
    result: Reapplied,
) -> None:
    history = subjects.history(db, subject_id=subject.id)
    doomed, whole = rules.reerasure(
        erased_at=tombstone.erased_at,
        kept=tombstone.kept,
        subject_created_at=subject.created_at,
        collections=[(c.id, c.activity, c.collected_at) for c in history],
    )
    restrict = bool(tombstone.kept) and not whole and not _retained(db, subject.id)
    if not doomed and not whole and not restrict:
        return
    result.subjects += 1
    result.collections += len(doomed)
    result.erased.append(str(subject.id))
    if result.dry_run:
        return
    data = {"tombstone": str(tombstone.id), "collections": len(doomed), "subject_deleted": whole}
    if whole:
        keys.store.destroy(keystore.subject_owner(subject.id))  # a restored key store copy, if any, too
        db.delete(subject)
    else:
        for collection in (c for c in history if c.id in set(doomed)):
            db.execute(
                delete(subjects.PersonalData).where(subjects.PersonalData.collection_id == collection.id)
            )
            db.delete(collection)
        if restrict:
            subjects.restrict(
                db,
                actor,
                subject_id=subject.id,
                ground=subjects.RestrictionGround.RETAINED_BY_LAW,
                reason=f"kept after erasure {tombstone.request_reference or ''}, re-applied after a restore",
            )
    db.flush()
    audit.record(
        db,
        actor,
        "dsr.tombstone_applied",
        entity_type="subject",
        entity_id=subject.id,
        organisation_id=tombstone.organisation_id,
        data=data,
    )


def _retained(db: Session, subject_id: uuid.UUID) -> bool:
    return any(
        r.ground == subjects.RestrictionGround.RETAINED_BY_LAW and r.lifted_at is None
        for r in subjects.flags(db, subject_id=subject_id).restrictions
    )
