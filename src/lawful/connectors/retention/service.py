"""Retention in the company's datastores: the plan (what leaves, when; nothing changed) and the run
(R-72, R-75, R-79). A kept row leaves once its rule's period has ended, unless a legal hold on its
owner keeps it; what leaving means (delete the row, or anonymise its kept fields) is the map's `at_end`.

A run writes its deletion-log entries with the rows' keys and commits them before it changes a
datastore, changes the datastore in one transaction of that datastore, then marks the entries done: a
crash in between resumes the same entries, and a second run finds nothing left to do.
"""

import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, jobs, keystore, processing, work
from lawful.actor import Actor
from lawful.config import Settings
from lawful.errors import LawfulError

from . import expiring, holds, rules
from .models import DatastoreRetention
from .outcome import RetentionDone, RetentionLine, RetentionPlan, RetentionProblem, RetentionRun
from .stores import Store, stores

Progress = Callable[[int, int], None]  # (rows ended so far, rows to end so far)


def retention_plan(
    db: Session,
    keys: keystore.Keys,
    *,
    now: datetime,
    organisation_id: uuid.UUID | None = None,
    settings: Settings | None = None,
) -> RetentionPlan:
    """What the end of each rule removes from each datastore table on `now`, what legal holds keep, and
    how many rows leave in each month ahead; changes nothing."""
    today = clock.brussels_date(now)
    months = rules.month_ends(today)
    lines: list[RetentionLine] = []
    problems: list[RetentionProblem] = []
    for store in stores(db, organisation_id, settings or jobs.current_settings()):
        try:
            found = _kept_rows(store, before=lambda rule: rules.first_kept(rule, months[-1][1]))
        except LawfulError as exc:
            problems.append(store.problem(exc))
            continue
        for table, rule, changes, rows in found:
            due = [r for r in rows if rules.leaves_on(r.since, rule) <= today]
            ahead = dict.fromkeys((m for m, _ in months), 0)
            for row in rows[len(due) :]:
                ahead[rules.month_of(rules.leaves_on(row.since, rule))] += 1
            kept = len(_held_rows(db, keys, store, rule, due))
            lines.append(
                RetentionLine(
                    organisation_id=store.organisation_id,
                    datastore=store.map.key,
                    table=table.name,
                    retention=rule.key,
                    rule=rule.label.en or rule.key,
                    action="delete" if changes is None else "anonymise",
                    due=len(due) - kept,
                    held=kept,
                    months=ahead,
                )
            )
    return RetentionPlan(now=now, today=today, lines=lines, problems=problems)


