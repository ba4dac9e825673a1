"""/api/clients/{client}/instructions: flag an instruction that appears to infringe the law, lift the flag,
list the flags (R-100)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path

from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, Db, require

from . import service
from .schemas import FlagCreate, FlagRead, FlagResolve

router = APIRouter(prefix="/api/clients", tags=["clients"])
Reader = Annotated[Actor, Depends(require("register:read"))]
Writer = Annotated[Actor, Depends(require("register:write"))]
ClientKey = Annotated[str, Path(pattern=r"^[a-z0-9_]{1,80}$")]


@router.get("/{client}/instructions/flags")
def list_flags(client: ClientKey, db: Db, actor: Reader) -> list[FlagRead]:
    return [
        FlagRead.model_validate(r) for r in service.list_flags(db, organisation_id=_org(actor), client=client)
    ]


@router.post("/{client}/instructions/{number}/flag", status_code=201)
def flag(
    client: ClientKey,
    number: Annotated[int, Path(ge=1, le=1000)],
    body: FlagCreate,
    db: Db,
    keys: AppKeys,
    actor: Writer,
) -> FlagRead:
    """Suspend processing under instruction `number` (1: the first) and tell the client, with the reasons."""
    row = service.flag(
        db, actor, keys, organisation_id=_org(actor), client=client, instruction=number, reasons=body.reasons
    )
    return FlagRead.model_validate(row)


@router.post("/instruction-flags/{flag_id}/resolve")
def resolve(flag_id: uuid.UUID, body: FlagResolve, db: Db, actor: Writer) -> FlagRead:
    """The client confirmed or corrected the instruction: processing under it may resume."""
    row = service.resolve(db, actor, organisation_id=_org(actor), flag_id=flag_id, resolution=body.resolution)
    return FlagRead.model_validate(row)


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
