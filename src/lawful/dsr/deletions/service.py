"""Automatic deletions (R-62): scheduled with their trigger or found by the sweep, then carried out by a job.

A consent withdrawal is found in the ledger itself (consent sits below dsr and cannot call it): the
withdrawn state's event is the outbox row. Objections are found in the subjects' objections; an upheld one
is also scheduled in the privacy officer's own transaction (objections.py).
"""

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, keystore, processing, subjects
from lawful.actor import Actor

from .. import tombstones
from ..models import Request
from . import rules
from .models import Deletion
from .rules import Trigger

# a withdrawal committed a little after a later one is still found by the next sweep
SWEEP_OVERLAP = timedelta(hours=1)
CLOSED = ("completed", "refused")


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


def plan(db: Session, actor: Actor) -> int:
    """The sweep's first half: schedule every withdrawal and objection not scheduled yet."""
    found = 0
    for org_id, subject_id, purpose, event_id, at in _withdrawals(db):
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
    for objection in _objections(db):
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


def _withdrawals(db: Session) -> list[tuple[uuid.UUID, uuid.UUID, str, uuid.UUID, datetime]]:
    """Consents whose latest event is a withdrawal, since the newest one already scheduled."""
    since = db.scalar(
        select(func.max(Deletion.triggered_at)).where(Deletion.trigger == str(Trigger.CONSENT_WITHDRAWN))
    )
    done = select(Deletion.trigger_id).where(Deletion.trigger == str(Trigger.CONSENT_WITHDRAWN))
    state = consent.ConsentState
    query = select(
        state.organisation_id, state.subject_id, state.purpose, state.event_id, state.updated_at
    ).where(
        state.state == str(consent.ConsentStatus.WITHDRAWN),
        ~state.purpose.startswith("cookies:"),
        state.event_id.not_in(done),
    )
    if since is not None:
        query = query.where(state.updated_at >= since - SWEEP_OVERLAP)
    return [tuple(row) for row in db.execute(query.order_by(state.updated_at))]  # type: ignore[misc]


def _objections(db: Session) -> list[subjects.Objection]:
    done = select(Deletion.trigger_id).where(
        Deletion.trigger.in_([str(Trigger.MARKETING_OBJECTION), str(Trigger.OBJECTION_UPHELD)])
    )
    objection = subjects.Objection
    return list(
        db.scalars(
            select(objection).where(
                or_(
                    objection.kind == "direct_marketing",
                    and_(objection.kind == "legitimate_interest", objection.outcome == "upheld"),
                ),
                objection.id.not_in(done),
            )
        )
    )


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


def due(db: Session, *, now: datetime) -> list[uuid.UUID]:
    """Scheduled deletions whose time has come, oldest first."""
    return list(
        db.scalars(
            select(Deletion.id)
            .where(Deletion.status == "scheduled", Deletion.due_at <= now)
            .order_by(Deletion.due_at)
        )
    )


def list_deletions(
    db: Session, *, organisation_id: uuid.UUID, status: str | None = None, limit: int = 200
) -> list[Deletion]:
    """Newest first, for the privacy officer."""
    query = select(Deletion).where(Deletion.organisation_id == organisation_id)
    if status is not None:
        query = query.where(Deletion.status == status)
    return list(db.scalars(query.order_by(Deletion.scheduled_at.desc()).limit(limit)))


def get(db: Session, *, deletion_id: uuid.UUID, organisation_id: uuid.UUID) -> Deletion | None:
    row = db.get(Deletion, deletion_id)
    return row if row is not None and row.organisation_id == organisation_id else None


def execute(db: Session, actor: Actor, keys: keystore.Keys, *, deletion_id: uuid.UUID) -> Deletion | None:
    """Carry out one scheduled deletion; a done one is left as it is (idempotent). The caller commits."""
    query = select(Deletion).where(Deletion.id == deletion_id)
    if db.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # another worker has it: leave it to them
    row = db.scalars(query).first()
    if row is None or row.status != "scheduled":
        return row
    now = clock.now()
    row.attempts += 1
    subject = db.get(subjects.Subject, row.subject_id)
    result: dict[str, Any] = (
        _carry_out(db, actor, keys, row, subject, now)
        if subject is not None
        else {"deleted": [], "kept": [], "whole": False, "why_not_whole": "already_erased"}
    )
    result["deleted"] = [*row.result.get("deleted", []), *result["deleted"]]  # earlier runs of this row
    retained = [k["until"] for k in result["kept"] if k["why"] == str(rules.Why.RETENTION)]
    row.result, row.executed_at = result, now
    if retained:  # the retention period still runs for some: they go when it ends
        row.due_at = datetime.fromisoformat(min(retained))
    else:
        row.status = "done"
    _tell_case(db, row)
    audit.record(
        db,
        actor,
        "dsr.deletion_executed",
        entity=row,
        organisation_id=row.organisation_id,
        data={
            "deleted": len(result["deleted"]),
            "kept": len(result["kept"]),
            "categories": sorted({d["category"] for d in result["deleted"]}),
            "whole": result["whole"],
        },
    )
    return row


