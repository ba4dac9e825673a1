"""Collect and read personal data, and place the flags that limit its use (restriction, hold, child)."""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, case, or_, select
from sqlalchemy.orm import Session

from lawful import audit, clock, crypto, keystore
from lawful.actor import Actor
from lawful.db import insert_together

from . import fresh, rules
from .errors import ArchivedReadOnly, KeyDestroyed, SubjectNotFound
from .identity import IdentityKind
from .models import Archive, Collection, Identity, PersonalData, Subject
from .schemas import CollectionCreate


def lookup_key(keys: keystore.Keys, kind: IdentityKind, value: str, *, client: str | None = None) -> str:
    """The keyed hash under which an identity is found; a processor's client data form their own space."""
    scope = f"@client:{client}" if client else ""
    return crypto.keyed_hash(keys.lookup, f"{kind}:{value}{scope}")


def space_column(
    role: SQLColumnExpression[str], client: SQLColumnExpression[str | None]
) -> ColumnElement[str]:
    """`rules.space` in SQL, for statements that read many people's facts."""
    return case((client.is_(None), role), else_=role + ":" + client)


def find_by_identity(
    db: Session,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    kind: IdentityKind,
    value: str,
    client: str | None = None,
) -> Subject | None:
    """`value` must be normalised (identity.normalise)."""
    query = (
        select(Subject)
        .join(Identity, Identity.subject_id == Subject.id)
        .where(
            Identity.organisation_id == organisation_id,
            Identity.kind == str(kind),
            Identity.lookup == lookup_key(keys, kind, value, client=client),
        )
    )
    return db.scalars(query).first()


def holder(
    db: Session,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    identities: dict[IdentityKind, str],
    client: str | None = None,
) -> uuid.UUID | None:
    """Whoever holds one of these (normalised) identities in the company's own space, or in `client`'s
    (never across: R-106), in one look-up; None if nobody does."""
    if not identities:
        return None
    lookups = {kind: lookup_key(keys, kind, value, client=client) for kind, value in identities.items()}
    found: uuid.UUID | None = db.scalar(holder_select(organisation_id, lookups))
    return found


def holders(
    db: Session, *, organisation_id: uuid.UUID, lookups: Sequence[tuple[IdentityKind, str]]
) -> dict[tuple[str, str], uuid.UUID]:
    """Who holds each of these identities, given as (kind, keyed hash), in one statement per 5,000
    (a batch of decisions by email); an identity nobody holds is absent."""
    found: dict[tuple[str, str], uuid.UUID] = {}
    wanted = sorted({lookup for _, lookup in lookups})
    for start in range(0, len(wanted), _CHUNK):
        rows = db.execute(
            select(Identity.kind, Identity.lookup, Identity.subject_id).where(
                Identity.organisation_id == organisation_id,
                Identity.lookup.in_(wanted[start : start + _CHUNK]),
            )
        )
        found |= {(kind, lookup): subject_id for kind, lookup, subject_id in rows}
    return found


_CHUNK = 5000  # well under SQLite's 32,766 bound variables


def holder_select(organisation_id: Any, lookups: Mapping[IdentityKind, Any]) -> Select[Any]:
    """Whoever holds one of these keyed hashes (bound parameters allowed), for composed statements."""
    matches = [
        and_(Identity.kind == str(kind), Identity.lookup == lookup) for kind, lookup in lookups.items()
    ]
    return (
        select(Identity.subject_id).where(Identity.organisation_id == organisation_id, or_(*matches)).limit(1)
    )


def get(db: Session, *, subject_id: uuid.UUID, organisation_id: uuid.UUID | None = None) -> Subject:
    subject = db.get(Subject, subject_id)
    if subject is None or (organisation_id is not None and subject.organisation_id != organisation_id):
        raise SubjectNotFound("no such subject")
    return subject


@dataclass(frozen=True)
class Collected:
    subject: Subject
    collection: Collection
    created: bool
    changed: list[str]


def collect(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    subject_category: str,
    identities: dict[IdentityKind, str],
    values: dict[str, str],
    collection: CollectionCreate,
    language: str | None = None,
    country: str | None = None,
    client: str | None = None,
    subject_id: uuid.UUID | None = None,
) -> Collected:
    """Record what arrived, from whom and how (R-15, R-16); identities are already normalised.

    The person is `subject_id` when given (a correction), else whoever holds one of the identities.
    """
    now = clock.now()
    if subject_id is not None:
        subject: Subject | None = get(db, subject_id=subject_id, organisation_id=organisation_id)
    else:
        subject = _find_any(db, keys, organisation_id, identities, client)
    created = False
    if subject is None:
        person = fresh.new_person(
            actor,
            keys,
            organisation_id=organisation_id,
            subject_category=subject_category,
            identities=identities,
            values=values,
            collection=collection,
            language=language,
            country=country,
            client=client,
            now=now,
        )
        insert_together(db.connection(), person.groups)
        return Collected(person.subject, person.collection, True, person.changed)
    frozen = _frozen(db, subject.id, collection.activity)
    if subject_category not in subject.categories:
        subject.categories = [*subject.categories, subject_category]
    subject.language = language or subject.language
    subject.country = country or subject.country
    key = keys.subject_key(subject.id) or keys.store.create(keystore.subject_owner(subject.id))
    _add_identities(db, keys, key, subject, identities, client, now, created)
    row = Collection(
        id=uuid.uuid4(),
        subject_id=subject.id,
        organisation_id=organisation_id,
        activity=collection.activity,
        channel=str(collection.channel),
        source=str(collection.source),
        source_name=collection.source_name,
        form_key=collection.form_key,
        register_number=collection.register_number,
        notice_number=collection.notice_number,
        language=collection.language,
        provided_by_subject=collection.provided_by_subject,
        referrer_subject_id=collection.referrer_subject_id,
        document_ref=collection.document_ref,
        collected_at=collection.collected_at or now,
        recorded_by=actor.label,
        optout_offered=collection.optout_offered,
    )
    db.add(row)
    db.flush()
    changed = _store_values(db, key, subject, row, values, now, created, frozen)
    if not collection.provided_by_subject and subject.art14_done_at is None and subject.art14_due is None:
        subject.art14_due = rules.art14_due(clock.brussels_date(row.collected_at))
    audit.record(
        db,
        actor,
        "subjects.collected",
        entity=row,
        organisation_id=organisation_id,
        data={
            "subject_id": str(subject.id),
            "activity": row.activity,
            "channel": row.channel,
            "source": row.source,
            "categories": sorted(changed),
            "created": created,
        },
    )
    return Collected(subject, row, created, changed)


