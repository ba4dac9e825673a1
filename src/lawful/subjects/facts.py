"""What the purpose gate needs to know about many people, loaded in a handful of queries."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import clock

from . import rules
from .models import Collection, Identity, LegalHold, Objection, Restriction, Subject
from .service import space_column


@dataclass(frozen=True)
class Provenance:
    """How one address reached us, as the marketing rules weigh it (T-16: a bought list is no sale)."""

    activity: str
    channel: str
    source: str
    optout_offered: bool


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
    provenance: set[Provenance] = field(default_factory=set)


_CHUNK = 2000


def facts(db: Session, *, organisation_id: uuid.UUID, subject_ids: list[uuid.UUID]) -> dict[uuid.UUID, Facts]:
    """Facts for many people in a handful of queries per chunk (never one query per person)."""
    found: dict[uuid.UUID, Facts] = {}
    for start in range(0, len(subject_ids), _CHUNK):
        found |= _facts_chunk(db, organisation_id, subject_ids[start : start + _CHUNK])
    return found


def _facts_chunk(db: Session, organisation_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, Facts]:
    rows = db.execute(
        select(
            Subject.id, Subject.categories, Subject.child, space_column(Subject.role, Subject.client)
        ).where(Subject.id.in_(ids), Subject.organisation_id == organisation_id)
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
    for hold in db.scalars(select(LegalHold).where(LegalHold.subject_id.in_(present), LegalHold.in_force())):
        if rules.hold_in_force(hold, today):
            found[hold.subject_id].holds.append(hold.purpose)
    latest: dict[uuid.UUID, dict[str, datetime]] = defaultdict(dict)
    ways = (Collection.activity, Collection.channel, Collection.source, Collection.optout_offered)
    for sid, activity, channel, source, optout, at in db.execute(
        select(Collection.subject_id, *ways, func.max(Collection.collected_at))
        .where(Collection.subject_id.in_(present))
        .group_by(Collection.subject_id, *ways)
    ):
        at = at if at.tzinfo else at.replace(tzinfo=clock.now().tzinfo)
        latest[sid][activity] = max(at, latest[sid].get(activity, at))
        found[sid].provenance.add(Provenance(activity, channel, source, bool(optout)))
    for sid, per_activity in latest.items():
        found[sid].last_collected = per_activity
    return found


def ids_of(db: Session, *, organisation_id: uuid.UUID) -> list[uuid.UUID]:
    return list(db.scalars(select(Subject.id).where(Subject.organisation_id == organisation_id)))
