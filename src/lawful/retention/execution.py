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

from sqlalchemy import Insert, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, dsr, keystore, subjects
from lawful.actor import Actor
from lawful.db import table_of

from . import rules
from .models import AnonymousCount, RetentionAction, RetentionRun
from .plan import Due
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
    db: Session, actor: Actor, keys: keystore.Keys, *, run: RetentionRun, batch: Sequence[Due]
) -> Counts:
    """Take each due step of the batch once; the caller commits (one unit of work per batch)."""
    counts = Counts()
    claimed = _claim(db, run, batch)
    mine = [d for d in batch if (d.subject_id, d.rule.activity, str(d.next.step)) in claimed]
    counts.already = len(batch) - len(mine)
    items: dict[tuple[uuid.UUID, str], int] = {}
    whole: set[uuid.UUID] = set()
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
    removed = [due for due in mine if due.next.step is not Step.ARCHIVED]
    for activity in sorted({due.rule.activity for due in removed}):
        of_activity = [due for due in removed if due.rule.activity == activity]
        anonymised = {due.subject_id for due in of_activity if due.next.step is Step.ANONYMISED}
        items |= _remove(
            db, keys, run.organisation_id, activity, [d.subject_id for d in of_activity], anonymised
        )
    empty = _nothing_left(db, run.organisation_id, sorted({d.subject_id for d in removed}))
    people = list(db.scalars(select(subjects.Subject).where(subjects.Subject.id.in_(empty)))) if empty else []
    dsr.deletions.erase_many(db, actor, keys, organisation_id=run.organisation_id, people=people, suppress=False)
    whole |= {person.id for person in people}
    _record(db, actor, run, mine, claimed, items, whole, counts)
    return counts


def _claim(
    db: Session, run: RetentionRun, batch: Sequence[Due]
) -> dict[tuple[uuid.UUID, str, str], uuid.UUID]:
    """Insert the batch's log rows; those already there (done by an earlier run) are left out. Returns the
    new rows' ids by (person, activity, step)."""
    if not batch:
        return {}
    now = clock.now()
    rows = [
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
            "items": 0,
            "whole": False,
            "done_at": now,
        }
        for due in batch
    ]
    returned = db.execute(
        _insert_new(db).returning(ACTIONS.c.id, ACTIONS.c.subject_id, ACTIONS.c.activity, ACTIONS.c.action),
        rows,
    )
    return {(sid, activity, action): action_id for action_id, sid, activity, action in returned}


def _insert_new(db: Session) -> Insert:
    unique = ["subject_id", "activity", "rule", "ends_at", "action"]
    dialect_insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    return dialect_insert(ACTIONS).on_conflict_do_nothing(index_elements=unique)


def _remove(
    db: Session,
    keys: keystore.Keys,
    organisation_id: uuid.UUID,
    activity: str,
    people: list[uuid.UUID],
    anonymised: set[uuid.UUID],
) -> dict[tuple[uuid.UUID, str], int]:
    """Delete the people's data of one activity (anonymised first where the rule says so); items per person."""
    data, collection = subjects.PersonalData, subjects.Collection
    found = db.execute(
        select(data.id, data.subject_id)
        .join(collection, data.collection_id == collection.id)
        .where(collection.activity == activity, data.subject_id.in_(people))
    ).all()
    if anonymised:
        _count_anonymously(db, keys, organisation_id, activity, sorted(anonymised))
    dsr.deletions.delete_items(db, item_ids=[item_id for item_id, _ in found])
    # what the activity leaves behind: collections without items, its events and its archive state
    db.execute(delete(collection).where(collection.activity == activity, collection.subject_id.in_(people)))
    event, archive = subjects.LifecycleEvent, subjects.Archive
    db.execute(delete(event).where(event.activity == activity, event.subject_id.in_(people)))
    db.execute(delete(archive).where(archive.activity == activity, archive.subject_id.in_(people)))
    return dict(Counter((sid, activity) for _, sid in found))


def _count_anonymously(
    db: Session, keys: keystore.Keys, organisation_id: uuid.UUID, activity: str, people: list[uuid.UUID]
) -> None:
    """R-80: what anonymisation keeps of these people's values, added to counts that name no one."""
    counted: Counter[tuple[str, str]] = Counter()
    for subject_id in people:
        try:
            values = subjects.values(db, keys, subject_id=subject_id)
        except subjects.KeyDestroyed:  # an earlier attempt erased them: nothing readable to count
            continue
        for value in values:
            if value.collection.activity != activity:
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


def _nothing_left(db: Session, organisation_id: uuid.UUID, people: list[uuid.UUID]) -> list[uuid.UUID]:
    """The people of whom nothing is left to keep: their whole record and key may go (rules.why_not_whole)."""
    if not people:
        return []
    data, hold, restriction = subjects.PersonalData, subjects.LegalHold, subjects.Restriction
    left = Counter(db.scalars(select(data.subject_id).where(data.subject_id.in_(people))))
    today = clock.today()
    held = {
        row.subject_id
        for row in db.execute(
            select(hold.subject_id, hold.lifted_at, hold.review_on).where(
                hold.subject_id.in_(people), hold.lifted_at.is_(None)
            )
        )
        if subjects.hold_in_force(row, today)
    }
    claims = set(
        db.scalars(
            select(restriction.subject_id).where(
                restriction.subject_id.in_(people),
                restriction.ground == str(subjects.RestrictionGround.LEGAL_CLAIMS),
                restriction.lifted_at.is_(None),
            )
        )
    )
    request = dsr.Request
    open_requests = Counter(
        db.scalars(
            select(request.subject_id).where(
                request.subject_id.in_(people), request.status.not_in(CLOSED_REQUESTS)
            )
        )
    )
    state = consent.ConsentState
    consents = Counter(
        db.scalars(
            select(state.subject_id).where(
                state.subject_id.in_(people),
                state.state == str(consent.ConsentStatus.GIVEN),
                ~state.purpose.startswith("cookies:"),
            )
        )
    )
    return [
        sid
        for sid in people
        if rules.why_not_whole(
            items_left=left[sid],
            held=sid in held,
            legal_claims=sid in claims,
            open_requests=open_requests[sid],
            consents=consents[sid],
        )
        is None
    ]


def _record(
    db: Session,
    actor: Actor,
    run: RetentionRun,
    mine: Sequence[Due],
    claimed: dict[tuple[uuid.UUID, str, str], uuid.UUID],
    items: dict[tuple[uuid.UUID, str], int],
    whole: set[uuid.UUID],
    counts: Counts,
) -> None:
    """The log rows' outcome and one audit entry per step (ids and counts only, R-88)."""
    if not mine:
        return
    updates, entries = [], []
    for due in mine:
        sid, activity, step = due.subject_id, due.rule.activity, str(due.next.step)
        action_id = claimed[(sid, activity, step)]
        number = items.get((sid, activity), 0) if step != Step.ARCHIVED else 0
        gone = sid in whole and step != Step.ARCHIVED
        updates.append({"id": action_id, "items": number, "whole": gone})
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
                entity_id=action_id,
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
    db.execute(update(RetentionAction), updates)
    db.execute(insert(audit.TABLE), entries)
