"""JSON API of the audit log: /api/audit."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from lawful.actor import Actor
from lawful.web import Db, OptionalNumber, require

from . import service
from .schemas import AuditEntryRead, HeadRead, VerifyResult

router = APIRouter(prefix="/api/audit", tags=["audit"])
Auditor = Annotated[Actor, Depends(require("audit:read"))]


@router.get("")
def list_entries(
    db: Db,
    actor: Auditor,
    action: Annotated[str | None, Query(max_length=80)] = None,
    entity_id: Annotated[str | None, Query(max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before_seq: OptionalNumber = None,
) -> list[AuditEntryRead]:
    entries = service.list_entries(
        db,
        organisation_id=actor.organisation_id,
        action=action,
        entity_id=entity_id,
        limit=limit,
        before_seq=before_seq,
    )
    found = [AuditEntryRead.model_validate(e) for e in entries]
    return found


@router.get("/head")
def head(db: Db, actor: Auditor) -> HeadRead:
    """SEQ:HASH of the newest sealed entry, to keep outside the database (as `lawful audit head`)."""
    return HeadRead.of(service.head(db))


@router.get("/verify")
def verify(db: Db, actor: Auditor) -> VerifyResult:
    result = verify_result(db)
    return result


def verify_result(db: Db) -> VerifyResult:
    checked, broken = service.verify(db)
    head = service.head(db)
    return VerifyResult(
        ok=broken is None,
        checked=checked,
        broken_seq=broken.seq if broken else None,
        reason=broken.reason if broken else None,
        head_seq=head[0] if head else None,
        head_hash=head[1] if head else None,
    )
