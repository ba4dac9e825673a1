"""A request confirmed after its person was erased by an earlier request (R-59, R-60): there is nothing
left to act on, and the person is told so plainly, with the date of the erasure, once the code has
proved that the address is theirs (never before: that would tell anyone that the person was erased)."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, keystore, subjects
from lawful.actor import Actor

from .models import Request, Step
from .rules import Status, ensure_transition

ALREADY_ERASED = "already_erased"  # request.outcome: the date of the earlier erasure
DATA_RIGHTS = frozenset({"access", "rectification", "erasure", "restriction", "objection", "portability"})


def erased_on(db: Session, keys: keystore.Keys, request: Request) -> date | None:
    """The date an earlier request of the same person erased their data, when nothing of them is held
    now and this request only asks about their data (a question or complaint is still answered)."""
    if request.requester_lookup is None or not DATA_RIGHTS.issuperset(request.kinds):
        return None
    if request.subject_id is not None and db.get(subjects.Subject, request.subject_id) is not None:
        return None  # something is kept, or the person came back: the request runs as usual
    earlier = db.scalars(
        select(Request).where(
            Request.organisation_id == request.organisation_id,
            Request.requester_lookup == request.requester_lookup,
            Request.status == str(Status.COMPLETED),
            Request.id != request.id,
        )
    ).all()
    done = [
        step
        for step in db.scalars(
            select(Step).where(
                Step.request_id.in_([r.id for r in earlier if "erasure" in r.kinds]),
                Step.kind == "erasure",
                Step.status == "done",
            )
        )
        if step.result.get("found", True) is not False
    ]
    return max((clock.brussels_date(s.updated_at) for s in done), default=None)


def close(db: Session, actor: Actor, request: Request, day: date) -> None:
    """The code proved the address, and an earlier request already erased the person: nothing to do."""
    request.identity_method, request.identity_verified_at = "email_code", clock.now()
    ensure_transition(Status(request.status), Status.IN_PROGRESS)  # verified, then done at once
    ensure_transition(Status.IN_PROGRESS, Status.COMPLETED)
    request.status, request.completed_at = str(Status.COMPLETED), clock.now()
    request.outcome = {**request.outcome, ALREADY_ERASED: day.isoformat()}
    audit.record(
        db,
        actor,
        "dsr.already_erased",
        entity=request,
        organisation_id=request.organisation_id,
        data={"erased_on": day.isoformat()},
    )