def retention_run(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    now: datetime,
    organisation_id: uuid.UUID | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> RetentionRun:
    """End what has passed its end on `now` in every datastore, one at a time; run again, it does nothing."""
    today = clock.brussels_date(now)
    counter = _Counter(progress)
    done: list[RetentionDone] = []
    problems: list[RetentionProblem] = []
    for store in stores(db, organisation_id, settings or jobs.current_settings()):
        try:
            resumed = list(_entries(db, store, status="planned"))
            if resumed:  # a run crashed after committing these entries, before marking them done
                done += _carry_out(db, actor, store, resumed, counter, resumed=True)
            entries, held = _plan_entries(db, keys, store, today)
            if entries:
                work.checkpoint(db)  # the keys are durable before the datastore changes
                done += _carry_out(db, actor, store, entries, counter, resumed=False)
            done += held
        except LawfulError as exc:
            problems.append(store.problem(exc))
    return RetentionRun(now=now, today=today, done=done, problems=problems)


def list_retention_entries(
    db: Session, *, organisation_id: uuid.UUID | None = None, limit: int = 200
) -> list[DatastoreRetention]:
    """The deletion log of the datastores, newest first."""
    query = select(DatastoreRetention).order_by(DatastoreRetention.planned_at.desc()).limit(limit)
    if organisation_id is not None:
        query = query.where(DatastoreRetention.organisation_id == organisation_id)
    return list(db.scalars(query))


def _plan_entries(
    db: Session, keys: keystore.Keys, store: Store, today: date
) -> tuple[list[DatastoreRetention], list[RetentionDone]]:
    """A planned entry per table and rule with rows to end; and what holds keep where nothing ends."""
    entries: list[DatastoreRetention] = []
    only_held: list[RetentionDone] = []
    for table, rule, changes, due in _kept_rows(store, before=lambda rule: rules.first_kept(rule, today)):
        kept = {id(r) for r in _held_rows(db, keys, store, rule, due)}
        ending = [r.key for r in due if id(r) not in kept]
        action = "deleted" if changes is None else "anonymised"
        if not ending:
            if kept:
                only_held.append(
                    store.done(table.name, rule.key, action, rows=0, held=len(kept), entry_id=None)
                )
            continue
        entry = DatastoreRetention(
            organisation_id=store.organisation_id,
            datastore=store.map.key,
            table_name=table.name,
            retention=rule.key,
            action=action,
            status="planned",
            rows=len(ending),
            held=len(kept),
            ended_on=today,
            keys=ending,
            planned_at=clock.now(),
        )
        db.add(entry)
        entries.append(entry)
    db.flush()
    return entries, only_held


def _kept_rows(
    store: Store, *, before: Callable[[processing.RetentionRule], date]
) -> list[
    tuple[processing.DatastoreTable, processing.RetentionRule, dict[str, Any] | None, list[expiring.Kept]]
]:
    """Per kept table and rule: what its end writes (None: deletes) and its rows dated before `before(rule)`,
    read in one connection that is closed before lawful's own database is asked about holds."""
    found = []
    with store.reading() as (connection, tables):
        for table, rule in store.kept():
            changes = rules.end_changes(table, rule.key)
            rows = expiring.kept_rows(
                connection, store.map, tables, table, rule.key, before=before(rule), changes=changes
            )
            found.append((table, rule, changes, list(rows)))
    return found


def _held_rows(
    db: Session, keys: keystore.Keys, store: Store, rule: processing.RetentionRule, due: list[expiring.Kept]
) -> list[expiring.Kept]:
    owners = holds.held(
        db,
        keys,
        organisation_id=store.organisation_id,
        register=store.register,
        rule=rule,
        owners={r.owner for r in due if r.owner},
    )
    return [r for r in due if r.owner is not None and r.owner in owners]


def _carry_out(
    db: Session,
    actor: Actor,
    store: Store,
    entries: list[DatastoreRetention],
    counter: "_Counter",
    *,
    resumed: bool,
) -> list[RetentionDone]:
    counter.expect(sum(len(e.keys) for e in entries))
    steps = [(e.table_name, e.keys, store.changes(e)) for e in entries]
    with store.writing() as (connection, tables):
        expiring.end(connection, tables, store.deletion_order(steps), counter.add)
    ended = []
    for entry in entries:
        entry.status, entry.done_at, entry.keys = "done", clock.now(), []
        audit.record(
            db,
            actor,
            "connectors.retention_executed",
            entity=entry,
            organisation_id=entry.organisation_id,
            data={
                "datastore": entry.datastore,
                "table": entry.table_name,
                "retention": entry.retention,
                "action": entry.action,
                "rows": entry.rows,
                "held": entry.held,
                "ended_on": entry.ended_on.isoformat(),
            },
        )
        ended.append(
            store.done(
                entry.table_name,
                entry.retention,
                entry.action,
                rows=entry.rows,
                held=entry.held,
                entry_id=entry.id,
                resumed=resumed,
            )
        )
    db.flush()
    work.checkpoint(db)  # this datastore's entries are done, whatever happens to the next one
    return ended


def _entries(db: Session, store: Store, *, status: str) -> Iterator[DatastoreRetention]:
    yield from db.scalars(
        select(DatastoreRetention)
        .where(
            DatastoreRetention.organisation_id == store.organisation_id,
            DatastoreRetention.datastore == store.map.key,
            DatastoreRetention.status == status,
        )
        .order_by(DatastoreRetention.planned_at)
    )


class _Counter:
    """Rows ended so far, for a progress bar across datastores."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress, self.done, self.total = progress, 0, 0

    def expect(self, rows: int) -> None:
        self.total += rows
        self.add(0)

    def add(self, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(self.done, self.total)
