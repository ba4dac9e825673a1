"""Self-service correction of contact details through a single-use link (R-19)."""

import uuid
from datetime import timedelta

from sqlalchemy.orm import Session

from lawful import audit, clock, keystore, subjects
from lawful.actor import Actor

from .errors import LinkInvalid, LinkUsed, SubmissionInvalid
from .models import UpdateLink
from .service import clean, identities_of

UPDATE_LINK_DAYS = 7


def create_update_link(db: Session, actor: Actor, *, subject_id: uuid.UUID) -> UpdateLink:
    """R-19: a single-use link for the person to correct their contact details; it carries no personal data."""
    subject = subjects.get(db, subject_id=subject_id)
    now = clock.now()
    link = UpdateLink(
        subject_id=subject.id,
        organisation_id=subject.organisation_id,
        created_at=now,
        expires_at=now + timedelta(days=UPDATE_LINK_DAYS),
    )
    db.add(link)
    db.flush()
    audit.record(
        db,
        actor,
        "intake.update_link_created",
        entity=link,
        organisation_id=subject.organisation_id,
        data={"subject_id": str(subject.id)},
    )
    return link


def open_update_link(db: Session, *, link_id: uuid.UUID) -> UpdateLink:
    link = db.get(UpdateLink, link_id)
    if link is None or link.expires_at <= clock.now():
        raise LinkInvalid("this link is unknown or has expired")
    if link.used_at is not None:
        raise LinkUsed("this link was used already; ask for a new one")
    return link


def apply_update(
    db: Session, actor: Actor, keys: keystore.Keys, *, link_id: uuid.UUID, values: dict[str, str]
) -> subjects.Collected:
    """The person's own correction, versioned; earlier versions (and issued invoices) stay as they were."""
    link = open_update_link(db, link_id=link_id)
    subject = subjects.get(db, subject_id=link.subject_id)
    current = {v.category for v in subjects.values(db, keys, subject_id=subject.id)}
    unknown = sorted(set(values) - current)
    if unknown:
        raise SubmissionInvalid(
            "only details we hold can be updated here",
            problems=[{"path": f"values.{k}", "message": "not held"} for k in unknown],
        )
    cleaned = {
        k: clean(
            "email" if k == "user.contact.email" else "phone" if k == "user.contact.phone_number" else "text",
            v,
        )
        for k, v in values.items()
        if v.strip()
    }
    link.used_at = clock.now()
    latest = subjects.history(db, subject_id=subject.id)[-1]
    return subjects.collect(
        db,
        actor,
        keys,
        organisation_id=subject.organisation_id,
        subject_category=subject.categories[0],
        identities=identities_of(cleaned),
        values=cleaned,
        subject_id=subject.id,
        collection=subjects.CollectionCreate(activity=latest.activity, channel=subjects.Channel.SELF_SERVICE),
    )
