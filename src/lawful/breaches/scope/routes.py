"""JSON API of a case's scope: POST computes it (R-98), GET shows the latest numbers."""

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path

from lawful import clock
from lawful.actor import Actor
from lawful.web import AppKeys, AppSettings, Db, require

from .. import service as cases
from . import service
from .errors import ScopeNotComputed
from .schemas import ListForgotten, ScopeCreate, ScopeRead

router = APIRouter(prefix="/api/breaches", tags=["breaches"])
Reference = Annotated[str, Path(pattern=r"^[Bb]-[1-9][0-9]{0,8}$", description="the case, e.g. B-1")]
Reader = Annotated[Actor, Depends(require("breaches:read"))]
Writer = Annotated[Actor, Depends(require("breaches:write"))]


def _org(actor: Actor) -> uuid.UUID:
    assert actor.organisation_id is not None  # an API key always belongs to an organisation
    return actor.organisation_id


@router.post("/forget-affected")
def forget_affected(db: Db, keys: AppKeys, settings: AppSettings, actor: Writer) -> list[ListForgotten]:
    """R-82: destroy the list of the people affected of each of the key's organisation's cases closed for
    longer than the period, as the hourly job does; the counts stay."""
    keep = timedelta(days=settings.breach_affected_keep_days)
    done = service.forget_due(db, actor, keys, now=clock.now(), keep=keep, organisation_id=_org(actor))
    return [ListForgotten(reference=b.reference, people=b.affected_count) for b in done]


@router.post("/{reference}/scope")
def compute(
    reference: Reference, body: ScopeCreate, db: Db, actor: Writer, keys: AppKeys, settings: AppSettings
) -> ScopeRead:
    """The people, categories and counts the breach reached; the list is kept sealed with the case."""
    made = service.compute(
        db, actor, keys, settings, organisation_id=_org(actor), reference=reference, scope=body
    )
    return service.read(made.breach, made.scope)


@router.get("/{reference}/scope")
def show(reference: Reference, db: Db, actor: Reader) -> ScopeRead:
    breach = cases.get(db, organisation_id=_org(actor), reference=reference)
    made = service.latest(db, breach_id=breach.id)
    if made is None:
        raise ScopeNotComputed(f"{breach.reference} has no computed scope yet")
    return service.read(breach, made)
