"""JSON API of the letters to the people affected: send them (R-97), see what became of them, print those
to post."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response
from pydantic import BaseModel

from lawful.actor import Actor
from lawful.web import AppKeys, Db, require

from . import printing, service
from .schemas import LettersCreate

router = APIRouter(prefix="/api/breaches", tags=["breaches"])
Reference = Annotated[str, Path(pattern=r"^[Bb]-[1-9][0-9]{0,8}$", description="the case, e.g. B-1")]
Reader = Annotated[Actor, Depends(require("breaches:read"))]
Writer = Annotated[Actor, Depends(require("breaches:write"))]


class SentRead(BaseModel):
    reference: str
    queued: int
    printable: int
    skipped: dict[str, int]
    already: int


def _org(actor: Actor) -> uuid.UUID:
    assert actor.organisation_id is not None  # an API key always belongs to an organisation
    return actor.organisation_id


@router.post("/{reference}/letters")
def send(reference: Reference, body: LettersCreate, db: Db, actor: Writer, keys: AppKeys) -> SentRead:
    """Art. 34: each person not yet told under the latest decision gets the letter in their language."""
    sent = service.send(db, actor, keys, organisation_id=_org(actor), reference=reference, letters=body)
    return SentRead.model_validate(sent, from_attributes=True)


@router.get("/{reference}/letters")
def status(reference: Reference, db: Db, actor: Reader) -> dict[str, Any]:
    return service.status(db, organisation_id=_org(actor), reference=reference)


@router.get("/{reference}/letters/printable.pdf", response_class=Response)
def printable(reference: Reference, db: Db, actor: Writer, keys: AppKeys) -> Response:
    """The letters to post, one per page (names and addresses: the writers of the case only)."""
    pdf = printing.printable(db, actor, keys, organisation_id=_org(actor), reference=reference)
    name = f"{reference.upper()}-letters.pdf"
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
