"""The console's dossier (/console/breaches/B-1/dossier): the printable notification in FR, NL or EN, and
its PDF."""

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse, Response

from lawful import processing
from lawful.web import ConsoleActor, Db, console_permission

from . import printed, service
from .schemas import Lang

pages = APIRouter(prefix="/console/breaches", tags=["console"], include_in_schema=False)
Reference = Annotated[str, Path(pattern=r"^[Bb]-[1-9][0-9]{0,8}$")]


@pages.get("/{reference}/dossier")
def dossier_page(
    reference: Reference, db: Db, actor: ConsoleActor, lang: Annotated[Lang, Query()] = "fr"
) -> HTMLResponse:
    console_permission(actor, "breaches:read")
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    dossier = service.build(db, organisation_id=actor.organisation_id, reference=reference, lang=lang)
    return HTMLResponse(printed.html(dossier))


@pages.get("/{reference}/dossier.pdf")
def dossier_pdf(
    reference: Reference, db: Db, actor: ConsoleActor, lang: Annotated[Lang, Query()] = "fr"
) -> Response:
    console_permission(actor, "breaches:read")
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    dossier = service.build(db, organisation_id=actor.organisation_id, reference=reference, lang=lang)
    name = f"{dossier['reference']}-apd-{lang}.pdf"
    return Response(
        printed.pdf(dossier),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
