"""GET /api/clients/register: the Art. 30(2) record, for all clients or one (R-105)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from lawful import processing
from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import Db, require

from .files import write
from .service import processor_record

router = APIRouter(prefix="/api/clients", tags=["clients"])
Reader = Annotated[Actor, Depends(require("register:read"))]
ClientKey = Annotated[str | None, Query(pattern=r"^[a-z0-9_]{1,80}$")]


@router.get("/register")
def export_register(
    db: Db,
    actor: Reader,
    format: processing.ExportFormat = processing.ExportFormat.JSON,
    client: ClientKey = None,
    lang: Annotated[str | None, Query(pattern="^(en|fr|nl)$")] = None,
) -> Response:
    """Art. 30(2): processor, each client controller, categories of processing, transfers, security."""
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    number, register, data = processor_record(
        db, actor, organisation_id=actor.organisation_id, client=client, lang=lang
    )
    name = f"art30-2-{register.organisation.slug}{'-' + client if client else ''}-v{number}.{format}"
    return Response(
        write(data, format),
        media_type=processing.MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
