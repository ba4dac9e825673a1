"""JSON API of the APD dossier: GET the draft (JSON, HTML or PDF), POST the notification as it is sent."""

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import HTMLResponse, Response

from lawful.actor import Actor
from lawful.web import Db, require

from . import printed, service
from .schemas import DossierCreate, Lang

router = APIRouter(prefix="/api/breaches", tags=["breaches"])
Reference = Annotated[str, Path(pattern=r"^[Bb]-[1-9][0-9]{0,8}$", description="the case, e.g. B-1")]
Reader = Annotated[Actor, Depends(require("breaches:read"))]
Writer = Annotated[Actor, Depends(require("breaches:write"))]


def _org(actor: Actor) -> uuid.UUID:
    assert actor.organisation_id is not None  # an API key always belongs to an organisation
    return actor.organisation_id


@router.get("/{reference}/dossier", response_model=None)
def draft(
    reference: Reference,
    db: Db,
    actor: Reader,
    lang: Annotated[Lang, Query()] = "fr",
    format: Annotated[Literal["json", "html", "pdf"], Query()] = "json",
) -> dict[str, Any] | Response:
    """The dossier as it stands, every item not known yet marked "to follow"."""
    dossier = service.build(db, organisation_id=_org(actor), reference=reference, lang=lang)
    if format == "html":
        return HTMLResponse(printed.html(dossier))
    if format == "pdf":
        name = f"{dossier['reference']}-apd-{lang}.pdf"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(printed.pdf(dossier), media_type="application/pdf", headers=headers)
    return dossier


@router.post("/{reference}/dossier")
def notify_authority(reference: Reference, body: DossierCreate, db: Db, actor: Writer) -> dict[str, Any]:
    """R-96: the notification to send; refused, naming each item, while one Art. 33(3) requires is missing
    and not declared to follow."""
    return service.notify_authority(
        db,
        actor,
        organisation_id=_org(actor),
        reference=reference,
        lang=body.lang,
        to_follow=body.to_follow,
        late_reason=body.late_reason,
        on_instruction=body.on_instruction,
    )
