"""JSON API of a case's notices to client controllers (R-103): GET shows each client's deadline and status,
POST tells the clients concerned that were not told yet (or those named)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path

from lawful import clock
from lawful.actor import Actor
from lawful.web import AppKeys, Db, require

from .. import service as cases
from . import service
from .schemas import ClientNoticeRead, NotifyClients

router = APIRouter(prefix="/api/breaches", tags=["breaches"])
Reference = Annotated[str, Path(pattern=r"^[Bb]-[1-9][0-9]{0,8}$", description="the case, e.g. B-1")]
Reader = Annotated[Actor, Depends(require("breaches:read"))]
Writer = Annotated[Actor, Depends(require("breaches:write"))]


def _org(actor: Actor) -> uuid.UUID:
    assert actor.organisation_id is not None  # an API key always belongs to an organisation
    return actor.organisation_id


@router.get("/{reference}/clients")
def show(reference: Reference, db: Db, actor: Reader, keys: AppKeys) -> list[ClientNoticeRead]:
    """Each client controller whose data the case reached: its DPA deadline, and whether it was told."""
    breach = cases.get(db, organisation_id=_org(actor), reference=reference)
    return service.notices(db, keys, breach, now=clock.now())


@router.post("/{reference}/clients/notices")
def notify(
    reference: Reference, body: NotifyClients, db: Db, actor: Writer, keys: AppKeys
) -> list[ClientNoticeRead]:
    """Tell each client concerned (or those named) once: mail to its contact, and its webhook if any."""
    return service.notify(
        db, actor, keys, organisation_id=_org(actor), reference=reference, clients=body.clients
    )
