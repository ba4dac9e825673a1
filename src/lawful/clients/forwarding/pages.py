"""Console page of the rights requests forwarded to client controllers (R-102)."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from lawful import clock, processing
from lawful.errors import Forbidden
from lawful.web import ConsoleActor, Db, console_permission, html

from . import service

console = APIRouter(prefix="/console", tags=["console"], include_in_schema=False)


@console.get("/clients/requests")
def forwarded_requests(db: Db, actor: ConsoleActor, client: str | None = None) -> HTMLResponse:
    """Each forwarded request with its client, deadlines and the client's instruction, the earliest first."""
    console_permission(actor, "dsr:read")
    if actor.organisation_id is None:
        raise Forbidden("this account belongs to no organisation")
    register = processing.current_register(db, organisation_id=actor.organisation_id)[1]
    names = {c.key: c.name for c in register.clients}
    rows = service.list_forwardings(
        db, organisation_id=actor.organisation_id, client=client if client in names else None
    )
    return html(
        "console/client_requests.html",
        title="Requests forwarded to clients",
        actor=actor,
        rows=rows,
        names=names,
        today=clock.today(),
    )
