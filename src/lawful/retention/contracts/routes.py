"""/api/clients/{client}/end: a client's DPA ends; return, erase, certify (R-107)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from lawful import clients, processing
from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, AppSettings, Db, require

from . import service

router = APIRouter(prefix="/api/clients/{client}/end", tags=["clients"])
due_router = APIRouter(prefix="/api/clients/ends", tags=["clients"])  # every client's: no {client} in it
Reader = Annotated[Actor, Depends(require("register:read"))]
Writer = Annotated[Actor, Depends(require("register:write"))]
Eraser = Annotated[Actor, Depends(require("retention:run"))]
Client = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,79}$")]
Read = clients.ending.ContractEndRead
MEDIA = {"sql": "application/sql", **{str(k): v for k, v in processing.MEDIA_TYPES.items()}}


@router.post("", status_code=201)
def end(client: Client, body: clients.ending.ContractEndCreate, db: Db, actor: Writer) -> Read:
    """Record the end of the client's DPA (default: the day its DPA gives, else today)."""
    row = service.end(db, actor, organisation_id=_org(actor), client=client, ends_on=body.ends_on)
    return Read.model_validate(row)


@router.get("")
def show(client: Client, db: Db, actor: Reader) -> Read:
    return Read.model_validate(service.get(db, organisation_id=_org(actor), client=client))


@router.post("/return")
def hand_over(client: Client, db: Db, keys: AppKeys, actor: Writer) -> Response:
    """The client's data in the agreed format; the hand-over is recorded. Needs personal_data:read too."""
    if not actor.can("personal_data:read"):
        raise Forbidden("returning a client's data needs the 'personal_data:read' scope too")
    row, body = service.hand_over(db, actor, keys, organisation_id=_org(actor), client=client)
    name = f"{client}-returned.{row.return_format}"
    return Response(
        body,
        media_type=MEDIA[row.return_format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/erasure")
def erase(client: Client, db: Db, keys: AppKeys, settings: AppSettings, actor: Eraser) -> Read:
    """Everything of the client's people leaves lawful's store and the client's datastore tables; its
    sub-processors are told."""
    return Read.model_validate(
        service.erase(db, actor, keys, organisation_id=_org(actor), client=client, settings=settings)
    )


@router.post("/certificate")
def certify(client: Client, db: Db, keys: AppKeys, actor: Eraser) -> Read:
    """The deletion certificate, once the grace period has run."""
    return Read.model_validate(service.certify(db, actor, keys, organisation_id=_org(actor), client=client))


@due_router.post("/due")
def record_due(db: Db, actor: Writer) -> list[Read]:
    """Record the end of every DPA of the key's organisation whose end date in the register has come, as
    the scheduled run does; those recorded already are left as they are."""
    return [Read.model_validate(r) for r in service.record_due(db, actor, organisation_id=_org(actor))]


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
