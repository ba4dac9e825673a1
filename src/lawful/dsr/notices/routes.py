"""JSON API of the recipients told of a request (Art. 19): their state, the outcomes staff record, the
tasks still open, completion by hand, and a retry of what is due now (the worker does it every minute)."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, model_validator

from lawful import clock, work
from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, Db, require

from .. import service
from ..schemas import RequestRead
from . import service as notices
from .models import RecipientNotice
from .rules import METHODS
from .schemas import NoticeRead, recipients_of_request

router = APIRouter(prefix="/api/dsr", tags=["rights requests"])
Reader = Annotated[Actor, Depends(require("dsr:read"))]
Writer = Annotated[Actor, Depends(require("dsr:write"))]


class TaskRead(NoticeRead):
    reference: str


class OutcomeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notice_id: uuid.UUID | None = Field(default=None, description="the recipient's notice (GET …/recipients)")
    recipient: str | None = Field(default=None, max_length=200, description="or its name, while untold")
    outcome: str = Field(pattern="^(told|impossible|disproportionate)$")
    method: str | None = Field(default=None, pattern="^(" + "|".join(METHODS) + ")$")
    told_at: datetime | None = Field(default=None, description="when it was told, with its offset")
    note: str | None = Field(default=None, max_length=5000, description="why impossible or disproportionate")

    @model_validator(mode="after")
    def _named(self) -> "OutcomeCreate":
        if (self.notice_id is None) == (self.recipient is None):
            raise ValueError("name the recipient by notice_id or by recipient, one of them")
        return self


@router.get("/tasks")
def open_tasks(db: Db, actor: Reader) -> list[TaskRead]:
    """Recipients not yet told across requests: tasks for staff by due date, then those being retried."""
    return [
        TaskRead.model_validate({**_fields(n), "reference": reference})
        for n, reference in notices.tasks(db, organisation_id=_org(actor))
    ]


@router.post("/recipients/retry")
def retry_due(db: Db, keys: AppKeys, actor: Writer) -> dict[str, int]:
    """Try now every recipient whose next attempt has come (what the worker does each minute)."""
    tried = 0
    for notice_id in notices.due(db, now=clock.now()):
        notice = db.get(RecipientNotice, notice_id)
        if notice is None or notice.organisation_id != _org(actor):
            continue
        tried += notices.retry(db, actor, keys, notice_id=notice_id) is not None
        work.checkpoint(db)  # each delivery on record before the next recipient is called
    return {"tried": tried}


@router.get("/{request_id}/recipients")
def recipients_of(request_id: uuid.UUID, db: Db, actor: Reader) -> dict[str, Any]:
    """Each recipient of the request and its state; `told` is what the person is told when they ask."""
    service.get(db, request_id=request_id, organisation_id=_org(actor))
    return recipients_of_request(db, request_id)


@router.post("/{request_id}/recipients")
def record_outcome(request_id: uuid.UUID, body: OutcomeCreate, db: Db, actor: Writer) -> NoticeRead:
    """Who was told, when and how (e-mail, letter, phone, portal), or why it was impossible or
    disproportionate (Art. 19); the request completes once its answer went out and nobody is left."""
    notice = notices.record(
        db,
        actor,
        request_id=request_id,
        notice_id=body.notice_id,
        recipient=body.recipient,
        outcome=body.outcome,
        method=body.method,
        told_at=body.told_at,
        note=body.note,
    )
    return NoticeRead.model_validate(notice)


@router.post("/{request_id}/complete")
def complete(request_id: uuid.UUID, db: Db, actor: Writer) -> RequestRead:
    """Close an answered request by hand: 409 naming each recipient not yet told."""
    return RequestRead.model_validate(notices.complete(db, actor, request_id=request_id))


def _fields(notice: RecipientNotice) -> dict[str, Any]:
    return {name: getattr(notice, name) for name in NoticeRead.model_fields}


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
