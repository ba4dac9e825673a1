"""Carrying out one batch of due retention steps, in the caller's unit of work.

The batch first claims its log rows: each (person, activity, rule, end, step) can be inserted once, so a
step that another run, or this run before a crash, already committed is skipped here. The data go in the
same transaction as their log row, with the erasure that automatic deletions already do (dsr.deletions):
the items, and when nothing is left of the person, their record, their copies and their key, with a
tombstone. Audit entries are written together, one per step.
"""

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, null, or_, select
from sqlalchemy.orm import Session

from lawful import audit, clock, dsr, keystore, subjects
from lawful.actor import Actor
from lawful.db import among, insert_new_many, insert_together, table_of

from . import anonymous, keeping, rules
from .endings import Due
from .models import RetentionAction, RetentionRun
from .rules import Step

ACTIONS = table_of(RetentionAction)
CLOSED_REQUESTS = ("completed", "refused")
Key = tuple[str, str, str]  # activity, rule, step


@dataclass
class Counts:
    """What a batch did, per (activity, rule, step)."""

    done: Counter[Key] = field(default_factory=Counter)
    items: Counter[Key] = field(default_factory=Counter)
    whole: Counter[Key] = field(default_factory=Counter)
    specs: dict[Key, rules.Rule] = field(default_factory=dict)
    already: int = 0  # claimed by an earlier run


def carry_out(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    run: RetentionRun,
    batch: Sequence[Due],
    context: keeping.Context,
) -> Counts:
    """Take each due step of the batch once; the caller commits (one unit of work per batch).

    What each step will remove is read first, so that the log rows are claimed with their outcome; only the
    steps whose rows this batch inserted are then taken."""
    removals = [due for due in batch if due.next.step is not Step.ARCHIVED]
    doomed: dict[str, list[Item]] = {}
    for activity in sorted({due.rule.activity for due in removals}):
        of_activity = [due for due in removals if due.rule.activity == activity]
        sids = [due.subject_id for due in of_activity]
        anonymise = any(due.next.step is Step.ANONYMISED for due in of_activity)
        doomed[activity] = _doomed(db, run.organisation_id, of_activity[0].rule, sids, context, anonymise)
    items = Counter((item.subject_id, activity) for activity, found in doomed.items() for item in found)
    whole = keeping.nothing_left(
        db, run.organisation_id, {(d.subject_id, d.rule.activity) for d in removals}, items, context
    )
    claimed = _claim(db, run, batch, items, whole)
    mine = [d for d in batch if (d.subject_id, d.rule.activity, str(d.next.step)) in claimed]
    counts = Counts(already=len(batch) - len(mine))
    for due in mine:
        if due.next.step is Step.ARCHIVED:
            subjects.archive(
                db,
                actor,
                subject_id=due.subject_id,
                activity=due.rule.activity,
                rule=due.rule.key,
                delete_on=due.next.end.astimezone(rules.BRUSSELS).date(),
            )
    gone = {due.subject_id for due in mine if due.subject_id in whole and due.next.step is not Step.ARCHIVED}
    for activity, found in doomed.items():
        of_activity = [d for d in mine if d.rule.activity == activity and d.next.step is not Step.ARCHIVED]
        anonymised = {d.subject_id for d in of_activity if d.next.step is Step.ANONYMISED}
        if anonymised:  # before any key goes
            wanted = {
                (i.subject_id, i.collection_id, i.category) for i in found if i.subject_id in anonymised
            }
            anonymous.count(db, keys, run.organisation_id, activity, wanted)
        kept = [d.subject_id for d in of_activity if d.subject_id not in gone]  # the rest go whole, below
        if kept:
            _remove(db, activity, kept, [i for i in found if i.subject_id in set(kept)])
    people = (
        list(db.scalars(select(subjects.Subject).where(_in(db, subjects.Subject.id, sorted(gone)))))
        if gone
        else []
    )
    dsr.deletions.erase_many(
        db, actor, keys, organisation_id=run.organisation_id, people=people, suppress=False
    )
    _record(db, actor, run, mine, claimed, items, whole, counts)
    return counts


@dataclass(frozen=True)
class Item:
    id: uuid.UUID
    subject_id: uuid.UUID
    category: str
    collection_id: uuid.UUID | None  # read only for anonymisation


