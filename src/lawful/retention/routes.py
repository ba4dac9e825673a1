"""JSON API of retention: the plan, a run (the privacy officer's), the deletion log, lifecycle events."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from lawful import clock
from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, AppSettings, Db, require

from . import service
from .schemas import (
    ActionRead,
    Created,
    EventCreate,
    GroupRead,
    PlanRead,
    RunCreate,
    RunDetailRead,
    RunRead,
    WarningRead,
)
from .service import plan

router = APIRouter(prefix="/api/retention", tags=["retention"])
Reader = Annotated[Actor, Depends(require("retention:read"))]
Runner = Annotated[Actor, Depends(require("retention:run"))]
Writer = Annotated[Actor, Depends(require("subjects:write"))]


@router.get("/plan")
def get_plan(db: Db, actor: Reader, now: Annotated[datetime | None, Query()] = None) -> PlanRead:
    """What leaves, when and why, per rule and activity, with counts by month ahead; nothing changes."""
    moment = (now if now.tzinfo else now.replace(tzinfo=clock.BRUSSELS)) if now else clock.now()
    service.check_moment(moment)
    found = plan(db, organisation_id=_org(actor), now=moment)
    return PlanRead(
        now=found.now,
        evaluated=found.people,
        due=sum(g.due for g in found.groups),
        months=found.months,
        by_month=found.by_month,
        groups=[GroupRead.model_validate(g) for g in found.groups],
        warnings=[WarningRead.model_validate(w) for w in found.warnings],
    )


@router.post("/run")
def run(
    db: Db, keys: AppKeys, settings: AppSettings, actor: Runner, body: RunCreate | None = None
) -> RunRead:
    """Take every step due now (what the worker does hourly), a commit per batch; the run's log."""
    now = body.now if body and body.now else clock.now()
    service.check_now(now, test_mode=settings.test_mode)
    return RunRead.model_validate(service.run(db, actor, keys, organisation_id=_org(actor), now=now))


@router.get("/runs")
def list_runs(db: Db, actor: Reader, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[RunRead]:
    return [
        RunRead.model_validate(r) for r in service.list_runs(db, organisation_id=_org(actor), limit=limit)
    ]


@router.get("/runs/{run_id}")
def get_run(run_id: uuid.UUID, db: Db, actor: Reader) -> RunDetailRead:
    """One run with its steps: pseudonymous ids and counts, never content."""
    found = service.get_run(db, run_id=run_id, organisation_id=_org(actor))
    steps = [ActionRead.model_validate(a) for a in service.actions(db, run_id=found.id)]
    return RunDetailRead.model_validate(RunRead.model_validate(found).model_dump() | {"actions": steps})


@router.post("/events", status_code=201)
def record_event(body: EventCreate, db: Db, actor: Writer) -> Created:
    """A dated event a rule counts from: a contract's end, the person's reply, an invoice's date (R-72 to R-78)."""
    event = service.record_event(
        db,
        actor,
        organisation_id=_org(actor),
        subject_id=body.subject_id,
        kind=body.kind,
        at=body.at,
        channel=body.channel,
        activity=body.activity,
        reference=body.reference,
    )
    return Created(id=event.id, occurred_at=event.occurred_at)


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
