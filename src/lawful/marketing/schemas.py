"""API input and output of social audience uploads and telephone call lists."""

import uuid
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from .service import Audience


class UploadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(min_length=1, max_length=120)
    recipient: str = Field(min_length=1, max_length=120, description="a recipient with audience_upload")


class DncmCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=200, description="the file's name, for the record")
    content: str = Field(
        min_length=1, max_length=64_000_000, description="the register's file: one number a line, or CSV"
    )


class DncmRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    source: str
    numbers: int
    imported_at: datetime


class CallListCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(min_length=1, max_length=120)


class AudienceRead(BaseModel):
    """Who a campaign for a purpose would reach now, in counts: by ePrivacy basis, and the others by reason."""

    purpose: str
    members: int
    bases: dict[str, int]
    excluded: dict[str, int]

    @classmethod
    def of(cls, audience: "Audience") -> "AudienceRead":
        return cls(
            purpose=audience.purpose,
            members=len(audience.members),
            bases=dict(Counter(basis for _, basis in audience.members)),
            excluded=dict(audience.excluded),
        )


class SuppressionCreate(BaseModel):
    """A number the person asked not to be called on again: personal data, so in the body, never the URL."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=1, max_length=40, description="E.164, or national in the organisation's")


class SuppressionRead(BaseModel):
    """The exclusion-list entry (a keyed hash of the number is what is kept, and it is not shown)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    scope: str
    reason: str
    created_at: datetime
