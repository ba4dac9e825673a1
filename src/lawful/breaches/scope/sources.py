"""Where the affected people are found: lawful's own data (personal data, collections, consent), the
marketing exports and what recipients received, the audit log, and the company's datastores.

Each source adds the people it finds to one map, keyed by person, with the categories it exposed and how
many records; `rules.tally` then counts them."""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from lawful import audit, connectors, consent, keystore, marketing, processing, staff, subjects
from lawful.config import Settings

from . import rules
from .rules import Person

People = dict[str, Person]
CHUNK = 1000


def known(subject_id: uuid.UUID | str) -> str:
    """A person lawful knows, as the map of people keys them (someone only a datastore holds: `e:<email>`)."""
    return f"s:{subject_id}"


def subject(people: People, subject_id: uuid.UUID | str) -> Person:
    key = known(subject_id)
    if key not in people:
        people[key] = Person(subject=str(subject_id))
    return people[key]


def held(
    db: Session,
    people: People,
    *,
    organisation_id: uuid.UUID,
    since: datetime | None,
    until: datetime,
    categories: list[str],
    activities: list[str] | None = None,
) -> None:
    """lawful's own data held at some moment of the window (an item superseded before it began was not
    there); with `activities`, only what was collected for them."""
    item = subjects.PersonalData
    conditions = [item.organisation_id == organisation_id, item.recorded_at <= until]
    if since is not None:
        conditions.append(or_(item.superseded_at.is_(None), item.superseded_at >= since))
    if categories:
        conditions.append(item.category.in_(categories))
    query = select(item.subject_id, item.category, func.count())
    if activities is not None:
        collection = subjects.Collection
        query = query.join(collection, collection.id == item.collection_id)
        conditions.append(collection.activity.in_(activities))
    source = rules.LAWFUL if activities is None else "activities:" + ",".join(sorted(activities))
    for subject_id, category, count in db.execute(
        query.where(*conditions).group_by(item.subject_id, item.category)
    ):
        subject(people, subject_id).add(source, [category], int(count))
    _describe_among(db, people, organisation_id, query.with_only_columns(item.subject_id).where(*conditions))


def _describe_among(db: Session, people: People, organisation_id: uuid.UUID, ids: Select[Any]) -> None:
    """The language, country and categories of the people a source's statement finds, in one statement
    (a semi-join on it, not a list of thousands of ids)."""
    model = subjects.Subject
    query = select(model.id, model.language, model.country, model.categories).where(
        model.organisation_id == organisation_id, model.id.in_(ids.scalar_subquery())
    )
    for subject_id, language, country, kinds in db.execute(query):
        found = people.get(known(subject_id))
        if found is not None and not found.described:
            found.describe(language, country, kinds)


def consented(
    db: Session,
    people: People,
    register: processing.Register,
    *,
    organisation_id: uuid.UUID,
    since: datetime | None,
    until: datetime,
    categories: list[str],
    purposes: list[str],
) -> None:
    """The people whose consent to a purpose was in force during the window (a leaked mailing list)."""
    event = consent.ConsentEvent
    for purpose in purposes:
        activity = next(a for a in register.activities if a.key == purpose)
        exposed = rules.narrowed(activity.data_categories, categories)
        if not exposed:
            continue
        model = subjects.Subject
        query = (
            select(
                event.subject_id,
                event.kind,
                event.occurred_at,
                model.language,
                model.country,
                model.categories,
            )
            .join(model, model.id == event.subject_id)
            .where(
                event.organisation_id == organisation_id,
                event.purpose == purpose,
                event.subject_id.is_not(None),
                event.occurred_at <= until,
            )
            .order_by(event.subject_id, event.occurred_at)
        )
        history: dict[uuid.UUID, list[tuple[str, datetime]]] = defaultdict(list)
        about: dict[uuid.UUID, tuple[Any, Any, Any]] = {}
        for subject_id, kind, at, language, country, kinds in db.execute(query):
            history[subject_id].append((kind, at))
            about[subject_id] = (language, country, kinds)
        for subject_id, events in history.items():
            if rules.in_force(events, since, until):
                person = subject(people, subject_id)
                person.add(f"consent:{purpose}", exposed, len(exposed))
                if not person.described:
                    person.describe(*about[subject_id])


def exported(
    db: Session,
    people: People,
    *,
    organisation_id: uuid.UUID,
    categories: list[str],
    uploads: Iterable[marketing.AudienceUpload],
) -> None:
    """Everyone in these exports and audience uploads, with the fields each one carried."""
    member = marketing.AudienceMember
    for upload in uploads:
        exposed = rules.narrowed(upload.fields, categories)
        if not exposed:
            continue
        source = f"export:{upload.recipient}:{upload.uploaded_at.date().isoformat()}"
        model = subjects.Subject
        query = (
            select(member.subject_id, model.language, model.country, model.categories)
            .join(model, model.id == member.subject_id)
            .where(member.upload_id == upload.id)
        )
        for subject_id, language, country, kinds in db.execute(query):
            person = subject(people, subject_id)
            person.add(source, exposed, len(exposed))
            if not person.described:
                person.describe(language, country, kinds)


