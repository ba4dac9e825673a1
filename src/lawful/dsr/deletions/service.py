"""Automatic deletions (R-62, R-110): scheduled with their trigger or found by the sweep, then carried out by a job.

A consent withdrawal is found in the ledger itself (consent sits below dsr and cannot call it): the
withdrawn state's event is the outbox row. Objections are found in the subjects' objections; an upheld one
is also scheduled in the privacy officer's own transaction (objections.py).
"""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, subjects
from lawful.actor import Actor

from ..models import Request
from .models import Deletion
from .rules import Trigger

# a withdrawal committed a little after a later one is still found by the next sweep
SWEEP_OVERLAP = timedelta(hours=1)


def schedule(
    db: Session,
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    subject_id: uuid.UUID,
    trigger: Trigger,
    trigger_id: uuid.UUID,
    activity: str | None,
    triggered_at: datetime,
    request_id: uuid.UUID | None = None,
) -> Deletion:
    """Schedule the deletion a trigger calls for, once per trigger (a second call returns the first)."""
    existing = find(db, trigger=trigger, trigger_id=trigger_id)
    if existing is not None:
        return existing
    now = clock.now()
    row = Deletion(
        organisation_id=organisation_id,
        subject_id=subject_id,
        request_id=request_id,
        trigger=str(trigger),
        trigger_id=trigger_id,
        activity=activity,
        triggered_at=triggered_at,
        scheduled_at=now,
        due_at=now,
        status="scheduled",
        result={},
    )
    try:
        with db.begin_nested():  # a concurrent sweep may have scheduled it a moment ago
            db.add(row)
    except IntegrityError:
        found = find(db, trigger=trigger, trigger_id=trigger_id)
        assert found is not None
        return found
    audit.record(
        db,
        actor,
        "dsr.deletion_scheduled",
        entity=row,
        organisation_id=organisation_id,
        data={"trigger": str(trigger), "activity": activity, "subject_id": str(subject_id)},
    )
    return row


def find(db: Session, *, trigger: Trigger, trigger_id: uuid.UUID) -> Deletion | None:
    return db.scalars(
        select(Deletion).where(Deletion.trigger == str(trigger), Deletion.trigger_id == trigger_id)
    ).first()


def plan(db: Session, actor: Actor, *, organisation_id: uuid.UUID | None = None) -> int:
    """The sweep's first half: schedule every withdrawal and objection not scheduled yet (of one
    organisation, or of every one: None)."""
    found = 0
    for org_id, subject_id, purpose, event_id, at in _withdrawals(db, organisation_id):
        schedule(
            db,
            actor,
            organisation_id=org_id,
            subject_id=subject_id,
            trigger=Trigger.CONSENT_WITHDRAWN,
            trigger_id=event_id,
            activity=purpose,
            triggered_at=at,
        )
        found += 1
    for subject_id, org_id in _children(db, organisation_id):
        _child_discovered(db, actor, subject_id=subject_id, organisation_id=org_id)
        found += 1
    for objection in _objections(db, organisation_id):
        marketing = objection.kind == "direct_marketing"
        schedule(
            db,
            actor,
            organisation_id=objection.organisation_id,
            subject_id=objection.subject_id,
            trigger=Trigger.MARKETING_OBJECTION if marketing else Trigger.OBJECTION_UPHELD,
            trigger_id=objection.id,
            activity=objection.activity,
            triggered_at=objection.received_at if marketing else objection.decided_at or clock.now(),
            request_id=_objection_request(db, objection),
        )
        found += 1
    return found


def _withdrawals(
    db: Session, organisation_id: uuid.UUID | None
) -> list[tuple[uuid.UUID, uuid.UUID, str, uuid.UUID, datetime]]:
    """Consents whose latest event is a withdrawal, since the newest one already scheduled.

    "Since" is counted per organisation: a run for one organisation must not make the next run for every
    organisation step over another's older withdrawals."""
    newest = select(Deletion.organisation_id, func.max(Deletion.triggered_at)).where(
        Deletion.trigger == str(Trigger.CONSENT_WITHDRAWN)
    )
    if organisation_id is not None:
        newest = newest.where(Deletion.organisation_id == organisation_id)
    since: dict[uuid.UUID, datetime] = {
        org: at for org, at in db.execute(newest.group_by(Deletion.organisation_id))
    }
    done = select(Deletion.trigger_id).where(Deletion.trigger == str(Trigger.CONSENT_WITHDRAWN))
    state = consent.ConsentState
    query = select(
        state.organisation_id, state.subject_id, state.purpose, state.event_id, state.updated_at
    ).where(
        state.state == str(consent.ConsentStatus.WITHDRAWN),
        ~state.purpose.startswith("cookies:"),
        state.event_id.not_in(done),
        or_(
            state.organisation_id.not_in(since) if since else true(),
            *(
                and_(state.organisation_id == org, state.updated_at >= at - SWEEP_OVERLAP)
                for org, at in since.items()
            ),
        ),
    )
    if organisation_id is not None:
        query = query.where(state.organisation_id == organisation_id)
    return [tuple(row) for row in db.execute(query.order_by(state.updated_at))]  # type: ignore[misc]


