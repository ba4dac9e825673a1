"""Retention runs (R-72): the plan carried out in batches, each committed on its own, with its log.

A run reads what is due once, then takes it a batch at a time: each batch claims its log rows, removes the
data and writes the audit in one transaction, then commits (lawful.work.checkpoint). Killed at any point, a
run leaves whole batches done and the rest untouched; the next run finds the rest still due and skips what
the log already holds. A run left `running` by a crash is marked `interrupted` by the next one.
"""

import uuid
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, keystore, processing, subjects, work
from lawful.actor import Actor

from . import endings, execution, keeping, rules, warnings
from .endings import Due, Plan, due_now, register_rules
from .errors import MomentOutOfRange, RunAhead, RunNotFound, UnknownActivity
from .models import RetentionAction, RetentionRun

BATCH = 500  # steps per unit of work: a crash loses at most one batch's work, never half of it
AHEAD_ALLOWED = 60.0  # seconds: `now` may lead the clock this much (a command typed a moment ago)
Progress = Callable[[int, int], None]


def check_moment(now: datetime) -> None:
    """A plan or run as of a moment the calendar can count from (years 1900 to 8999)."""
    if not rules.plausible(now.date()):
        raise MomentOutOfRange("now: use a moment between 1900 and 8999")


def check_now(now: datetime, *, test_mode: bool) -> None:
    """Only tests may run as of a later moment than the clock: a run in the future deletes too early."""
    check_moment(now)
    if not test_mode and (now - clock.now()).total_seconds() > AHEAD_ALLOWED:
        raise RunAhead("now: a retention run cannot be ahead of the clock (only in test mode)")


def run(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    now: datetime,
    progress: Progress | None = None,
    batch: int = BATCH,
) -> RetentionRun:
    """Carry out every retention step due at `now` for one organisation, a batch per commit; first warn
    the people whose account data are about to go (R-77), in a commit of their own."""
    warned = warnings.send_due(db, actor, keys, organisation_id=organisation_id, now=now)
    work.checkpoint(db)
    ready, held = due_now(db, organisation_id=organisation_id, now=now)
    ready, waiting = warnings.held_for_warning(db, organisation_id, ready, now)
    held = held + waiting
    context = keeping.Context(
        {r.activity: r for r in register_rules(db, organisation_id=organisation_id)}, now
    )
    row = _open(db, actor, organisation_id, now, held)
    if warned:
        counts = [dict(entry) for entry in row.counts]
        for (activity, rule_key), number in sorted(warned.items()):
            _entry(counts, activity, rule_key, "warned", None)["done"] = number
        row.counts = counts
    work.checkpoint(db)
    for start in range(0, len(ready), batch):
        chunk = ready[start : start + batch]
        done = execution.carry_out(db, actor, keys, run=row, batch=chunk, context=context)
        row.counts = _merged(row.counts, done)
        row.heartbeat_at = clock.now()
        work.checkpoint(db)
        if progress is not None:
            progress(min(start + batch, len(ready)), len(ready))
    row.status, row.finished_at = "done", clock.now()
    audit.record(
        db,
        actor,
        "retention.run_finished",
        entity=row,
        organisation_id=organisation_id,
        data={"as_of": now.isoformat(), "counts": row.counts},
    )
    db.flush()
    return row


def plan(db: Session, *, organisation_id: uuid.UUID, now: datetime) -> Plan:
    """What leaves, when and why, per rule and activity, with counts by month ahead, and the warnings that
    go before (R-77); nothing changes."""
    found = endings.plan(db, organisation_id=organisation_id, now=now)
    found.warnings = warnings.outlook(db, organisation_id=organisation_id, now=now)
    return found


def run_all(
    db: Session, actor: Actor, keys: keystore.Keys, *, now: datetime, progress: Progress | None = None
) -> list[RetentionRun]:
    """A run for every organisation that has a register (the worker's hourly sweep)."""
    return [
        run(db, actor, keys, organisation_id=organisation.id, now=now, progress=progress)
        for organisation in processing.list_organisations(db)
    ]


