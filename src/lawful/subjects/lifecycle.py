"""Recording the dated events retention counts from, and the archive state (R-72 to R-78).

What counts as an inbound contact is decided here, once (T-30): the person's own reply, form, call,
meeting or registration; never our outbound mail, an import, or staff entering someone else's data.
"""

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock
from lawful.actor import Actor

from .errors import EventRefused
from .models import Archive, LifecycleEvent
from .service import get

KINDS = frozenset(
    {
        "last_inbound_contact",
        "contract_end",
        "document_date_next_january",
        "recruitment_end",
        "account_closure",
        "relationship_end",
        "client_dpa_end",
    }
)
INBOUND_CHANNELS = frozenset({"reply", "form", "call", "meeting", "registration"})
CHANNELS = INBOUND_CHANNELS | {"datastore", "staff", "api"}


def event_problem(kind: str, channel: str, occurred_at: datetime, now: datetime) -> tuple[str, str] | None:
    """(field, why) when the event cannot be recorded as given; None when it can."""
    if kind not in KINDS:
        return "kind", f"use one of {', '.join(sorted(KINDS))}"
    if channel not in CHANNELS:
        return "channel", f"use one of {', '.join(sorted(CHANNELS))}"
    if kind == "last_inbound_contact" and channel not in INBOUND_CHANNELS:
        return "channel", "an inbound contact is the person's own reply, form, call, meeting or registration"
    if occurred_at > now:
        return "occurred_at", "an event cannot be in the future"
    return None


def record_event(
    db: Session,
    actor: Actor,
    *,
    subject_id: uuid.UUID,
    kind: str,
    occurred_at: datetime,
    channel: str,
    activity: str | None = None,
    reference: str | None = None,
) -> LifecycleEvent:
    """Record one event (idempotent on subject, kind, activity and reference when a reference is given)."""
    subject = get(db, subject_id=subject_id)
    now = clock.now()
    if problem := event_problem(kind, channel, occurred_at, now):
        raise EventRefused(f"{problem[0]}: {problem[1]}")
    if reference is not None:
        known = db.scalars(
            select(LifecycleEvent).where(
                LifecycleEvent.subject_id == subject.id,
                LifecycleEvent.kind == kind,
                LifecycleEvent.activity == activity
                if activity is not None
                else LifecycleEvent.activity.is_(None),
                LifecycleEvent.reference == reference,
            )
        ).first()
        if known is not None:
            return known
    row = LifecycleEvent(
        subject_id=subject.id,
        organisation_id=subject.organisation_id,
        kind=kind,
        activity=activity,
        occurred_at=occurred_at,
        channel=channel,
        reference=reference,
        recorded_at=now,
        recorded_by=actor.label,
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor,
        "subjects.event_recorded",
        entity=row,
        organisation_id=subject.organisation_id,
        data={"subject_id": str(subject.id), "kind": kind, "activity": activity, "channel": channel},
    )
    return row


def events(db: Session, *, subject_ids: Sequence[uuid.UUID]) -> list[LifecycleEvent]:
    """Every recorded event of these people, oldest first."""
    if not subject_ids:
        return []
    query = select(LifecycleEvent).where(LifecycleEvent.subject_id.in_(subject_ids))
    return list(db.scalars(query.order_by(LifecycleEvent.occurred_at)))


def archive(
    db: Session, actor: Actor, *, subject_id: uuid.UUID, activity: str, rule: str, delete_on: date
) -> Archive:
    """Put one activity's data of a person in the archive state (idempotent: an archived one stays)."""
    subject = get(db, subject_id=subject_id)
    found = db.scalars(
        select(Archive).where(Archive.subject_id == subject.id, Archive.activity == activity)
    ).first()
    if found is not None:
        return found
    row = Archive(
        subject_id=subject.id,
        organisation_id=subject.organisation_id,
        activity=activity,
        rule=rule,
        archived_at=clock.now(),
        delete_on=delete_on,
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor,
        "subjects.archived",
        entity=row,
        organisation_id=subject.organisation_id,
        data={
            "subject_id": str(subject.id),
            "activity": activity,
            "rule": rule,
            "delete_on": delete_on.isoformat(),
        },
    )
    return row


def archived(db: Session, *, subject_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, frozenset[str]]:
    """The archived activities of each of these people (absent: nothing archived)."""
    if not subject_ids:
        return {}
    found: dict[uuid.UUID, set[str]] = {}
    rows = db.execute(select(Archive.subject_id, Archive.activity).where(Archive.subject_id.in_(subject_ids)))
    for subject_id, activity in rows:
        found.setdefault(subject_id, set()).add(activity)
    return {key: frozenset(value) for key, value in found.items()}
