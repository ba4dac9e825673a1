"""Console page of the compliance check: the same items as the API, the most urgent first (R-125)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from lawful import i18n
from lawful.errors import Forbidden
from lawful.web import AppKeys, ConsoleActor, Db, console_permission, html, language

from . import service
from .schemas import ComplianceRead

pages = APIRouter(prefix="/console/compliance", tags=["console"], include_in_schema=False)


@pages.get("")
def compliance_page(request: Request, db: Db, keys: AppKeys, actor: ConsoleActor) -> HTMLResponse:
    console_permission(actor, "compliance:read")
    if actor.organisation_id is None:
        raise Forbidden("this account belongs to no organisation")
    items = service.check(db, keys, organisation_id=actor.organisation_id)
    report = ComplianceRead.of(items, language(request, list(i18n.LANGUAGES), "en"))
    return html("console/compliance.html", title="Compliance check", actor=actor, report=report)
