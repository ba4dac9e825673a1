"""Console page of the statistics: the same suppressed aggregates as the API (R-80)."""

import uuid

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from lawful.errors import Forbidden
from lawful.web import AppSettings, ConsoleActor, Db, console_permission, html

from . import service

pages = APIRouter(prefix="/console/stats", tags=["console"], include_in_schema=False)


@pages.get("")
def statistics(db: Db, actor: ConsoleActor, settings: AppSettings) -> HTMLResponse:
    console_permission(actor, "stats:read")
    org, k = _org(actor.organisation_id), settings.stats_min_cell
    people = {d: service.subject_figures(db, organisation_id=org, group_by=d, k=k) for d in service.Dimension}
    return html(
        "console/stats.html",
        title="Statistics",
        actor=actor,
        k=k,
        people=people,
        consents=service.consent_figures(db, organisation_id=org, k=k),
        requests=service.request_figures(db, organisation_id=org, k=k),
    )


def _org(organisation_id: uuid.UUID | None) -> uuid.UUID:
    if organisation_id is None:
        raise Forbidden("this account belongs to no organisation")
    return organisation_id
