"""/api/clients/credentials: keep, list (never a secret), reveal with a reason, destroy (R-87)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import ApiActor, AppKeys, Db, require

from . import service
from .schemas import CredentialCreate, CredentialRead, CredentialRevealed, RevealRequest

router = APIRouter(prefix="/api/clients/credentials", tags=["clients"])
Reader = Annotated[Actor, Depends(require("register:read"))]
Writer = Annotated[Actor, Depends(require("register:write"))]


@router.post("", status_code=201)
def add(body: CredentialCreate, db: Db, keys: AppKeys, actor: Writer) -> CredentialRead:
    """Keep a credential for a client's system; the secret is stored only encrypted and never listed."""
    row = service.add(db, actor, keys, organisation_id=_org(actor), credential=body)
    return CredentialRead.model_validate(row)


@router.get("")
def list_credentials(
    db: Db, actor: Reader, client: Annotated[str | None, Query(pattern=r"^[a-z0-9_]{1,80}$")] = None
) -> list[CredentialRead]:
    rows = service.list_credentials(db, organisation_id=_org(actor), client=client)
    return [CredentialRead.model_validate(r) for r in rows]


@router.post("/{credential_id}/reveal")
def reveal(
    credential_id: uuid.UUID, body: RevealRequest, db: Db, keys: AppKeys, actor: ApiActor
) -> CredentialRevealed:
    """The secret for one use: `credentials:reveal` and a stated reason; a refusal is audited too."""
    return service.reveal(
        db, actor, keys, organisation_id=_org(actor), credential_id=credential_id, reason=body.reason
    )


@router.delete("/{credential_id}")
def destroy(credential_id: uuid.UUID, db: Db, keys: AppKeys, actor: Writer) -> CredentialRead:
    """Destroy the credential's key: the secret is unreadable everywhere, backups included."""
    row = service.destroy(db, actor, keys, organisation_id=_org(actor), credential_id=credential_id)
    return CredentialRead.model_validate(row)


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
