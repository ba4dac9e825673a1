"""The console's tasks (/console/tasks): recipients to tell by hand, and the outcome staff record (Art. 19)."""

import uuid
from datetime import date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse

from lawful import clock, processing
from lawful.web import ConsoleActor, Db, SameOrigin, console_permission, html

from . import service as notices
from .rules import METHODS

console = APIRouter(tags=["console"], include_in_schema=False)


@console.get("/console/tasks")
def task_list(db: Db, actor: ConsoleActor) -> HTMLResponse:
    """Recipients not yet told, the earliest due first, each with the form to record what was done."""
    console_permission(actor, "dsr:read")
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    found = notices.tasks(db, organisation_id=actor.organisation_id)
    return html(
        "console/tasks.html",
        title="Tasks: recipients to tell",
        actor=actor,
        tasks=[(n, ref) for n, ref in found if n.status == "open"],
        retrying=[(n, ref) for n, ref in found if n.status == "retrying"],
        methods=[m for m in METHODS if m != "api"],
        today=clock.today(),
    )


@console.post("/console/requests/{request_id}/recipients", dependencies=[SameOrigin])
def outcome_form(
    request_id: uuid.UUID,
    db: Db,
    actor: ConsoleActor,
    notice: Annotated[uuid.UUID, Form()],
    outcome: Annotated[str, Form(pattern="^(told|impossible|disproportionate)$")],
    method: Annotated[str | None, Form(max_length=20)] = None,
    told_on: Annotated[date | None, Form()] = None,
    note: Annotated[str | None, Form(max_length=5000)] = None,
) -> RedirectResponse:
    """The day staff told the recipient, as a Brussels date (noon, so it stays that day in every zone)."""
    console_permission(actor, "dsr:write")
    told_at = datetime.combine(told_on, time(12), tzinfo=clock.BRUSSELS) if told_on else None
    if told_on is not None and told_on == clock.today():
        told_at = min(told_at or clock.now(), clock.now())  # told this morning: not "in the future"
    notices.record(
        db,
        actor,
        request_id=request_id,
        notice_id=notice,
        outcome=outcome,
        method=method or None,
        told_at=told_at,
        note=note,
    )
    return RedirectResponse("/console/tasks", status_code=303)


@console.post("/console/requests/{request_id}/complete", dependencies=[SameOrigin])
def complete_form(request_id: uuid.UUID, db: Db, actor: ConsoleActor) -> RedirectResponse:
    """Refused, naming the recipients not yet told, while there are any (notices.complete)."""
    console_permission(actor, "dsr:write")
    notices.complete(db, actor, request_id=request_id)
    return RedirectResponse(f"/console/requests/{request_id}", status_code=303)
