"""JSON API of the client controllers: /api/clients."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import Db, require

from . import service
from .schemas import ClientRead

router = APIRouter(prefix="/api/clients", tags=["clients"])
Reader = Annotated[Actor, Depends(require("register:read"))]
Client = Annotated[
    str, Path(pattern=r"^[a-z][a-z0-9_]{0,79}$", description="the client's key in the register")
]


@router.get("")
def list_clients(db: Db, actor: Reader) -> list[ClientRead]:
    """Each client controller with its DPA and the sub-processors it approved (R-99, R-104)."""
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return service.list_clients(db, organisation_id=actor.organisation_id)


@router.get("/{client}")
def show(client: Client, db: Db, actor: Reader) -> ClientRead:
    """One client controller with its whole DPA. Mounted after every fixed /api/clients/… path, which it
    would otherwise take for a client's key; a client's own key sees its own client only (R-106)."""
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return service.get_client(db, organisation_id=actor.organisation_id, key=client)