def _open(
    db: Session, actor: Actor, organisation_id: uuid.UUID, now: datetime, held: list[Due]
) -> RetentionRun:
    started = clock.now()
    stale = db.scalars(
        select(RetentionRun).where(
            RetentionRun.organisation_id == organisation_id, RetentionRun.status == "running"
        )
    )
    for earlier in stale:
        if rules.interrupted(earlier.heartbeat_at, started):
            earlier.status = "interrupted"
    counts: list[dict[str, object]] = []
    for due in held:
        entry = _entry(counts, due.rule.activity, due.rule.key, str(due.next.step), due.rule)
        skipped = entry["skipped"]
        assert isinstance(skipped, dict) and due.skip is not None
        skipped[str(due.skip)] = skipped.get(str(due.skip), 0) + 1
    row = RetentionRun(
        organisation_id=organisation_id,
        as_of=now,
        started_at=started,
        heartbeat_at=started,
        status="running",
        started_by=actor.label[:200],
        counts=counts,
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor,
        "retention.run_started",
        entity=row,
        organisation_id=organisation_id,
        data={"as_of": now.isoformat()},
    )
    return row


def _entry(
    counts: list[dict[str, object]], activity: str, rule: str, step: str, spec: rules.Rule | None
) -> dict[str, object]:
    for entry in counts:
        if (entry["activity"], entry["rule"], entry["step"]) == (activity, rule, step):
            return entry
    entry = {
        "activity": activity,
        "rule": rule,
        "trigger": spec.trigger if spec else None,
        "action": spec.action if spec else None,
        "step": step,
        "done": 0,
        "items": 0,
        "whole": 0,
        "skipped": {},
    }
    counts.append(entry)
    return entry


def _merged(counts: list[dict[str, object]], done: execution.Counts) -> list[dict[str, object]]:
    """The run's counts with a batch's added (a new list, so the JSON column is written again)."""
    merged = [dict(entry) for entry in counts]
    for key, number in done.done.items():
        activity, rule, step = key
        entry = _entry(merged, activity, rule, step, done.specs.get(key))
        for name, value in (("done", number), ("items", done.items[key]), ("whole", done.whole[key])):
            current = entry[name]
            assert isinstance(current, int)
            entry[name] = current + value
    return merged


def list_runs(db: Session, *, organisation_id: uuid.UUID, limit: int = 50) -> list[RetentionRun]:
    """Newest first, for the privacy officer."""
    query = select(RetentionRun).where(RetentionRun.organisation_id == organisation_id)
    return list(db.scalars(query.order_by(RetentionRun.started_at.desc()).limit(limit)))


def get_run(db: Session, *, run_id: uuid.UUID, organisation_id: uuid.UUID) -> RetentionRun:
    row = db.get(RetentionRun, run_id)
    if row is None or row.organisation_id != organisation_id:
        raise RunNotFound("no such retention run")
    return row


def actions(db: Session, *, run_id: uuid.UUID, limit: int = 1000) -> list[RetentionAction]:
    """What one run did, step by step (pseudonymous ids, counts; never content)."""
    query = select(RetentionAction).where(RetentionAction.run_id == run_id)
    return list(db.scalars(query.order_by(RetentionAction.activity, RetentionAction.done_at).limit(limit)))


def record_event(
    db: Session,
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    subject_id: uuid.UUID,
    kind: str,
    at: date | datetime,
    channel: str,
    activity: str | None = None,
    reference: str | None = None,
) -> subjects.LifecycleEvent:
    """A dated event a retention rule counts from (a contract's end, a reply, an invoice's date), for one
    of the organisation's people; a day without a time is taken at its middle (rules.middle_of_day)."""
    subjects.get(db, subject_id=subject_id, organisation_id=organisation_id)
    if activity is not None:
        register = processing.current_register(db, organisation_id=organisation_id)[1]
        if activity not in {a.key for a in register.activities}:
            raise UnknownActivity("activity: not an activity of the register")
    now = clock.now()
    if not rules.plausible(at if not isinstance(at, datetime) else at.date()):
        raise subjects.EventRefused("at: use a day between 1900 and 8999")
    occurred_at = at if isinstance(at, datetime) else rules.middle_of_day(at, now)
    if occurred_at > now:
        raise subjects.EventRefused("at: an event cannot be in the future")
    return subjects.record_event(
        db,
        actor,
        subject_id=subject_id,
        kind=kind,
        occurred_at=occurred_at,
        channel=channel,
        activity=activity,
        reference=reference,
    )
