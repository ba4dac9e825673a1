"""Collect and read personal data, and place the flags that limit its use (restriction, hold, child)."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, clock, crypto, keystore
from lawful.actor import Actor

from . import rules
from .errors import HoldRefused, KeyDestroyed, RestrictionRefused, SubjectNotFound
from .identity import IdentityKind
from .models import Collection, Identity, LegalHold, Objection, PersonalData, Restriction, Subject
from .schemas import CollectionCreate, RestrictionGround


def lookup_key(keys: keystore.Keys, kind: IdentityKind, value: str, *, client: str | None = None) -> str:
    """The keyed hash under which an identity is found; a processor's client data form their own space."""
    scope = f"@client:{client}" if client else ""
    return crypto.keyed_hash(keys.lookup, f"{kind}:{value}{scope}")


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
    created = subject is None
    if subject is None:
        subject = Subject(
            organisation_id=organisation_id,
            categories=[subject_category],
            language=language,
            country=country,
            role="processor" if client else "controller",
            client=client,
            created_at=now,
        )
        db.add(subject)
        db.flush()
    elif subject_category not in subject.categories:
        subject.categories = [*subject.categories, subject_category]
    subject.language = language or subject.language
    subject.country = country or subject.country
    key = keys.store.create(keystore.subject_owner(subject.id))
    _add_identities(db, keys, key, subject, identities, client, now)
    row = Collection(
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
    )
    db.add(row)
    db.flush()
    changed = _store_values(db, key, subject, row, values, now)
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
) -> None:
    existing = set(db.scalars(select(Identity.lookup).where(Identity.subject_id == subject.id)))
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
    db: Session, key: bytes, subject: Subject, row: Collection, values: dict[str, str], now: datetime
) -> list[str]:
    current = {item.category: item for item in _current_items(db, subject.id, set(values))}
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
                version=(previous.version + 1) if previous else 1,
                collection_id=row.id,
                recorded_at=now,
            )
        )
        changed.append(category)
    db.flush()
    return changed


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


@dataclass(frozen=True)
class Value:
    category: str
    value: str
    version: int
    collection: Collection


def values(
    db: Session, keys: keystore.Keys, *, subject_id: uuid.UUID, categories: set[str] | None = None
) -> list[Value]:
    """Current values with their provenance; only callers that passed the purpose gate use this."""
    items = _current_items(db, subject_id, categories)
    if not items:
        return []
    key = _key(keys, subject_id)
    collections = {c.id: c for c in db.scalars(select(Collection).where(Collection.subject_id == subject_id))}
    return [
        Value(
            i.category, _open(key, subject_id, i.category, i.value), i.version, collections[i.collection_id]
        )
        for i in sorted(items, key=lambda i: i.category)
    ]


def identity_values(db: Session, keys: keystore.Keys, *, subject_id: uuid.UUID) -> dict[str, str]:
    rows = list(db.scalars(select(Identity).where(Identity.subject_id == subject_id)))
    if not rows:
        return {}
    key = _key(keys, subject_id)
    return {row.kind: _open(key, subject_id, f"identity:{row.kind}", row.value) for row in rows}


def history(db: Session, *, subject_id: uuid.UUID) -> list[Collection]:
    """Every intake event, oldest first (R-118: what the person was told, when)."""
    query = select(Collection).where(Collection.subject_id == subject_id).order_by(Collection.collected_at)
    return list(db.scalars(query))


def restrict(
    db: Session,
    actor: Actor,
    *,
    subject_id: uuid.UUID,
    ground: RestrictionGround,
    reason: str,
    activity: str | None = None,
) -> Restriction:
    """Art. 18: from now on only storage (for `activity`, or for everything)."""
    subject = get(db, subject_id=subject_id)
    if not reason.strip():
        raise RestrictionRefused("a restriction needs its reason")
    row = Restriction(
        subject_id=subject.id,
        organisation_id=subject.organisation_id,
        activity=activity,
        ground=str(ground),
        reason=reason,
        placed_at=clock.now(),
        placed_by=actor.label,
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor,
        "subjects.restricted",
        entity=row,
        organisation_id=subject.organisation_id,
        data={"subject_id": str(subject.id), "ground": str(ground), "activity": activity},
    )
    return row


