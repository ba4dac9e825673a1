"""Lifecycle events read from the company's databases: a dataset map names the column that dates an event a
retention rule counts from (a contract's end date, the last invoice's date), and each person's latest date
there is recorded in lawful (subjects.record_event), so the retention plan and run count from it.

Idempotent: an event is recorded with a reference naming its column and day, so importing again records
nothing; a later date (a new invoice) is a new event, and retention counts from the latest. A date still to
come has not happened and waits for a later import. Nothing is written to the datastore."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import clock, keystore, processing, subjects
from lawful.actor import Actor
from lawful.config import Settings
from lawful.errors import LawfulError

from . import people, rules
from .retention.outcome import RetentionProblem
from .retention.stores import Store

CHANNEL = "datastore"


@dataclass
class Imported:
    """Counts per (datastore, table, column, kind): recorded now, already there, people lawful does not
    hold, dates still to come; and the datastores that could not be read."""

    now: datetime
    lines: list[dict[str, object]] = field(default_factory=list)
    problems: list[RetentionProblem] = field(default_factory=list)

    @property
    def recorded(self) -> int:
        return sum(int(str(line["recorded"])) for line in self.lines)


def mapped(db: Session, organisation_id: uuid.UUID | None, settings: Settings) -> list[Store]:
    """Every dataset map with a table that dates events, of one organisation or of every one."""
    ids = [organisation_id] if organisation_id else [o.id for o in processing.list_organisations(db)]
    found = []
    for org in ids:
        if processing.find_current(db, organisation_id=org) is None:
            continue
        register = processing.current_register(db, organisation_id=org)[1]
        for index, store in enumerate(register.datastores):
            if any(t.events for t in store.tables):
                found.append(Store(org, register, store, f"datastores[{index}]", settings))
    return found


def import_events(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    now: datetime,
    settings: Settings,
    organisation_id: uuid.UUID | None = None,
) -> Imported:
    """Record, for each person lawful holds, the latest date of each mapped event column that is not after
    `now`; a datastore that cannot be read is reported and the others go on."""
    done = Imported(now)
    for store in mapped(db, organisation_id, settings):
        try:
            with store.reading() as (connection, live):
                found = [
                    (table, event, _latest(connection, store, live, table, event.column))
                    for table in store.map.tables
                    for event in table.events
                ]
        except LawfulError as exc:
            done.problems.append(store.problem(exc))
            continue
        for table, event, latest in found:
            done.lines.append(_record(db, actor, keys, store, table, event, latest, now))
    return done


def _latest(
    connection: sa.Connection,
    store: Store,
    live: dict[str, sa.Table],
    table: processing.DatastoreTable,
    column: str,
) -> dict[str, date]:
    """By normalised email: the latest date of the column among the person's rows."""
    email, joined = people._owner(store.map, live, table)
    value = live[table.name].c[column]
    query = (
        sa.select(email, sa.func.max(value))
        .select_from(joined)
        .where(value.is_not(None), email.is_not(None))
        .group_by(email)
    )
    found: dict[str, date] = {}
    for address, latest in connection.execute(query):
        day = rules.as_date(latest)
        normal = people._normal(str(address))
        if day is not None and (normal not in found or found[normal] < day):
            found[normal] = day
    return found


def _record(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    store: Store,
    table: processing.DatastoreTable,
    event: processing.EventColumn,
    latest: dict[str, date],
    now: datetime,
) -> dict[str, object]:
    today = clock.brussels_date(now)
    kind = subjects.IdentityKind.EMAIL
    lookups = {subjects.lookup_key(keys, kind, email): email for email in latest}
    holders = subjects.holders(
        db, organisation_id=store.organisation_id, lookups=[(kind, k) for k in lookups]
    )
    by_email = {lookups[lookup]: sid for (_, lookup), sid in holders.items()}
    line: dict[str, object] = {
        "organisation_id": str(store.organisation_id),
        "datastore": store.map.key,
        "table": table.name,
        "column": event.column,
        "kind": str(event.kind),
        "activity": event.activity,
        "recorded": 0,
        "known": 0,
        "not_held": len(latest) - len(by_email),
        "ahead": 0,
    }
    prefix = f"{store.map.key}.{table.name}.{event.column}:"
    known = _references(db, store.organisation_id, str(event.kind), prefix)
    for email, subject_id in sorted(by_email.items()):
        day = latest[email]
        if day > today or not (date(1900, 1, 1) <= day < date(9000, 1, 1)):
            line["ahead"] = int(str(line["ahead"])) + 1
            continue
        reference = f"{prefix}{day.isoformat()}"
        if (subject_id, event.activity, reference) in known:
            line["known"] = int(str(line["known"])) + 1
            continue
        subjects.record_event(
            db,
            actor,
            subject_id=subject_id,
            kind=str(event.kind),
            occurred_at=_moment(day, now),
            channel=CHANNEL,
            activity=event.activity,
            reference=reference,
        )
        line["recorded"] = int(str(line["recorded"])) + 1
    db.flush()
    return line


def _moment(day: date, now: datetime) -> datetime:
    """A day from a column, without its time: noon in Brussels, or `now` when noon is still to come."""
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=clock.BRUSSELS)
    return now if noon > now else noon


def _references(
    db: Session, organisation_id: uuid.UUID, kind: str, prefix: str
) -> set[tuple[uuid.UUID, str | None, str | None]]:
    """The events this column already recorded: (person, activity, reference)."""
    event = subjects.LifecycleEvent
    query = select(event.subject_id, event.activity, event.reference).where(
        event.organisation_id == organisation_id,
        event.kind == kind,
        event.channel == CHANNEL,
        event.reference.startswith(prefix, autoescape=True),
    )
    return {(sid, activity, reference) for sid, activity, reference in db.execute(query)}