def _children(db: Session, organisation_id: uuid.UUID | None) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """People flagged as children whose deletion was never scheduled (a flag from before the hook)."""
    done = select(Deletion.trigger_id).where(Deletion.trigger == str(Trigger.CHILD_DISCOVERED))
    subject = subjects.Subject
    query = select(subject.id, subject.organisation_id).where(
        subject.child.is_(True), subject.id.not_in(done)
    )
    if organisation_id is not None:
        query = query.where(subject.organisation_id == organisation_id)
    return [(sid, org) for sid, org in db.execute(query)]


def _child_discovered(
    db: Session, actor: Actor, *, subject_id: uuid.UUID, organisation_id: uuid.UUID
) -> None:
    """R-110: all of a child's data go by the next run (every five minutes), but what the law keeps."""
    schedule(
        db,
        actor,
        organisation_id=organisation_id,
        subject_id=subject_id,
        trigger=Trigger.CHILD_DISCOVERED,
        trigger_id=subject_id,
        activity=None,
        triggered_at=clock.now(),
    )


def _flagged(db: Session, actor: Actor, subject: subjects.Subject) -> None:
    _child_discovered(db, actor, subject_id=subject.id, organisation_id=subject.organisation_id)


subjects.on_child_flagged(_flagged)


def _objections(db: Session, organisation_id: uuid.UUID | None) -> list[subjects.Objection]:
    done = select(Deletion.trigger_id).where(
        Deletion.trigger.in_([str(Trigger.MARKETING_OBJECTION), str(Trigger.OBJECTION_UPHELD)])
    )
    objection = subjects.Objection
    query = select(objection).where(
        or_(
            objection.kind == "direct_marketing",
            and_(objection.kind == "legitimate_interest", objection.outcome == "upheld"),
        ),
        objection.id.not_in(done),
    )
    if organisation_id is not None:
        query = query.where(objection.organisation_id == organisation_id)
    return list(db.scalars(query))


def _objection_request(db: Session, objection: subjects.Objection) -> uuid.UUID | None:
    """The person's latest objection request of that kind, for the case record."""
    scope = "direct_marketing" if objection.kind == "direct_marketing" else "legitimate_interest"
    found = db.scalars(
        select(Request).where(Request.subject_id == objection.subject_id).order_by(Request.received_at.desc())
    )
    return next(
        (
            r.id
            for r in found
            if "objection" in r.kinds and (r.details.get("scope") or "direct_marketing") == scope
        ),
        None,
    )


def due(db: Session, *, now: datetime, organisation_id: uuid.UUID | None = None) -> list[uuid.UUID]:
    """Scheduled deletions whose time has come, oldest first (of one organisation, or of every one)."""
    query = select(Deletion.id).where(Deletion.status == "scheduled", Deletion.due_at <= now)
    if organisation_id is not None:
        query = query.where(Deletion.organisation_id == organisation_id)
    return list(db.scalars(query.order_by(Deletion.due_at)))


def list_deletions(
    db: Session, *, organisation_id: uuid.UUID, status: str | None = None, limit: int = 200
) -> list[Deletion]:
    """Newest first, for the privacy officer."""
    query = select(Deletion).where(Deletion.organisation_id == organisation_id)
    if status is not None:
        query = query.where(Deletion.status == status)
    return list(db.scalars(query.order_by(Deletion.scheduled_at.desc()).limit(limit)))


def references(db: Session, *, request_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The references of the requests that led to deletions, for the officer's lists."""
    if not request_ids:
        return {}
    query = select(Request.id, Request.reference).where(Request.id.in_(set(request_ids)))
    return {request_id: reference for request_id, reference in db.execute(query)}


def get(db: Session, *, deletion_id: uuid.UUID, organisation_id: uuid.UUID) -> Deletion | None:
    row = db.get(Deletion, deletion_id)
    return row if row is not None and row.organisation_id == organisation_id else None
