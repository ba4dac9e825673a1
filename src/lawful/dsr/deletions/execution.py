"""Carrying out one automatic deletion: the rule decides per item, the whole record goes only when nothing is left."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, keystore, processing, subjects
from lawful.actor import Actor

from .. import artefacts, tombstones
from ..models import Request
from . import rules
from .models import Deletion
from .rules import Trigger

CLOSED = ("completed", "refused")


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
        holds=subjects.held_for(flags.holds, clock.today()),  # the gate's meaning of a hold, R-79
        legal_claims=any(
            r.ground == str(subjects.RestrictionGround.LEGAL_CLAIMS) for r in flags.restrictions
        ),
        collected_for=frozenset(collected),
        child=subject.child,
        child_consents=frozenset(
            db.scalars(
                select(consent.ConsentEvent.purpose).where(
                    consent.ConsentEvent.subject_id == subject.id,
                    consent.ConsentEvent.as_child.is_(True),
                    consent.ConsentEvent.kind == str(consent.EventKind.GIVEN),
                )
            )
        ),
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
    reference, lookups = _reference(db, row), tombstones.identity_lookups(db, subject.id)
    copies = artefacts.destroy(  # T-05: their answers, exports and queued mail too
        db,
        actor,
        keys,
        artefacts.Person(
            organisation_id=row.organisation_id,
            subject_id=subject.id,
            lookups=lookups,
            keep_reference=reference,
        ),
    )
    tombstones.record(  # and the key destroyed: backups included, every copy is unreadable
        db,
        keys,
        subject=subject,
        lookups=lookups,
        kept=[],
        suppression_lookup=emails[0] if suppress and emails else None,
        request_reference=reference,
        owners=copies.owners,
    )
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
