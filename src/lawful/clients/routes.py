"""JSON API of the client controllers: /api/clients."""

from typing import Annotated

from fastapi import APIRouter, Depends

from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import Db, require

from . import service
from .schemas import ClientRead

router = APIRouter(prefix="/api/clients", tags=["clients"])
Reader = Annotated[Actor, Depends(require("register:read"))]


@router.get("")
def list_clients(db: Db, actor: Reader) -> list[ClientRead]:
    """Each client controller with its DPA and the sub-processors it approved (R-99, R-104)."""
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return service.list_clients(db, organisation_id=actor.organisation_id)
