"""JSON API of rights requests forwarded to a client controller: its list, and its instruction (R-102)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, AppSettings, Db, require

from . import service
from .schemas import ForwardingRead, InstructionCreate

router = APIRouter(prefix="/api/clients/{key}/requests", tags=["clients"])
Reader = Annotated[Actor, Depends(require("clients:instruct"))]


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id


@router.get("")
def list_requests(key: str, db: Db, actor: Reader) -> list[ForwardingRead]:
    """The requests forwarded to this client, the earliest answer date first."""
    organisation_id = _org(actor)
    service.client_of(db, organisation_id, key)
    found = service.list_forwardings(db, organisation_id=organisation_id, client=key)
    return [ForwardingRead.model_validate(row) for row in found]


@router.post("/{request_id}/instruction")
def instruct(
    key: str,
    request_id: uuid.UUID,
    body: InstructionCreate,
    db: Db,
    keys: AppKeys,
    settings: AppSettings,
    actor: Reader,
) -> ForwardingRead:
    """The client's instruction (carry_out or refuse), carried out in its space only; another client's
    request, or another organisation's, is not found (404)."""
    row = service.instruct(
        db,
        actor,
        keys,
        organisation_id=_org(actor),
        client=key,
        request_id=request_id,
        instruction=body.instruction,
        note=body.note,
        base_url=settings.base_url,
    )
    return ForwardingRead.model_validate(row)
