"""JSON API of the company's datastores: /api/connectors."""

from datetime import date, datetime, time
from typing import Annotated

from annotated_types import Ge, Le
from fastapi import APIRouter, Depends, Query

from lawful import clock
from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, AppSettings, Db, require

from . import retention
from .schemas import RetentionPlanRead

router = APIRouter(prefix="/api/connectors", tags=["connectors"])
Officer = Annotated[Actor, Depends(require("retention:read"))]
Day = Annotated[
    Annotated[date, Ge(date(2000, 1, 1)), Le(date(2999, 12, 31))] | None,
    Query(description="the day to plan for (default today)"),
]


@router.get("/retention/plan")
def get_retention_plan(
    db: Db, keys: AppKeys, settings: AppSettings, actor: Officer, now: Day = None
) -> RetentionPlanRead:
    """What the end of each retention rule removes from each datastore table, and when; changes nothing."""
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    instant = clock.now() if now is None else datetime.combine(now, time(12), tzinfo=clock.BRUSSELS)
    found = retention.retention_plan(
        db, keys, now=instant, organisation_id=actor.organisation_id, settings=settings
    )
    return RetentionPlanRead.model_validate(found)
