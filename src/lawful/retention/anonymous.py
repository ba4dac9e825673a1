"""Anonymisation (end action `anonymise`, R-80): the generalised values rules.ANONYMISED keeps, added to
counts that name no one; the items themselves are then deleted like any other."""

import uuid
from collections import Counter

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from lawful import keystore, subjects
from lawful.db import table_of

from . import rules
from .models import AnonymousCount


def count(
    db: Session,
    keys: keystore.Keys,
    organisation_id: uuid.UUID,
    activity: str,
    items: set[tuple[uuid.UUID, uuid.UUID | None, str]],
) -> None:
    """R-80: what anonymisation keeps of these items (person, collection, category), added to counts that
    name no one."""
    counted: Counter[tuple[str, str]] = Counter()
    for subject_id in sorted({sid for sid, _, _ in items}):
        try:
            values = subjects.values(db, keys, subject_id=subject_id)
        except subjects.KeyDestroyed:  # an earlier attempt erased them: nothing readable to count
            continue
        for value in values:
            if (subject_id, value.collection.id, value.category) not in items:
                continue
            kept = rules.anonymised(value.category, value.value)
            if kept is not None:
                counted[(value.category, kept)] += 1
    if not counted:
        return
    dialect_insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = table_of(AnonymousCount)
    for (category, kept), number in sorted(counted.items()):
        statement = dialect_insert(table).values(
            id=uuid.uuid4(),
            organisation_id=organisation_id,
            activity=activity,
            category=category,
            value=kept,
            count=number,
        )
        db.execute(
            statement.on_conflict_do_update(
                index_elements=["organisation_id", "activity", "category", "value"],
                set_={"count": table.c.count + statement.excluded.count},
            )
        )