def lift_restriction(
    db: Session, actor: Actor, *, restriction_id: uuid.UUID, informed_at: datetime | None
) -> Restriction:
    """Art. 18(3): the person is told before a restriction is lifted; without that, it stays."""
    row = db.get(Restriction, restriction_id)
    if row is None or row.lifted_at is not None:
        raise SubjectNotFound("no such active restriction")
    if informed_at is None or informed_at > clock.now():
        raise RestrictionRefused(
            "inform the person before lifting the restriction (Art. 18(3)), then record when"
        )
    row.informed_at, row.lifted_at, row.lifted_by = informed_at, clock.now(), actor.label
    audit.record(
        db,
        actor,
        "subjects.restriction_lifted",
        entity=row,
        organisation_id=row.organisation_id,
        data={"subject_id": str(row.subject_id)},
    )
    return row


def place_hold(
    db: Session,
    actor: Actor,
    *,
    subject_id: uuid.UUID,
    case_ref: str,
    reason: str,
    purpose: str,
    review_on: date | None,
) -> LegalHold:
    subject = get(db, subject_id=subject_id)
    if problem := rules.hold_problem(reason, case_ref, review_on, clock.today()):
        raise HoldRefused(problem)
    assert review_on is not None
    row = LegalHold(
        subject_id=subject.id,
        organisation_id=subject.organisation_id,
        case_ref=case_ref,
        reason=reason,
        purpose=purpose,
        review_on=review_on,
        placed_at=clock.now(),
        placed_by=actor.label,
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor,
        "subjects.hold_placed",
        entity=row,
        organisation_id=subject.organisation_id,
        data={"subject_id": str(subject.id), "purpose": purpose, "review_on": review_on.isoformat()},
    )
    return row


def lift_hold(db: Session, actor: Actor, *, hold_id: uuid.UUID) -> LegalHold:
    row = db.get(LegalHold, hold_id)
    if row is None or row.lifted_at is not None:
        raise SubjectNotFound("no such active legal hold")
    row.lifted_at = clock.now()
    audit.record(
        db,
        actor,
        "subjects.hold_lifted",
        entity=row,
        organisation_id=row.organisation_id,
        data={"subject_id": str(row.subject_id)},
    )
    return row


def record_objection(
    db: Session, actor: Actor, *, subject_id: uuid.UUID, kind: str, activity: str | None
) -> Objection:
    """Art. 21(2)-(3): to direct marketing, absolute; to legitimate interests, pending a decision."""
    subject = get(db, subject_id=subject_id)
    row = Objection(
        subject_id=subject.id,
        organisation_id=subject.organisation_id,
        kind=kind,
        activity=activity,
        received_at=clock.now(),
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor,
        "subjects.objected",
        entity=row,
        organisation_id=subject.organisation_id,
        data={"subject_id": str(subject.id), "kind": kind, "activity": activity},
    )
    return row


def flag_child(db: Session, actor: Actor, *, subject_id: uuid.UUID) -> Subject:
    """R-110: a child discovered: marketing and profiling stop at once (the gate reads this flag)."""
    subject = get(db, subject_id=subject_id)
    subject.child = True
    audit.record(db, actor, "subjects.flagged_child", entity=subject, organisation_id=subject.organisation_id)
    return subject


def art14_pending(db: Session, *, organisation_id: uuid.UUID, due_by: date) -> list[Subject]:
    """People whose data came from someone else and who are still owed the Art. 14 notice (R-09)."""
    query = (
        select(Subject)
        .where(
            Subject.organisation_id == organisation_id,
            Subject.art14_done_at.is_(None),
            Subject.art14_due.is_not(None),
            Subject.art14_due <= due_by,
        )
        .order_by(Subject.art14_due)
    )
    return list(db.scalars(query))


