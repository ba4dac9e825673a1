"""JSON API of notices: /api/notices/{kind}/versions."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.keystore import Keys
from lawful.web import AppKeys, AppSettings, Db, Number, require

from . import service
from .changes import service as changes
from .models import NoticeVersion
from .rules import NoticeKind
from .schemas import MissingRead, NoticePublish, NoticeVersionDetail, NoticeVersionRead

router = APIRouter(prefix="/api/notices", tags=["notices"])
Publisher = Annotated[Actor, Depends(require("notice:publish"))]
Reader = Annotated[Actor, Depends(require("register:read"))]


@router.post("/{kind}/versions", status_code=201)
def publish_notice(
    kind: NoticeKind, body: NoticePublish, db: Db, actor: Publisher, settings: AppSettings, keys: AppKeys
) -> NoticeVersionRead:
    version = publish_from(db, actor, _org(actor), kind, body, settings.notice_lead_days)
    mail_concerned(db, actor, keys, version, settings.base_url)
    return NoticeVersionRead.model_validate(version)


@router.get("/{kind}/versions")
def list_notice_versions(kind: NoticeKind, db: Db, actor: Reader) -> list[NoticeVersionRead]:
    return [
        NoticeVersionRead.model_validate(v)
        for v in service.list_versions(db, organisation_id=_org(actor), kind=kind)
    ]


@router.get("/{kind}/versions/{number}")
def get_notice_version(kind: NoticeKind, number: Number, db: Db, actor: Reader) -> NoticeVersionDetail:
    version = service.get_version(db, organisation_id=_org(actor), kind=kind, number=number)
    return NoticeVersionDetail.model_validate(version)


@router.get("/{kind}/check")
def check_notice(kind: NoticeKind, db: Db, actor: Reader) -> list[MissingRead]:
    """What the register in force lacks to be published as this notice (Art. 13 elements, translations);
    an empty list: it can be published."""
    return [
        MissingRead.model_validate(m) for m in service.missing(db, organisation_id=_org(actor), kind=kind)
    ]


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id


def publish_from(
    db: Session,
    actor: Actor,
    organisation_id: uuid.UUID,
    kind: NoticeKind,
    body: NoticePublish,
    lead_days: int,
) -> NoticeVersion:
    """The one call behind the API and the console form."""
    return service.publish(
        db,
        actor,
        organisation_id=organisation_id,
        kind=kind,
        effective_from=body.effective_from,
        changelog=body.changelog,
        material=body.material,
        override_reason=body.override_reason,
        urgent_reason=body.urgent_reason,
        translations_approved=body.translations_approved,
        lead_days=lead_days,
    )


def mail_concerned(db: Session, actor: Actor, keys: Keys, version: NoticeVersion, base_url: str) -> int:
    """A material change is mailed to the people it concerns in the unit of work that publishes it (R-117)."""
    if not version.material or version.number == 1:
        return 0
    change = changes.find(
        db, organisation_id=version.organisation_id, kind=version.kind, number=version.number
    )
    return changes.notify(
        db, actor, keys, organisation_id=version.organisation_id, change_id=change.id, base_url=base_url
    )
