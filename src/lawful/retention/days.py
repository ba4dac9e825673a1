"""The plan without a row per person: each person's start in SQL, people counted per day it fell on.

Within one day, a later start never ends earlier (`processing.retention_end` moves a day's starts to the same
later day, or to the same midnight), so when a day's first and last starts land in the same place of the plan,
every start of that day does; only the few days that straddle a boundary (now, a month's start) are read
person by person. Across days it is not so (30 January + P1M ends before 28 January 23:00 + P1M does), which
is why the day, not a range of days, is the unit.
"""

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from lawful import processing, subjects
from lawful.db import UTCDateTime, among, table_of

from .rules import EVENT_TRIGGERS, Rule

C, E = table_of(subjects.Collection).c, table_of(subjects.LifecycleEvent).c
Day = date | str  # PostgreSQL answers a date; SQLite its text


def start_query(db: Session, organisation_id: uuid.UUID, rule: Rule) -> Subquery | None:
    """(sid, start) per person with data collected for the activity, for the triggers read from the
    collections and the lifecycle events; None for the others (read person by person)."""
    own = and_(C.provided_by_subject, C.channel.in_(subjects.INBOUND_COLLECTIONS))
    collected = (
        select(
            C.subject_id.label("sid"),
            func.max(C.collected_at).label("last"),
            func.min(C.collected_at).label("first"),
            func.max(case((own, C.collected_at))).label("own"),
        )
        .where(C.organisation_id == organisation_id, C.activity == rule.activity)
        .group_by(C.subject_id)
        .subquery()
    )
    if rule.trigger == processing.Trigger.COLLECTION:
        return select(collected.c.sid, collected.c.last.label("start")).subquery()
    if rule.trigger != processing.Trigger.LAST_INBOUND_CONTACT and rule.trigger not in EVENT_TRIGGERS:
        return None
    events = (
        select(E.subject_id.label("sid"), func.max(E.occurred_at).label("at"))
        .where(E.organisation_id == organisation_id, E.kind == rule.trigger)
        .where(or_(E.activity.is_(None), E.activity == rule.activity))
        .group_by(E.subject_id)
        .subquery()
    )
    if rule.trigger in EVENT_TRIGGERS:
        joined = collected.join(events, events.c.sid == collected.c.sid)
        return select(collected.c.sid, events.c.at.label("start")).select_from(joined).subquery()
    # rules.inbound_start in SQL: the latest own contact, or the first collection
    latest = _greatest(db, collected.c.own, events.c.at)
    start = type_coerce(func.coalesce(latest, collected.c.first), UTCDateTime())
    joined = collected.outerjoin(events, events.c.sid == collected.c.sid)
    return select(collected.c.sid, start.label("start")).select_from(joined).subquery()


def _greatest(db: Session, one: Any, other: Any) -> ColumnElement[Any]:
    """The later of two moments, either of which may be missing."""
    if db.get_bind().dialect.name == "postgresql":
        return func.greatest(one, other)  # ignores NULLs
    return func.max(func.coalesce(one, other), func.coalesce(other, one))  # SQLite's scalar max


def _day(db: Session, start: Any) -> ColumnElement[Any]:
    """The UTC day of a start (SQLite stores UTC text)."""
    if db.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", start))
    return func.date(start)


def groups(
    db: Session, starts: Subquery, *, excluded: Sequence[uuid.UUID]
) -> list[tuple[Day, int, datetime, datetime]]:
    """(day, people, first start, last start) per UTC day, leaving out the `excluded` people."""
    day = _day(db, starts.c.start)
    query = select(day, func.count(), func.min(starts.c.start), func.max(starts.c.start)).where(
        starts.c.start.is_not(None)
    )
    if excluded:
        query = query.where(~among(db.get_bind().dialect, starts.c.sid, list(excluded)))
    return [(d, n, first, last) for d, n, first, last in db.connection().execute(query.group_by(day))]


def people_on(
    db: Session, starts: Subquery, days: Sequence[Day], *, excluded: Sequence[uuid.UUID]
) -> list[tuple[uuid.UUID, datetime]]:
    """Each person whose start fell on one of these days, with the start."""
    if not days:
        return []
    query = select(starts.c.sid, starts.c.start).where(_day(db, starts.c.start).in_(list(days)))
    if excluded:
        query = query.where(~among(db.get_bind().dialect, starts.c.sid, list(excluded)))
    return [(sid, start) for sid, start in db.connection().execute(query)]
