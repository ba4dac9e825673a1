"""The console's notices to client controllers (/console/breaches/B-1/clients): each client the case
concerns with its DPA deadline and status, and the button that tells those not told yet (R-103)."""

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, RedirectResponse

from lawful import clock, processing
from lawful.web import AppKeys, ConsoleActor, Db, SameOrigin, console_permission, html

from .. import service as cases
from . import service

pages = APIRouter(prefix="/console/breaches", tags=["console"], include_in_schema=False)
Reference = Annotated[str, Path(pattern=r"^[Bb]-[1-9][0-9]{0,8}$")]


@pages.get("/{reference}/clients")
def clients_page(reference: Reference, db: Db, actor: ConsoleActor, keys: AppKeys) -> HTMLResponse:
    console_permission(actor, "breaches:read")
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    breach = cases.get(db, organisation_id=actor.organisation_id, reference=reference)
    return html(
        "breaches/clients/page.html",
        title=f"Breach {breach.reference}: notices to client controllers",
        actor=actor,
        breach=breach,
        notices=service.notices(db, keys, breach, now=clock.now()),
        can_write=actor.can("breaches:write") and breach.status != "closed",
        brussels=clock.BRUSSELS,
    )


@pages.post("/{reference}/clients", dependencies=[SameOrigin])
def notify_form(reference: Reference, db: Db, actor: ConsoleActor, keys: AppKeys) -> RedirectResponse:
    console_permission(actor, "breaches:write")
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    service.notify(db, actor, keys, organisation_id=actor.organisation_id, reference=reference)
    return RedirectResponse(f"/console/breaches/{reference.upper()}/clients", status_code=303)
