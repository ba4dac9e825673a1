"""Who a notice change concerns: the people of the organisation (its own, not a client's) whose data were
collected for one of the changed activities, or everyone; those with an email address and a key (R-117)."""

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import keystore, notices

from .models import Collection, Subject
from .reading import emails_and_languages


def concerned(
    db: Session, keys: keystore.Keys, organisation_id: uuid.UUID, which: notices.changes.Concerned
) -> list[notices.changes.Reachable]:
    query = select(Subject.id).where(Subject.organisation_id == organisation_id, Subject.role == "controller")
    if not which.everyone:
        collected = select(Collection.subject_id).where(
            Collection.organisation_id == organisation_id, Collection.activity.in_(which.activities)
        )
        query = query.where(Subject.id.in_(collected))
    ids = list(db.scalars(query.order_by(Subject.created_at, Subject.id)))
    found = emails_and_languages(db, keys, ids)
    return [notices.changes.Reachable(i, found[i][0], found[i][1]) for i in ids if i in found]


notices.changes.audience_from(concerned)