def _frozen(db: Session, subject_id: uuid.UUID, activity: str) -> frozenset[str]:
    """R-73: the person's archived activities, read-only: writing into one is refused before anything is
    written, and a new value elsewhere never supersedes an archived one (it is added beside it)."""
    archived = frozenset(db.scalars(select(Archive.activity).where(Archive.subject_id == subject_id)))
    if activity in archived:
        raise ArchivedReadOnly(f"collection.activity: {activity!r} is archived for this person (read-only)")
    return archived


def _find_any(
    db: Session,
    keys: keystore.Keys,
    organisation_id: uuid.UUID,
    identities: dict[IdentityKind, str],
    client: str | None,
) -> Subject | None:
    for kind in (IdentityKind.EMAIL, IdentityKind.PHONE, IdentityKind.EXTERNAL):
        if kind in identities:
            found = find_by_identity(
                db, keys, organisation_id=organisation_id, kind=kind, value=identities[kind], client=client
            )
            if found is not None:
                return found
    return None


def _add_identities(
    db: Session,
    keys: keystore.Keys,
    key: bytes,
    subject: Subject,
    identities: dict[IdentityKind, str],
    client: str | None,
    now: datetime,
    created: bool,
) -> None:
    existing = (
        set()
        if created
        else set(db.scalars(select(Identity.lookup).where(Identity.subject_id == subject.id)))
    )
    for kind, value in identities.items():
        lookup = lookup_key(keys, kind, value, client=client)
        if lookup not in existing:
            db.add(
                Identity(
                    subject_id=subject.id,
                    organisation_id=subject.organisation_id,
                    kind=str(kind),
                    lookup=lookup,
                    value=_seal(key, subject.id, f"identity:{kind}", value),
                    created_at=now,
                )
            )


def _store_values(
    db: Session,
    key: bytes,
    subject: Subject,
    row: Collection,
    values: dict[str, str],
    now: datetime,
    created: bool = False,
    frozen: frozenset[str] = frozenset(),
) -> list[str]:
    items = [] if created else _current_items(db, subject.id, set(values))
    kept = _archived_collections(db, subject.id, frozen) if frozen and items else set()
    current = {item.category: item for item in items if item.collection_id not in kept}
    top = {item.category: item.version for item in sorted(items, key=lambda i: i.version)}
    changed = []
    for category, value in values.items():
        previous = current.get(category)
        if previous is not None and _open(key, subject.id, category, previous.value) == value:
            continue
        if previous is not None:
            previous.superseded_at = now
        db.add(
            PersonalData(
                subject_id=subject.id,
                organisation_id=subject.organisation_id,
                category=category,
                value=_seal(key, subject.id, category, value),
                version=top.get(category, 0) + 1,
                collection_id=row.id,
                recorded_at=now,
            )
        )
        changed.append(category)
    db.flush()
    return changed


def _archived_collections(db: Session, subject_id: uuid.UUID, frozen: frozenset[str]) -> set[uuid.UUID]:
    query = select(Collection.id).where(Collection.subject_id == subject_id, Collection.activity.in_(frozen))
    return set(db.scalars(query))


def _current_items(db: Session, subject_id: uuid.UUID, categories: set[str] | None) -> list[PersonalData]:
    query = select(PersonalData).where(
        PersonalData.subject_id == subject_id, PersonalData.superseded_at.is_(None)
    )
    if categories is not None:
        query = query.where(PersonalData.category.in_(categories))
    return list(db.scalars(query))


def _seal(key: bytes, subject_id: uuid.UUID, label: str, value: str) -> bytes:
    return crypto.encrypt(key, value.encode(), context=f"{subject_id}:{label}".encode())


def _open(key: bytes, subject_id: uuid.UUID, label: str, blob: bytes) -> str:
    return crypto.decrypt(key, blob, context=f"{subject_id}:{label}".encode()).decode()


def _key(keys: keystore.Keys, subject_id: uuid.UUID) -> bytes:
    key = keys.subject_key(subject_id)
    if key is None:
        raise KeyDestroyed("this person's data key is destroyed: the data are unreadable")
    return key
