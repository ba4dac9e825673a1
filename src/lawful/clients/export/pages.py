"""Console: the Art. 30(2) record, linked from the register page (R-105)."""

from fastapi import APIRouter
from fastapi.responses import Response

from lawful import processing
from lawful.web import ConsoleActor, Db, console_permission

from .files import write
from .service import processor_record

pages = APIRouter(prefix="/console", tags=["console"], include_in_schema=False)


@pages.get("/clients/register", response_class=Response)
def export_register(
    db: Db, actor: ConsoleActor, format: processing.ExportFormat = processing.ExportFormat.HTML
) -> Response:
    console_permission(actor, "register:read")
    assert actor.organisation_id is not None  # a console session always belongs to an organisation
    _, _, data = processor_record(db, actor, organisation_id=actor.organisation_id, client=None, lang=None)
    return Response(write(data, format), media_type=processing.MEDIA_TYPES[format])
