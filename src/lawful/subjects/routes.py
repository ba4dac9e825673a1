"""JSON API of the flags that limit use: restrictions, legal holds, the child flag; and provenance."""

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from lawful import clock
from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import Db, require

from . import limits, reading, rules, service
from .schemas import CollectionRead, HoldCreate, RestrictionCreate

router = APIRouter(prefix="/api", tags=["subjects"])
Flagger = Annotated[Actor, Depends(require("subjects:flag"))]
Reader = Annotated[Actor, Depends(require("subjects:read"))]


class Created(BaseModel):
    id: uuid.UUID


class LiftCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    informed_at: datetime


class HoldRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    subject_id: uuid.UUID
    case_ref: str
    reason: str
    purpose: str
    review_on: date
    placed_at: datetime
    placed_by: str
    overdue: bool = False


@router.get("/subjects/{subject_id}/history")
def history(subject_id: uuid.UUID, db: Db, actor: Reader) -> list[CollectionRead]:
    """Where each datum came from and under which notice version (R-118); no values."""
    service.get(db, subject_id=subject_id, organisation_id=_org(actor))
    return [CollectionRead.model_validate(c) for c in reading.history(db, subject_id=subject_id)]


@router.post("/subjects/{subject_id}/holds", status_code=201)
def place_hold(subject_id: uuid.UUID, body: HoldCreate, db: Db, actor: Flagger) -> Created:
    service.get(db, subject_id=subject_id, organisation_id=_org(actor))
    hold = limits.place_hold(
        db,
        actor,
        subject_id=subject_id,
        case_ref=body.case_ref,
        reason=body.reason,
        purpose=body.purpose,
        review_on=body.review_on,
    )
    return Created(id=hold.id)


@router.post("/holds/{hold_id}/lift")
def lift_hold(hold_id: uuid.UUID, db: Db, actor: Flagger) -> Created:
    hold = limits.lift_hold(db, actor, hold_id=hold_id, organisation_id=_org(actor))
    return Created(id=hold.id)


@router.get("/subjects/holds")
def list_holds(db: Db, actor: Flagger, overdue: bool = False) -> list[HoldRead]:
    """R-79: the holds in force, or (`overdue=true`) those past their review date: still holding, flagged."""
    today = clock.today()
    return [
        HoldRead.model_validate(h).model_copy(update={"overdue": rules.hold_overdue(h, today)})
        for h in limits.holds(db, organisation_id=_org(actor), today=today, overdue=overdue)
    ]


@router.post("/subjects/{subject_id}/restrictions", status_code=201)
def restrict(subject_id: uuid.UUID, body: RestrictionCreate, db: Db, actor: Flagger) -> Created:
    service.get(db, subject_id=subject_id, organisation_id=_org(actor))
    row = limits.restrict(
        db, actor, subject_id=subject_id, ground=body.ground, reason=body.reason, activity=body.activity
    )
    return Created(id=row.id)


@router.post("/restrictions/{restriction_id}/lift")
def lift_restriction(restriction_id: uuid.UUID, body: LiftCreate, db: Db, actor: Flagger) -> Created:
    row = limits.lift_restriction(db, actor, restriction_id=restriction_id, informed_at=body.informed_at)
    return Created(id=row.id)


@router.post("/subjects/{subject_id}/child")
def flag_child(subject_id: uuid.UUID, db: Db, actor: Flagger) -> Created:
    service.get(db, subject_id=subject_id, organisation_id=_org(actor))
    subject = limits.flag_child(db, actor, subject_id=subject_id)
    return Created(id=subject.id)


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
