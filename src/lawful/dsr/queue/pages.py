"""The console's request list (/console/requests): open and closed requests, filtered, a page at a time."""

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from lawful import clock, processing, staff
from lawful.web import ConsoleActor, Db, console_permission, html

from .. import rules
from ..service import KINDS
from . import service as queue

console = APIRouter(prefix="/console/requests", tags=["console"], include_in_schema=False)
STATE_PATTERN = "^(" + "|".join(queue.STATES) + ")?$"
KIND_PATTERN = "^(" + "|".join(KINDS) + ")?$"


@console.get("")
def request_queue(
    db: Db,
    actor: ConsoleActor,
    state: Annotated[str, Query(pattern=STATE_PATTERN)] = "",
    right: Annotated[str, Query(pattern=KIND_PATTERN)] = "",
    due_from: Annotated[date | None, Query()] = None,
    due_to: Annotated[date | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Every request, open ones first with their legal due date, reminders and what is overdue (R-45)."""
    console_permission(actor, "dsr:read")
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    filters = queue.Filters(state or None, right or None, due_from, due_to)
    found = queue.list_requests(db, organisation_id=actor.organisation_id, filters=filters, page=page)
    today = clock.today()
    rows = [
        (
            r,
            [] if r.status in queue.CLOSED else rules.reminders(r.due_on),
            r.status not in queue.CLOSED and rules.is_overdue(r.due_on, today, completed=False),
        )
        for r in found.rows
    ]
    owners = {u.id: u.display_name for u in staff.list_staff(db, organisation_id=actor.organisation_id)}
    kept = {
        k: v for k, v in {"state": state, "right": right, "due_from": due_from, "due_to": due_to}.items() if v
    }
    return html(
        "console/requests.html",
        title="Rights requests",
        actor=actor,
        rows=rows,
        today=today,
        owners=owners,
        found=found,
        filters=kept,
        states=queue.STATES,
        kinds=KINDS,
        page_url=lambda number: "/console/requests?" + urlencode({**kept, "page": number}),
    )
