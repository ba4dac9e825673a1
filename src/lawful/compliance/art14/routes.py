"""JSON API of the Art. 14 notices: send those due, record an exemption, list and print letters (R-09)."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from lawful import clock
from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import AppKeys, AppSettings, Db, require

from . import rules, service
from .schemas import LetterRead

router = APIRouter(prefix="/api/compliance/art14", tags=["compliance"])
Writer = Annotated[Actor, Depends(require("subjects:write"))]
Reader = Annotated[Actor, Depends(require("compliance:read"))]
DataReader = Annotated[Actor, Depends(require("personal_data:read"))]


class SentRead(BaseModel):
    emailed: int
    letters: int


class ExemptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ground: rules.Ground = Field(description="the Art. 14(5) ground")
    reason: str = Field(min_length=3, max_length=250, description="why it applies (no personal data)")


class NoticeRead(BaseModel):
    id: uuid.UUID
    subject_id: uuid.UUID | None
    method: str
    language: str | None
    ground: str | None
    done_at: datetime


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id


@router.post("/send")
def send(db: Db, keys: AppKeys, settings: AppSettings, actor: Writer) -> SentRead:
    """Mail the notice, in their language, to everyone still owed one; a letter to print without an address."""
    sent = service.send_due(
        db, actor, keys, organisation_id=_org(actor), now=clock.now(), base_url=settings.base_url
    )
    return SentRead(emailed=sent.emailed, letters=sent.letters)


@router.post("/{subject_id}/exemption", status_code=201)
def exempt(subject_id: uuid.UUID, body: ExemptionCreate, db: Db, actor: Writer) -> NoticeRead:
    """Art. 14(5): the notice is not owed, with the ground and why; the person is then not written to."""
    row = service.exempt(db, actor, organisation_id=_org(actor), subject_id=subject_id, ground=body.ground,
                         reason=body.reason, now=clock.now())  # fmt: skip
    return NoticeRead.model_validate(row, from_attributes=True)


@router.get("/notices")
def notices(db: Db, actor: Reader, method: rules.Method | None = None) -> list[NoticeRead]:
    """The notices done: mailed, letters to print, exemptions (no personal data)."""
    rows = service.notices(db, organisation_id=_org(actor), method=str(method) if method else None)
    return [NoticeRead.model_validate(r, from_attributes=True) for r in rows]


@router.get("/letters")
def letters(db: Db, actor: Reader) -> list[LetterRead]:
    """The notices to print and post (people without an email address), as `compliance art14 letters`
    lists them: ids and languages, no name or address (those are in each letter, personal_data:read)."""
    rows = service.notices(db, organisation_id=_org(actor), method=str(rules.Method.LETTER))  # as the command
    return [LetterRead.model_validate(r) for r in rows]


@router.get("/letters/{subject_id}", response_class=PlainTextResponse)
def letter(subject_id: uuid.UUID, db: Db, keys: AppKeys, settings: AppSettings, actor: DataReader) -> str:
    """The printable letter, with the name and postal address held."""
    return service.letter(
        db, keys, organisation_id=_org(actor), subject_id=subject_id, base_url=settings.base_url
    )
