"""Reading what is held of people: current values with provenance, identities, the intake history."""

import uuid
from collections.abc import Collection as Collection_
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import keystore

from .models import Collection, Identity, Subject
from .service import _current_items, _key, _open


@dataclass(frozen=True)
class Value:
    category: str
    value: str
    version: int
    collection: Collection


def values(
    db: Session,
    keys: keystore.Keys,
    *,
    subject_id: uuid.UUID,
    categories: set[str] | None = None,
    without: Collection_[str] = (),
) -> list[Value]:
    """Current values with their provenance; only callers that passed the purpose gate use this.
    `without`: activities whose items are left out (archived ones the reader may not see)."""
    items = _current_items(db, subject_id, categories)
    if not items:
        return []
    collections = {c.id: c for c in db.scalars(select(Collection).where(Collection.subject_id == subject_id))}
    items = [i for i in items if collections[i.collection_id].activity not in without]
    if not items:
        return []
    key = _key(keys, subject_id)
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


def emails_and_languages(
    db: Session, keys: keystore.Keys, subject_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, str | None]]:
    """The email address and language of many people at once (a campaign's thousands): a few queries per
    thousand people instead of three per person. People without an email, or whose key is destroyed, are left out."""
    found: dict[uuid.UUID, tuple[str, str | None]] = {}
    for start in range(0, len(subject_ids), 1000):
        chunk = subject_ids[start : start + 1000]
        emails = select(Identity.subject_id, Identity.value).where(
            Identity.subject_id.in_(chunk), Identity.kind == "email"
        )
        sealed = {subject_id: value for subject_id, value in db.execute(emails)}
        spoken = select(Subject.id, Subject.language).where(Subject.id.in_(chunk))
        languages = {subject_id: language for subject_id, language in db.execute(spoken)}
        owners = {keystore.subject_owner(subject_id): subject_id for subject_id in sealed}
        for owner, key in keys.store.get_many(list(owners)).items():
            subject_id = owners[owner]
            email = _open(key, subject_id, "identity:email", sealed[subject_id])
            found[subject_id] = (email, languages.get(subject_id))
    return found


def history(db: Session, *, subject_id: uuid.UUID) -> list[Collection]:
    """Every intake event, oldest first (R-118: what the person was told, when)."""
    query = select(Collection).where(Collection.subject_id == subject_id).order_by(Collection.collected_at)
    return list(db.scalars(query))


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
