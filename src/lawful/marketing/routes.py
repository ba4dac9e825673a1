"""JSON API of marketing: audience preview, campaigns, exports and audience uploads to platforms, call lists
(scope marketing:send)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from lawful import subjects
from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, AppSettings, Db, require

from . import campaigns, exports, letters, phone, service, social
from .schemas import (
    AudienceRead,
    CallListCreate,
    DncmCreate,
    DncmRead,
    SuppressionCreate,
    SuppressionRead,
    UploadCreate,
)

router = APIRouter(prefix="/api", tags=["marketing"])
Sender = Annotated[Actor, Depends(require("marketing:send"))]
CAMPAIGN_KEY = r"^[A-Za-z0-9_.-]+$"
CampaignKey = Annotated[str, Path(min_length=1, max_length=120, pattern=CAMPAIGN_KEY)]


class AudienceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(min_length=1, max_length=120)


class CampaignCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(min_length=1, max_length=120)
    campaign: str = Field(min_length=1, max_length=120, pattern=CAMPAIGN_KEY)
    subject: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=100_000, description="must contain {unsubscribe_url}")


class CampaignCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(min_length=1, max_length=120)
    subject: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=100_000)


class CheckRead(BaseModel):
    publishable: bool
    problems: list[dict[str, str]]


class ExportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(min_length=1, max_length=120)
    recipient: str = Field(min_length=1, max_length=120)


@router.post("/audiences")
def preview(body: AudienceCreate, db: Db, keys: AppKeys, actor: Sender) -> AudienceRead:
    """Who a campaign for this purpose would reach now, and why the others would not."""
    return AudienceRead.of(service.build(db, keys, organisation_id=_org(actor), purpose=body.purpose))


@router.post("/campaigns", status_code=202)
def send(
    body: CampaignCreate, db: Db, keys: AppKeys, actor: Sender, settings: AppSettings
) -> campaigns.CampaignResult:
    """Queue a campaign; each message is checked again when its turn comes (R-36)."""
    result = campaigns.queue(
        db,
        actor,
        keys,
        organisation_id=_org(actor),
        purpose=body.purpose,
        campaign=body.campaign,
        subject_line=body.subject,
        text=body.text,
        base_url=settings.base_url,
    )
    return result


@router.post("/campaigns/checks")
def check_campaign(
    body: CampaignCheck, db: Db, keys: AppKeys, actor: Sender, settings: AppSettings
) -> CheckRead:
    """Every language version of the message rendered as its readers will get it, and what is wrong with
    each; queueing refuses the same problems with a 422 (R-35, R-08)."""
    problems = letters.check(
        db,
        keys,
        organisation_id=_org(actor),
        purpose=body.purpose,
        subject_line=body.subject,
        text=body.text,
        base_url=settings.base_url,
    )
    return CheckRead(publishable=not problems, problems=problems)


@router.get("/campaigns")
def list_campaigns(db: Db, actor: Sender) -> list[campaigns.CampaignView]:
    return campaigns.list_campaigns(db, organisation_id=_org(actor))


@router.get("/campaigns/{key}")
def show_campaign(key: CampaignKey, db: Db, actor: Sender) -> campaigns.CampaignView:
    """Who was left out when it was queued and when each message's turn came, by reason."""
    return campaigns.show(db, organisation_id=_org(actor), key=key)


@router.post("/campaigns/{key}/cancel")
def cancel_campaign(key: CampaignKey, db: Db, actor: Sender) -> campaigns.CampaignView:
    """Take back every message not sent yet."""
    return campaigns.cancel(db, actor, organisation_id=_org(actor), key=key)


@router.get("/subjects/{subject_id}/campaigns")
def sends_of(
    subject_id: uuid.UUID, db: Db, actor: Annotated[Actor, Depends(require("subjects:read"))]
) -> list[campaigns.SendView]:
    """Every campaign message queued for the person and what became of it (sent: it reached them)."""
    subjects.get(db, subject_id=subject_id, organisation_id=_org(actor))
    return campaigns.sends_of(db, subject_id=subject_id)


@router.post("/audiences/exports")
def export(body: ExportCreate, db: Db, keys: AppKeys, actor: Sender) -> exports.ExportResult:
    """To a platform or a partner; to a partner for its own marketing, only people whose consent named it."""
    result = exports.export(
        db, actor, keys, organisation_id=_org(actor), purpose=body.purpose, recipient=body.recipient
    )
    return result


@router.post("/audiences/uploads", status_code=201)
def upload(body: UploadCreate, db: Db, keys: AppKeys, actor: Sender) -> social.UploadResult:
    """A matched audience on a social network (R-40): consenters only, whitelisted fields, recorded."""
    result = social.upload(
        db, actor, keys, organisation_id=_org(actor), purpose=body.purpose, recipient=body.recipient
    )
    return result


@router.post("/phone/dncm-imports", status_code=201)
def import_dncm(body: DncmCreate, db: Db, keys: AppKeys, actor: Sender) -> DncmRead:
    """Replace the "Do Not Call Me" numbers; a malformed row refuses the file, naming the row (R-41)."""
    row = phone.import_dncm(
        db, actor, keys, organisation_id=_org(actor), text=body.content, source=body.source
    )
    return DncmRead.model_validate(row)


@router.post("/phone/call-lists", status_code=201)
def call_list(body: CallListCreate, db: Db, keys: AppKeys, actor: Sender) -> phone.CallList:
    """A call list through the gate, screened against the register and the exclusion list (R-41)."""
    result = phone.call_list(db, actor, keys, organisation_id=_org(actor), purpose=body.purpose)
    return result


@router.post("/phone/suppressions")
def suppress(body: SuppressionCreate, db: Db, keys: AppKeys, actor: Sender) -> SuppressionRead:
    """Art. 21(3): a person asked on the phone not to be called again; the number goes on the exclusion
    list as a keyed hash, once (asked again, the same entry). The number travels in the body only."""
    row = phone.suppress_number(db, actor, keys, organisation_id=_org(actor), number=body.number)
    return SuppressionRead.model_validate(row)


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