def _carry_out(
    db: Session, actor: Actor, keys: keystore.Keys, row: Deletion, subject: subjects.Subject, now: datetime
) -> dict[str, Any]:
    register = processing.current_register(db, organisation_id=row.organisation_id)[1]
    activities = [_activity(register, a) for a in register.activities]
    data, collection = subjects.PersonalData, subjects.Collection
    found = db.execute(
        select(data.id, data.category, collection.activity, data.collection_id)
        .join(collection, data.collection_id == collection.id)
        .where(data.subject_id == subject.id)
    ).all()
    items = [rules.Item(item_id, category, activity) for item_id, category, activity, _ in found]
    person = _person(db, subject)
    gone = rules.ended(Trigger(row.trigger), row.activity, activities, person)
    verdicts = rules.sort(items, activities, person, gone=gone, triggered_at=row.triggered_at, now=now)
    doomed = {v.item.id for v in verdicts if v.deleted}
    if doomed:
        db.execute(delete(data).where(data.id.in_(doomed)))
        emptied = {cid for item_id, _, _, cid in found if item_id in doomed} - {
            cid for item_id, _, _, cid in found if item_id not in doomed
        }
        db.execute(delete(collection).where(collection.id.in_(emptied)))
    open_requests = db.scalar(
        select(func.count(Request.id)).where(
            Request.subject_id == subject.id,
            Request.status.not_in(CLOSED),
            Request.id != (row.request_id or uuid.UUID(int=0)),
        )
    )
    why_not = rules.why_not_whole(verdicts, items=len(items), person=person, open_requests=open_requests or 0)
    whole = bool(gone) and why_not is None
    if whole:
        marketing = any(a.marketing for a in activities if a.key in gone)
        _erase_whole(db, actor, keys, row, subject, suppress=marketing)
    return {
        "ended": sorted(gone),
        "deleted": [_entry(v) for v in verdicts if v.deleted],
        "kept": [_entry(v) for v in verdicts if not v.deleted],
        "whole": whole,
        "why_not_whole": None if whole else why_not if gone else "nothing_ended",
    }


def _entry(verdict: rules.Verdict) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "item": str(verdict.item.id),
        "category": verdict.item.category,
        "activity": verdict.item.activity,
    }
    if not verdict.deleted:
        entry |= {
            "why": str(verdict.why),
            "until": verdict.until.isoformat() if verdict.until else None,
            "by": verdict.by,
        }
    return entry


def _activity(register: processing.Register, activity: processing.Activity) -> rules.Activity:
    rule = next(r for r in register.retention_rules if r.key == activity.retention)
    return rules.Activity(
        key=activity.key,
        bases={subject: str(basis) for subject, basis in processing.bases(activity).items()},
        data_categories=frozenset(activity.data_categories),
        marketing=activity.data_use.startswith(("marketing", "personalize")),  # as the purpose gate
        retention_trigger=str(rule.trigger),
        retention_period=rule.duration,
    )


def _person(db: Session, subject: subjects.Subject) -> rules.Person:
    flags = subjects.flags(db, subject_id=subject.id)
    states = db.scalars(select(consent.ConsentState).where(consent.ConsentState.subject_id == subject.id))
    collected = db.scalars(
        select(subjects.Collection.activity).where(subjects.Collection.subject_id == subject.id).distinct()
    )
    return rules.Person(
        categories=tuple(subject.categories),
        consents={s.purpose: s.state for s in states if not s.purpose.startswith("cookies:")},
        objections=tuple((o.kind, o.activity, o.outcome) for o in flags.objections),
        holds=frozenset(h.purpose for h in flags.holds),  # every hold not lifted, even past its review
        legal_claims=any(
            r.ground == str(subjects.RestrictionGround.LEGAL_CLAIMS) for r in flags.restrictions
        ),
        collected_for=frozenset(collected),
    )


def _erase_whole(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    row: Deletion,
    subject: subjects.Subject,
    *,
    suppress: bool,
) -> None:
    """Nothing is left of the person: the record and its key go, as an erasure does (rights/erasure.py)."""
    emails = list(
        db.scalars(
            select(subjects.Identity.lookup).where(
                subjects.Identity.subject_id == subject.id, subjects.Identity.kind == "email"
            )
        )
    )
    if suppress:  # T-01, R-37: a marketing withdrawal or objection must not be undone by the next import
        for lookup in emails:
            consent.suppress(
                db, actor, organisation_id=row.organisation_id, lookup=lookup, reason="withdrawal"
            )
    reference = _reference(db, row)
    tombstones.discard_mail(
        db,
        actor,
        keys,
        organisation_id=row.organisation_id,
        lookups=tombstones.identity_lookups(db, subject.id),
        request_reference=reference,
        entity_id=subject.id,
    )
    tombstones.record(
        db,
        keys,
        subject=subject,
        kept=[],
        suppression_lookup=emails[0] if suppress and emails else None,
        request_reference=reference,
    )
    keys.store.destroy(keystore.subject_owner(subject.id))  # backups included, every copy is unreadable
    db.delete(subject)
    db.flush()


def _reference(db: Session, row: Deletion) -> str | None:
    request = db.get(Request, row.request_id) if row.request_id else None
    return request.reference if request is not None else None


def _tell_case(db: Session, row: Deletion) -> None:
    """The request that led to it, if any, records what went and what stayed (R-57)."""
    request = db.get(Request, row.request_id) if row.request_id else None
    if request is None:
        return
    request.outcome = {
        **request.outcome,
        "automatic_erasure": {
            "deletion": str(row.id),
            "status": row.status,
            "deleted": sorted({d["category"] for d in row.result["deleted"]}),
            "kept": [{k: v for k, v in kept.items() if k != "item"} for kept in row.result["kept"]],
            "whole": row.result["whole"],
        },
    }
