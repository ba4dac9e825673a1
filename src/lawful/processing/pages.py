"""Console pages of the register: each version with its diff, and the Art. 30 export (the console's home,
which lists the versions too, belongs to compliance, which reads every domain)."""

import yaml
from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from lawful.web import ConsoleActor, Db, Number, console_permission, html

from . import service
from .export import MEDIA_TYPES, ExportFormat, export

pages = APIRouter(prefix="/console", tags=["console"], include_in_schema=False)


@pages.get("/register/export", response_class=Response)
def export_record(db: Db, actor: ConsoleActor, format: ExportFormat = ExportFormat.HTML) -> Response:
    console_permission(actor, "register:read")
    org = service.get_organisation_by_id(db, organisation_id=actor.organisation_id)
    stored = service.get_version(db, organisation_id=org.id)
    register = service.register_of(stored)
    body = export(register, format, lang=register.organisation.authoritative_language, version=stored.number)
    return Response(body, media_type=MEDIA_TYPES[format])


@pages.get("/register/{number}")
def register_version(db: Db, actor: ConsoleActor, number: Number) -> HTMLResponse:
    console_permission(actor, "register:read")
    org = service.get_organisation_by_id(db, organisation_id=actor.organisation_id)
    version = service.get_version(db, organisation_id=org.id, number=number)
    document = yaml.safe_dump(version.document, allow_unicode=True, sort_keys=False)
    return html(
        "console/register_version.html",
        title=f"Register version {number}",
        actor=actor,
        org=org,
        version=version,
        document=document,
    )