def count(db: Session, *, organisation_id: uuid.UUID) -> int:
    return db.scalar(select(func.count()).where(Subject.organisation_id == organisation_id)) or 0


@dataclass
class Facts:
    """What the purpose gate needs to know about one person, loaded in bulk."""

    subject_id: uuid.UUID
    categories: list[str]
    child: bool
    role: str
    email_lookups: list[str] = field(default_factory=list)
    restrictions: list[str | None] = field(default_factory=list)
    objections: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    holds: list[str] = field(default_factory=list)
    last_collected: dict[str, datetime] = field(default_factory=dict)


_CHUNK = 2000


def facts(db: Session, *, organisation_id: uuid.UUID, subject_ids: list[uuid.UUID]) -> dict[uuid.UUID, Facts]:
    """Facts for many people in a handful of queries per chunk (never one query per person)."""
    found: dict[uuid.UUID, Facts] = {}
    for start in range(0, len(subject_ids), _CHUNK):
        found |= _facts_chunk(db, organisation_id, subject_ids[start : start + _CHUNK])
    return found


def _facts_chunk(db: Session, organisation_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, Facts]:
    rows = db.execute(
        select(Subject.id, Subject.categories, Subject.child, Subject.role).where(
            Subject.id.in_(ids), Subject.organisation_id == organisation_id
        )
    )
    found = {sid: Facts(sid, list(categories), child, role) for sid, categories, child, role in rows}
    if not found:
        return found
    present = list(found)
    for sid, lookup in db.execute(
        select(Identity.subject_id, Identity.lookup).where(
            Identity.subject_id.in_(present), Identity.kind == "email"
        )
    ):
        found[sid].email_lookups.append(lookup)
    for sid, activity in db.execute(
        select(Restriction.subject_id, Restriction.activity).where(
            Restriction.subject_id.in_(present), Restriction.lifted_at.is_(None)
        )
    ):
        found[sid].restrictions.append(activity)
    for sid, kind, activity, outcome in db.execute(
        select(Objection.subject_id, Objection.kind, Objection.activity, Objection.outcome).where(
            Objection.subject_id.in_(present)
        )
    ):
        found[sid].objections.append((kind, activity, outcome))
    today = clock.today()
    for sid, purpose in db.execute(
        select(LegalHold.subject_id, LegalHold.purpose).where(
            LegalHold.subject_id.in_(present), LegalHold.lifted_at.is_(None), LegalHold.review_on >= today
        )
    ):
        found[sid].holds.append(purpose)
    latest: dict[uuid.UUID, dict[str, datetime]] = defaultdict(dict)
    for sid, activity, at in db.execute(
        select(Collection.subject_id, Collection.activity, func.max(Collection.collected_at))
        .where(Collection.subject_id.in_(present))
        .group_by(Collection.subject_id, Collection.activity)
    ):
        latest[sid][activity] = at if at.tzinfo else at.replace(tzinfo=clock.now().tzinfo)
    for sid, per_activity in latest.items():
        found[sid].last_collected = per_activity
    return found


def ids_of(db: Session, *, organisation_id: uuid.UUID) -> list[uuid.UUID]:
    return list(db.scalars(select(Subject.id).where(Subject.organisation_id == organisation_id)))


@dataclass(frozen=True)
class Flags:
    restrictions: list[Restriction]
    holds: list[LegalHold]
    objections: list[Objection]


def flags(db: Session, *, subject_id: uuid.UUID) -> Flags:
    """Active restrictions and holds, and every objection, for the record view."""
    return Flags(
        restrictions=list(
            db.scalars(
                select(Restriction).where(
                    Restriction.subject_id == subject_id, Restriction.lifted_at.is_(None)
                )
            )
        ),
        holds=list(
            db.scalars(
                select(LegalHold).where(LegalHold.subject_id == subject_id, LegalHold.lifted_at.is_(None))
            )
        ),
        objections=list(db.scalars(select(Objection).where(Objection.subject_id == subject_id))),
    )
