"""/api/clients/sub-processor-changes: record a new sub-processor, the clients' answers, the list (R-104)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, Db, require

from . import service
from .models import SubProcessorChange
from .schemas import SubProcessorChangeCreate, SubProcessorChangeRead, SubProcessorDecision

router = APIRouter(prefix="/api/clients/sub-processor-changes", tags=["clients"])
Reader = Annotated[Actor, Depends(require("register:read"))]
Writer = Annotated[Actor, Depends(require("register:write"))]


@router.get("")
def list_changes(
    db: Db, actor: Reader, client: Annotated[str | None, Query(pattern=r"^[a-z0-9_]{1,80}$")] = None
) -> list[SubProcessorChangeRead]:
    """Each change told to a client, with why its data may not flow to the sub-processor yet."""
    org = _org(actor)
    return [_read(db, row) for row in service.list_changes(db, organisation_id=org, client=client)]


@router.post("", status_code=201)
def record_change(
    body: SubProcessorChangeCreate, db: Db, keys: AppKeys, actor: Writer
) -> list[SubProcessorChangeRead]:
    """Tell every client concerned (mail, and its webhook) and open its objection window."""
    rows = service.record_change(db, actor, keys, organisation_id=_org(actor), change=body)
    return [_read(db, row) for row in rows]


@router.post("/{change_id}/decision")
def decide(change_id: uuid.UUID, body: SubProcessorDecision, db: Db, actor: Writer) -> SubProcessorChangeRead:
    """The client's approval or objection, as it reached the company."""
    row = service.decide(db, actor, organisation_id=_org(actor), change_id=change_id, answer=body)
    return _read(db, row)


def _read(db: Db, row: SubProcessorChange) -> SubProcessorChangeRead:
    blocked = service.blocked(
        db, organisation_id=row.organisation_id, client=row.client, recipient=row.recipient
    )
    return SubProcessorChangeRead.model_validate(row).model_copy(update={"blocked": blocked})


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