def _claim(
    db: Session,
    run: RetentionRun,
    batch: Sequence[Due],
    items: Counter[tuple[uuid.UUID, str]],
    whole: set[uuid.UUID],
) -> dict[tuple[uuid.UUID, str, str], uuid.UUID]:
    """Insert the batch's log rows with their outcome; those already there (another run's) are left out.
    Returns the new rows' ids by (person, activity, step)."""
    if not batch:
        return {}
    now = clock.now()
    rows = []
    for due in batch:
        removed = due.next.step is not Step.ARCHIVED
        rows.append(
            {
                "id": uuid.uuid4(),
                "organisation_id": run.organisation_id,
                "run_id": run.id,
                "subject_id": due.subject_id,
                "activity": due.rule.activity,
                "rule": due.rule.key,
                "trigger": due.rule.trigger,
                "action": str(due.next.step),
                "ends_at": due.next.end,
                "items": items[(due.subject_id, due.rule.activity)] if removed else 0,
                "whole": removed and due.subject_id in whole,
                "done_at": now,
            }
        )
    returned = insert_new_many(
        db.connection(),
        ACTIONS,
        rows,
        unique=["subject_id", "activity", "rule", "ends_at", "action"],
        returning=["id", "subject_id", "activity", "action"],
    )
    return {(_uuid(sid), activity, action): _uuid(action_id) for action_id, sid, activity, action in returned}


def _uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _doomed(
    db: Session,
    organisation_id: uuid.UUID,
    rule: rules.Rule,
    people: list[uuid.UUID],
    context: keeping.Context,
    anonymise: bool,
) -> list[Item]:
    """The people's items that leave with the activity: its own, and those of other activities it shares
    a category with, except what another activity they were collected for still needs (rules.deletable)."""
    data, collection = subjects.PersonalData, subjects.Collection
    found = db.execute(
        select(data.id, data.subject_id, data.category, collection.activity, data.superseded_at)
        .add_columns(collection.id if anonymise else null())
        .join(collection, data.collection_id == collection.id)
        .where(
            _in(db, data.subject_id, people),
            or_(collection.activity == rule.activity, data.category.in_(rule.categories)),
        )
    ).all()
    claims = context.claims(db, organisation_id, people, exclude=rule.activity)
    return [
        Item(item_id, sid, category, collection_id)
        for item_id, sid, category, activity, superseded, collection_id in found
        if not claims.get(sid)
        or rules.deletable(
            [
                claim
                for other, claim in claims[sid].items()
                # an old version serves no other activity: they hold the current one
                if other == activity
                or (superseded is None and category in context.by_activity[other].categories)
            ],
            context.now,
        )
    ]


def _remove(db: Session, activity: str, people: list[uuid.UUID], doomed: list[Item]) -> None:
    """Delete the items (dsr's per-item deletion), then what the activity leaves behind: its collections
    now empty, its events and its archive state."""
    data, collection = subjects.PersonalData, subjects.Collection
    dsr.deletions.delete_items(db, item_ids=[item.id for item in doomed])
    empty = ~select(data.id).where(data.collection_id == collection.id).exists()
    db.execute(
        delete(collection).where(
            collection.activity == activity, _in(db, collection.subject_id, people), empty
        )
    )
    event, archive = subjects.LifecycleEvent, subjects.Archive
    db.execute(delete(event).where(event.activity == activity, _in(db, event.subject_id, people)))
    db.execute(delete(archive).where(archive.activity == activity, _in(db, archive.subject_id, people)))


def _in(db: Session, column: Any, values: Sequence[Any]) -> Any:
    return among(db.get_bind().dialect, column, values)


def _record(
    db: Session,
    actor: Actor,
    run: RetentionRun,
    mine: Sequence[Due],
    claimed: dict[tuple[uuid.UUID, str, str], uuid.UUID],
    items: Counter[tuple[uuid.UUID, str]],
    whole: set[uuid.UUID],
    counts: Counts,
) -> None:
    """One audit entry per step taken, and the batch's counts (ids and counts only, R-88)."""
    entries = []
    for due in mine:
        sid, activity, step = due.subject_id, due.rule.activity, str(due.next.step)
        removed = due.next.step is not Step.ARCHIVED
        number, gone = (items[(sid, activity)], sid in whole) if removed else (0, False)
        key = (activity, due.rule.key, step)
        counts.specs[key] = due.rule
        counts.done[key] += 1
        counts.items[key] += number
        counts.whole[key] += gone
        entries.append(
            audit.entry(
                actor,
                f"retention.{step}",
                entity_type="RetentionAction",
                entity_id=claimed[(sid, activity, step)],
                organisation_id=run.organisation_id,
                data={
                    "subject_id": str(sid),
                    "activity": activity,
                    "rule": due.rule.key,
                    "ends_at": due.next.end.isoformat(),
                    "items": number,
                    "whole": gone,
                    "run": str(run.id),
                },
            )
        )
    insert_together(db.connection(), [(audit.TABLE, entries)])
