"""The console's side of requests received on paper (R-43, R-47): register one received by post, by phone
or in person, ask for identification, close as unidentified, and print the request's letters."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lawful import jobs, processing
from lawful.actor import Actor
from lawful.web import AppKeys, AppSettings, ConsoleActor, Db, SameOrigin, console_permission, html

from .. import cases, service, staff_intake, tasks
from ..schemas import StaffIntake
from . import post

console = APIRouter()
KINDS = service.KINDS


@console.get("/intake")
def intake_page(db: Db, actor: ConsoleActor) -> HTMLResponse:
    """R-43: register a request received by post, by phone or in person, with or without an email."""
    console_permission(actor, "dsr:write")
    return html("console/request_intake.html", title="Register a request", actor=actor, kinds=KINDS)


@console.post("/intake", dependencies=[SameOrigin])
def intake_form(
    db: Db, keys: AppKeys, actor: ConsoleActor, settings: AppSettings, form: Annotated[StaffIntake, Form()]
) -> RedirectResponse:
    console_permission(actor, "dsr:write")
    made = staff_intake.register(
        db,
        actor,
        keys,
        organisation_id=_console_org(actor),
        kinds=form.kinds,
        email=form.email.strip() or None,
        language=form.language,
        channel=form.channel,
        received_at=form.received_at,
        base_url=settings.base_url,
        identity_verified=form.identity_verified,
        postal=form.postal(),
    )
    found = made.request
    if made.joined is None and found.status in tasks.RUNNABLE:
        jobs.kick(db, tasks.run_request, str(found.id))
    return RedirectResponse(f"/console/requests/{found.id}", status_code=303)


@console.get("/{request_id}/letters/{letter}")
def letter_file(request_id: uuid.UUID, letter: str, db: Db, keys: AppKeys, actor: ConsoleActor) -> Response:
    """A letter of the request as a PDF to print (R-43, R-49)."""
    console_permission(actor, "dsr:read")
    found = service.get(db, request_id=request_id, organisation_id=_console_org(actor))
    filename, body = post.pdf(db, keys, found, letter.removesuffix(".pdf") + ".html")
    return Response(
        body,
        media_type="application/pdf",
        headers={"Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{filename}"'},
    )


@console.post("/{request_id}/identification", dependencies=[SameOrigin])
def identification_form(
    request_id: uuid.UUID,
    db: Db,
    keys: AppKeys,
    actor: ConsoleActor,
    settings: AppSettings,
    doubt: Annotated[str, Form(min_length=1, max_length=2000)],
    asked: Annotated[str, Form(min_length=1, max_length=2000)],
) -> RedirectResponse:
    """R-46, R-47: more identification for a recorded doubt; a letter when the request is answered on paper."""
    console_permission(actor, "dsr:write")
    service.get(db, request_id=request_id, organisation_id=_console_org(actor))
    cases.ask_more_identification(
        db,
        actor,
        keys,
        request_id=request_id,
        doubt=doubt,
        asked=asked,
        pause_while_identity=settings.dsr_pause_while_identity,
    )
    return RedirectResponse(f"/console/requests/{request_id}", status_code=303)


@console.post("/{request_id}/unidentified", dependencies=[SameOrigin])
def unidentified_form(
    request_id: uuid.UUID,
    db: Db,
    keys: AppKeys,
    actor: ConsoleActor,
    why: Annotated[str, Form(min_length=1, max_length=2000)],
) -> RedirectResponse:
    """Art. 11(2), 12(2), R-47: closed with the letter saying why, what would allow it, the APD, the courts."""
    console_permission(actor, "dsr:write")
    cases.close_unidentified(db, actor, keys, request_id=request_id, why=why)
    return RedirectResponse(f"/console/requests/{request_id}", status_code=303)


def _console_org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    return actor.organisation_id


@console.post("/{request_id}/identity", dependencies=[SameOrigin])
def identity_form(
    request_id: uuid.UUID,
    db: Db,
    actor: ConsoleActor,
    settings: AppSettings,
    method: Annotated[str, Form(min_length=1, max_length=40)],
) -> RedirectResponse:
    """The answer to an identification letter checked: the work begins (only how it was checked is kept)."""
    console_permission(actor, "dsr:write")
    service.get(db, request_id=request_id, organisation_id=_console_org(actor))
    found = cases.confirm_identity(
        db,
        actor,
        request_id=request_id,
        method=method,
        pause_while_identity=settings.dsr_pause_while_identity,
    )
    if found.status in tasks.RUNNABLE:
        jobs.kick(db, tasks.run_request, str(found.id))
    return RedirectResponse(f"/console/requests/{request_id}", status_code=303)
