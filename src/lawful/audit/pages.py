"""Console page of the audit trail, with the chain's verification status."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from lawful.web import ConsoleActor, Db, OptionalNumber, console_permission, html

from . import service
from .routes import verify_result

pages = APIRouter(prefix="/console/audit", tags=["console"], include_in_schema=False)


@pages.get("")
def audit_trail(db: Db, actor: ConsoleActor, before_seq: OptionalNumber = None) -> HTMLResponse:
    console_permission(actor, "audit:read")
    entries = service.list_entries(
        db, organisation_id=actor.organisation_id, limit=100, before_seq=before_seq
    )
    verified = verify_result(db)
    return html("console/audit.html", title="Audit trail", actor=actor, entries=entries, verify=verified)
