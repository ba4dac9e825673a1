"""Console page of the compliance check: the same items as the API, the most urgent first (R-125)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from lawful import clock, i18n, processing
from lawful.errors import Forbidden
from lawful.web import AppKeys, ConsoleActor, Db, console_permission, html, language

from . import art14, service, transfers, trends
from .schemas import ComplianceRead

pages = APIRouter(prefix="/console", tags=["console"], include_in_schema=False)
HOME_ITEMS = 5  # the home page shows the most urgent few; the compliance page lists them all


@pages.get("")
def dashboard(request: Request, db: Db, keys: AppKeys, actor: ConsoleActor) -> HTMLResponse:
    """The console's home: the register and its versions, and for those who may read it, the check's summary."""
    console_permission(actor, "register:read")
    org = processing.get_organisation_by_id(db, organisation_id=actor.organisation_id)
    report, trend = None, None
    if actor.can("compliance:read"):
        items = service.check(db, keys, organisation_id=org.id)
        report = ComplianceRead.of(items, language(request, list(i18n.LANGUAGES), "en"))
        trend = trends.data(db, organisation_id=org.id, today=clock.today())
    return html(
        "console/register.html",
        title=f"Register of {org.legal_name}",
        actor=actor,
        org=org,
        versions=processing.list_versions(db, organisation_id=org.id),
        compliance=report,
        trend=trend,
        shown=HOME_ITEMS,
    )


@pages.get("/compliance")
def compliance_page(request: Request, db: Db, keys: AppKeys, actor: ConsoleActor) -> HTMLResponse:
    console_permission(actor, "compliance:read")
    if actor.organisation_id is None:
        raise Forbidden("this account belongs to no organisation")
    items = service.check(db, keys, organisation_id=actor.organisation_id)
    report = ComplianceRead.of(items, language(request, list(i18n.LANGUAGES), "en"))
    return html(
        "console/compliance.html",
        title="Compliance check",
        actor=actor,
        report=report,
        suspended=transfers.current(db, organisation_id=actor.organisation_id),
        letters=art14.notices(db, organisation_id=actor.organisation_id, method=str(art14.Method.LETTER)),
    )
