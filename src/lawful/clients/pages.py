"""Console: the client controllers, the sub-processor changes told to them and the end of their DPAs."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from lawful.web import ConsoleActor, Db, console_permission, html

from . import service, subprocessors
from .ending.models import ContractEnd

pages = APIRouter(prefix="/console", tags=["console"], include_in_schema=False)


@pages.get("/clients")
def overview(db: Db, actor: ConsoleActor) -> HTMLResponse:
    """Each client with its DPA, its sub-processors, the changes told to it (blocked or not) and its end."""
    console_permission(actor, "register:read")
    assert actor.organisation_id is not None  # a console session always belongs to an organisation
    org = actor.organisation_id
    changes = subprocessors.list_changes(db, organisation_id=org)
    blocked = {
        c.id: subprocessors.blocked(db, organisation_id=org, client=c.client, recipient=c.recipient)
        for c in changes
    }
    ends = {e.client: e for e in db.scalars(select(ContractEnd).where(ContractEnd.organisation_id == org))}
    return html(
        "clients/overview.html",
        title="Clients (processor mode)",
        actor=actor,
        clients=service.list_clients(db, organisation_id=org),
        changes=changes,
        blocked=blocked,
        ends=ends,
    )
