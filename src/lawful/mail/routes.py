"""JSON API of the outbox: send the key's organisation's mail that is due now (what the worker does each minute)."""

import dataclasses
import uuid
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from lawful import jobs
from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, AppSettings, Db, require

router = APIRouter(prefix="/api/mail", tags=["mail"])
# sending what is due changes only when it goes, not what or to whom; the permission of those who answer
# requests, whose answers wait in the outbox
Sender = Annotated[Actor, Depends(require("dsr:write"))]


@router.post("/deliver")
def deliver(db: Db, keys: AppKeys, actor: Sender, settings: AppSettings) -> dict[str, Any]:
    """Send this organisation's messages that are due now, a short unit of work at a time (each committed
    on its own, as in the worker): how many were sent, put back for a retry, given up (by reason) or dropped."""
    done = jobs.deliver_units(
        settings, keys, organisation_id=_org(actor), units=partial(jobs.checkpoints, db)
    )
    return dataclasses.asdict(done)


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
