"""Console pages of the register: each version with its diff, and the Art. 30 export (the console's home,
which lists the versions too, belongs to compliance, which reads every domain)."""

import yaml
from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from lawful.web import AppSettings, ConsoleActor, Db, Number, console_permission, html

from . import service
from .document.organisation import Brand
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


public = APIRouter(tags=["register"], include_in_schema=False)
BRAND_SECONDS = 300  # a new colour or logo reaches the people's pages within five minutes


@public.get("/brand.css")
def brand_stylesheet(db: Db, settings: AppSettings) -> Response:
    """The organisation's colour and logo for the people's pages (issue 21), from the current register;
    a stylesheet from this site, since the pages allow no inline style and load nothing from elsewhere."""
    org = service.get_organisation(db, slug=settings.organisation)
    version = service.find_current(db, organisation_id=org.id)
    brand = service.register_by_id(db, version_id=version.id).organisation.brand if version else None
    return Response(
        brand_css(brand),
        media_type="text/css",
        headers={"Cache-Control": f"public, max-age={BRAND_SECONDS}"},
    )


def brand_css(brand: Brand | None) -> str:
    """Only what the register sets: the accent colour, and the logo before the organisation's name."""
    rules = []
    if brand and brand.colour:
        rules.append(f":root{{--accent:{brand.colour}}}")
    if brand and brand.logo:
        rules.append(
            'header.site .org::before{content:"";display:inline-block;width:2.5rem;height:2.5rem;'
            f'margin-right:.6rem;vertical-align:middle;background:url("{brand.logo}") center/contain no-repeat}}'
        )
    return "\n".join(rules) + "\n"
