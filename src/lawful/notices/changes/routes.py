"""JSON API of notice changes: /api/notices/changes (what changed, whom it concerns, who was told)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, AppSettings, Db, Number, require

from ..rules import NoticeKind
from . import service

router = APIRouter(prefix="/api/notices/changes", tags=["notices"])
Publisher = Annotated[Actor, Depends(require("notice:publish"))]
Reader = Annotated[Actor, Depends(require("register:read"))]


@router.get("")
def list_notice_changes(db: Db, actor: Reader) -> list[dict[str, Any]]:
    return [service.as_dict(db, c) for c in service.list_changes(db, organisation_id=_org(actor))]


@router.get("/{kind}/{number}")
def get_notice_change(kind: NoticeKind, number: Number, db: Db, actor: Reader) -> dict[str, Any]:
    return service.as_dict(db, service.find(db, organisation_id=_org(actor), kind=str(kind), number=number))


@router.post("/{kind}/{number}/mail")
def mail_notice_change(
    kind: NoticeKind, number: Number, db: Db, actor: Publisher, keys: AppKeys, settings: AppSettings
) -> dict[str, Any]:
    """Tell the people concerned not yet told (idempotent: nobody gets it twice)."""
    org = _org(actor)
    change = service.find(db, organisation_id=org, kind=str(kind), number=number)
    queued = service.notify(
        db, actor, keys, organisation_id=org, change_id=change.id, base_url=settings.base_url
    )
    return {**service.as_dict(db, change), "queued": queued}


def _org(actor: Actor) -> Any:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
