"""JSON API of the company's datastores: /api/connectors."""

import contextlib
import dataclasses
import uuid
from datetime import date, datetime, time
from typing import Annotated

from annotated_types import Ge, Le
from fastapi import APIRouter, Depends, Query

from lawful import clock
from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, AppSettings, Db, require

from . import events, retention, service
from .retention.rules import ensure_not_ahead
from .schemas import (
    DayRun,
    ErasurePreview,
    ImportedRead,
    MapCheck,
    MapCheckRead,
    PreviewRead,
    RetentionPlanRead,
    RetentionRunRead,
)

router = APIRouter(prefix="/api/connectors", tags=["connectors"])
Officer = Annotated[Actor, Depends(require("retention:read"))]
Runner = Annotated[Actor, Depends(require("retention:run"))]
Reader = Annotated[Actor, Depends(require("register:read"))]
PersonalReader = Annotated[Actor, Depends(require("personal_data:read"))]
Day = Annotated[
    Annotated[date, Ge(date(2000, 1, 1)), Le(date(2999, 12, 31))] | None,
    Query(description="the day to plan for (default today)"),
]


@router.get("/retention/plan")
def get_retention_plan(
    db: Db, keys: AppKeys, settings: AppSettings, actor: Officer, now: Day = None
) -> RetentionPlanRead:
    """What the end of each retention rule removes from each datastore table, and when; changes nothing."""
    found = retention.retention_plan(
        db, keys, now=_instant(now), organisation_id=_org(actor), settings=settings
    )
    return RetentionPlanRead.model_validate(found)


@router.post("/retention/run")
def run_retention(
    db: Db, keys: AppKeys, settings: AppSettings, actor: Runner, body: DayRun | None = None
) -> RetentionRunRead:
    """End the kept rows of the caller's organisation whose period is over, as each dataset map says;
    a datastore that cannot be reached is reported and the others go on."""
    now = _instant(body.now if body else None)
    ensure_not_ahead(clock.brussels_date(now), clock.today(), test_mode=settings.test_mode)
    found = retention.retention_run(db, actor, keys, now=now, organisation_id=_org(actor), settings=settings)
    return RetentionRunRead.model_validate(found)


@router.post("/events/import")
def import_events(
    db: Db, keys: AppKeys, settings: AppSettings, actor: Runner, body: DayRun | None = None
) -> ImportedRead:
    """Record the dates the dataset maps' event columns give, for the people the organisation holds (what
    the worker does every hour); importing again records nothing new."""
    now = _instant(body.now if body else None)
    ensure_not_ahead(clock.brussels_date(now), clock.today(), test_mode=settings.test_mode)
    with clock.pinned(now) if now > clock.now() else contextlib.nullcontext():
        found = events.import_events(db, actor, keys, now=now, settings=settings, organisation_id=_org(actor))
    return ImportedRead(
        now=found.now, lines=found.lines, problems=[dataclasses.asdict(p) for p in found.problems]
    )


@router.post("/check")
def check_maps(body: MapCheck, db: Db, settings: AppSettings, actor: Reader) -> MapCheckRead:
    """Every mapped table and column against its live database; a mismatch is a finding (200), not an error."""
    register = service.register_to_check(db, organisation_id=_org(actor), text=body.yaml)
    return MapCheckRead.model_validate(service.check_report(settings, register, key=body.datastore))


@router.post("/find")
def preview_erasure(
    body: ErasurePreview, db: Db, settings: AppSettings, actor: PersonalReader
) -> list[PreviewRead]:
    """Dry run: what an erasure would do to each field of each datastore; answers no personal value."""
    organisation_id = _org(actor)
    register = service.register_to_check(db, organisation_id=organisation_id)
    found = service.find(
        db, actor, settings, register, organisation_id=organisation_id, email=body.email, key=body.datastore
    )
    return [PreviewRead.model_validate(p) for p in found]


def _instant(day: date | None) -> datetime:
    """Noon in Brussels on the given day: the day the rules see, whatever the clock's zone."""
    return clock.now() if day is None else datetime.combine(day, time(12), tzinfo=clock.BRUSSELS)


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
