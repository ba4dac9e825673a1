"""JSON API of the statistics: /api/stats (aggregates only, R-80)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppSettings, Db, require

from . import service
from .rules import Table
from .schemas import BreakdownRead, StatsRead

router = APIRouter(prefix="/api/stats", tags=["stats"])
Reader = Annotated[Actor, Depends(require("stats:read"))]


@router.get("/subjects")
def subject_stats(
    db: Db, actor: Reader, settings: AppSettings, group_by: service.Dimension = service.Dimension.CATEGORY
) -> StatsRead:
    """The people by category, activity, language or country."""
    table = service.subject_figures(
        db, organisation_id=_org(actor), group_by=group_by, k=settings.stats_min_cell
    )
    return StatsRead(k=settings.stats_min_cell, dimensions=[group_by], breakdowns=[BreakdownRead.of(table)])


@router.get("/consents")
def consent_stats(db: Db, actor: Reader, settings: AppSettings) -> StatsRead:
    """Per purpose, the people by the state of their consent."""
    tables = service.consent_figures(db, organisation_id=_org(actor), k=settings.stats_min_cell)
    return _rows(["purpose", "state"], tables, settings.stats_min_cell)


@router.get("/requests")
def request_stats(db: Db, actor: Reader, settings: AppSettings) -> StatsRead:
    """Per right, the rights requests by outcome."""
    tables = service.request_figures(db, organisation_id=_org(actor), k=settings.stats_min_cell)
    return _rows(["right", "outcome"], tables, settings.stats_min_cell)


def _rows(dimensions: list[str], tables: dict[str, Table], k: int) -> StatsRead:
    return StatsRead.rows(dimensions, tables, k)


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
