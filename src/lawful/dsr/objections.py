"""The privacy officer's decision on an objection to legitimate interests (Art. 21(1), R-67): upheld, or
rejected with compelling grounds; the person is told first, then the pending restriction goes (R-65)."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, keystore, mail, processing, subjects
from lawful.actor import Actor

from . import deletions, notices, recipients, rules
from .errors import NotPrivacyOfficer, ObjectionNotPending
from .models import Request, Step
from .service import contact, get, tell

NOTIFY_STEP = "notify_decision"


def decide(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    request_id: uuid.UUID,
    outcome: str,
    grounds: str | None = None,
) -> Request:
    """Record the decision, tell the person in their language, lift the restriction, queue the recipients."""
    if not actor.can("export:approve"):  # the privacy officer's permission (staff.rules)
        raise NotPrivacyOfficer("only the privacy officer may decide an objection")
    decided = rules.objection_decision(outcome, grounds)
    request = get(db, request_id=request_id, organisation_id=actor.organisation_id)
    objection, restriction = _pending(db, request)
    activity = objection.activity or ""
    lang = request.language
    reasons = (grounds or "").strip()
    tell(
        db,
        keys,
        request,
        f"objection_{decided}",
        activity=_activity_name(db, request, activity),
        reason=reasons,
    )
    informed = clock.now()
    # R-65, Art. 18(3): the notice is queued, and audited, before the restriction is lifted; both commit together
    audit.record(
        db,
        actor,
        "dsr.objection_notified",
        entity=request,
        organisation_id=request.organisation_id,
        data={"outcome": str(decided), "language": lang},
    )
    subjects.decide_objection(db, actor, objection_id=objection.id, outcome=str(decided))
    if restriction is not None:
        subjects.lift_restriction(db, actor, restriction_id=restriction.id, informed_at=informed)
    request.outcome = {
        **request.outcome,
        "objection_decision": {
            "outcome": str(decided),
            "activity": objection.activity,
            "grounds": reasons or None,
            "decided_at": informed.isoformat(),
            "decided_by": actor.label,
        },
    }
    db.add(Step(request_id=request.id, kind=NOTIFY_STEP, status="pending", result={}, updated_at=clock.now()))
    db.flush()
    if decided is rules.ObjectionOutcome.UPHELD:  # R-62, Art. 17(1)(c): what only that activity held goes
        _schedule_deletion(db, actor, request, objection, informed)
    audit.record(
        db,
        actor,
        f"dsr.objection_{decided}",
        entity=request,
        organisation_id=request.organisation_id,
        data={"activity": objection.activity},
    )
    return request


def _schedule_deletion(
    db: Session, actor: Actor, request: Request, objection: subjects.Objection, at: datetime
) -> None:
    assert request.subject_id is not None
    row = deletions.schedule(
        db,
        actor,
        organisation_id=request.organisation_id,
        subject_id=request.subject_id,
        trigger=deletions.Trigger.OBJECTION_UPHELD,
        trigger_id=objection.id,
        activity=objection.activity,
        triggered_at=at,
        request_id=request.id,
    )
    request.outcome = {
        **request.outcome,
        "automatic_erasure": {"deletion": str(row.id), "status": row.status},
    }


def _pending(db: Session, request: Request) -> tuple[subjects.Objection, subjects.Restriction | None]:
    """The undecided objection this request recorded, and the restriction it placed while pending."""
    is_li = "objection" in request.kinds and request.details.get("scope") == "legitimate_interest"
    if not is_li or request.subject_id is None:
        raise ObjectionNotPending("this request holds no objection to legitimate interests")
    activity = str(request.details.get("activity") or "") or None
    objection = db.scalars(
        select(subjects.Objection).where(
            subjects.Objection.subject_id == request.subject_id,
            subjects.Objection.kind == "legitimate_interest",
            subjects.Objection.activity.is_(None)
            if activity is None
            else subjects.Objection.activity == activity,
            subjects.Objection.outcome.is_(None),
        )
    ).first()
    if objection is None:
        raise ObjectionNotPending("this objection is decided already, or not recorded yet")
    restriction = db.scalars(
        select(subjects.Restriction).where(
            subjects.Restriction.subject_id == request.subject_id,
            subjects.Restriction.ground == str(subjects.RestrictionGround.OBJECTION_PENDING),
            subjects.Restriction.reason == f"objection {request.reference}",
            subjects.Restriction.lifted_at.is_(None),
        )
    ).first()
    return objection, restriction


def _activity_name(db: Session, request: Request, activity: str) -> str:
    register = processing.current_register(db, organisation_id=request.organisation_id)[1]
    found = next((a for a in register.activities if a.key == activity), None)
    if found is None:
        return i18n.t("rights.activity.all", request.language)
    return mail.public_name(found.name, request.language)


def notify_decision(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str
) -> dict[str, Any]:
    """Art. 19, T-41: the recipients of the activity objected to hear the outcome, with its scope only."""
    register = processing.current_register(db, organisation_id=request.organisation_id)[1]
    decision = request.outcome.get("objection_decision") or {}
    activity = decision.get("activity")
    interests = {
        a.key
        for a in register.activities
        if processing.Basis.LEGITIMATE_INTERESTS in processing.bases(a).values()
    }
    activities = {activity} if activity else interests
    messages = recipients.payloads(
        register,
        reference=request.reference,
        events=[f"objection_{decision.get('outcome')}"],
        activities=activities,
        email=contact(keys, request),
    )
    outcomes = notices.send(
        db, actor, keys, request, register, messages, step=NOTIFY_STEP
    )  # retried, or a task
    return {"recipients": outcomes}