def uploads_to(
    db: Session, *, organisation_id: uuid.UUID, recipients: list[str], since: datetime | None, until: datetime
) -> list[marketing.AudienceUpload]:
    """What the recipients received in the window: R-98, "every person synced to HubSpot in April"."""
    upload = marketing.AudienceUpload
    query = select(upload).where(
        upload.organisation_id == organisation_id,
        upload.recipient.in_(recipients),
        upload.uploaded_at <= until,
    )
    if since is not None:
        query = query.where(upload.uploaded_at >= since)
    return list(db.scalars(query.order_by(upload.uploaded_at)))


def uploads_by_id(
    db: Session, *, organisation_id: uuid.UUID, ids: list[uuid.UUID]
) -> tuple[list[marketing.AudienceUpload], list[dict[str, str]]]:
    upload = marketing.AudienceUpload
    found = {
        u.id: u
        for u in db.scalars(
            select(upload).where(upload.organisation_id == organisation_id, upload.id.in_(ids))
        )
    }
    problems = [
        {"path": f"exports[{i}]", "message": "no such export of this organisation"}
        for i, upload_id in enumerate(ids)
        if upload_id not in found
    ]
    return [found[i] for i in ids if i in found], problems


def read_by(
    db: Session,
    people: People,
    *,
    organisation_id: uuid.UUID,
    since: datetime | None,
    until: datetime,
    categories: list[str],
    actors: list[uuid.UUID],
) -> None:
    """From the audit log: the people whose data these staff members or API keys read in the window (a
    stolen key, a compromised account), with the fields each read named."""
    entry = audit.AuditEntry
    query = select(entry.actor_id, entry.entity_id, entry.data).where(
        entry.organisation_id == organisation_id,
        entry.actor_id.in_(actors),
        entry.entity_type.in_(("Subject", "subject")),
        entry.entity_id.is_not(None),
        entry.at <= until,
    )
    if since is not None:
        query = query.where(entry.at >= since)
    for actor_id, entity_id, data in db.execute(query):
        fields = [str(f) for f in (data or {}).get("fields", [])] or ["unknown"]
        exposed = rules.narrowed(fields, categories) if fields != ["unknown"] else set(fields)
        if exposed:
            subject(people, entity_id).add(f"actor:{actor_id}", exposed, len(exposed))


def actor_problems(
    db: Session, *, organisation_id: uuid.UUID, actors: list[uuid.UUID]
) -> list[dict[str, str]]:
    known: set[uuid.UUID] = set()
    for model in (staff.StaffUser, staff.ApiKey):
        known |= set(
            db.scalars(select(model.id).where(model.organisation_id == organisation_id, model.id.in_(actors)))
        )
    return [
        {"path": f"actors[{i}]", "message": "no staff member or API key of this organisation"}
        for i, actor in enumerate(actors)
        if actor not in known
    ]


def in_datastore(
    db: Session,
    people: People,
    keys: keystore.Keys,
    settings: Settings,
    register: processing.Register,
    *,
    organisation_id: uuid.UUID,
    key: str,
    tables: list[str],
    categories: list[str],
) -> None:
    """The people in a datastore's tables, matched to lawful's people by email; someone lawful does not
    know stays in the list by the address the datastore holds (they are affected all the same)."""
    found = connectors.people_in(settings, register, key=key, tables=tables, categories=categories)
    lookups = {email: subjects.lookup_key(keys, subjects.IdentityKind.EMAIL, email) for email in found}
    holders = subjects.holders(
        db,
        organisation_id=organisation_id,
        lookups=[(subjects.IdentityKind.EMAIL, lookup) for lookup in lookups.values()],
    )
    source = f"datastore:{key}" + (":" + ",".join(sorted(tables)) if tables else "")
    for email, what in found.items():
        owner = holders.get((str(subjects.IdentityKind.EMAIL), lookups[email]))
        if owner is not None:
            person = subject(people, owner)
        else:
            person = people.setdefault(f"e:{email}", Person(email=email))
        person.add(source, what.categories, what.rows)


def describe(db: Session, people: People, *, organisation_id: uuid.UUID) -> None:
    """The language, country and categories of the people the sources did not describe themselves (found
    in the audit log or a datastore); someone erased since is no longer held and leaves the list (nothing
    of theirs remains to be affected or told)."""
    ids = [uuid.UUID(p.subject) for p in people.values() if p.subject and not p.described]
    found: dict[str, tuple[str | None, str | None, list[Any]]] = {}
    model = subjects.Subject
    for start in range(0, len(ids), CHUNK):
        condition: ColumnElement[bool] = model.id.in_(ids[start : start + CHUNK])
        rows = db.execute(
            select(model.id, model.language, model.country, model.categories).where(
                condition, model.organisation_id == organisation_id
            )
        )
        found |= {str(i): (language, country, categories) for i, language, country, categories in rows}
    for key, person in list(people.items()):
        if person.subject is None or person.described:
            continue
        if person.subject not in found:
            del people[key]
            continue
        person.describe(*found[person.subject])
