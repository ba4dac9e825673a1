"""API shapes of the banner and the consent ledger."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

ConsentId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]


class BannerChoiceCreate(BaseModel):
    """What the banner posts: only booleans per optional category; anything else is refused."""

    model_config = ConfigDict(extra="forbid")

    consent_id: ConsentId | None = None
    choices: dict[Annotated[str, Field(max_length=40)], StrictBool] = Field(max_length=10)
    language: Annotated[str, Field(pattern="^(en|fr|nl)$")]
    version: Annotated[str, Field(max_length=64)]
    gpc: StrictBool = False


class BannerChoiceRead(BaseModel):
    consent_id: str
    choices: dict[str, bool]
    expires_at: datetime


class CookieChoiceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    consent_id: str
    choices: dict[str, Any]
    language: str
    version: str
    notice_number: int | None
    text_hash: str
    gpc: bool
    network: str | None
    created_at: datetime


class ConsentEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    purpose: str
    kind: str
    text_hash: str
    text_version: str
    language: str
    notice_number: int | None
    channel: str
    element: str
    occurred_at: datetime
    recipients: list[str] = Field(default_factory=list, description="the partners the consent text named")
    as_child: bool = Field(
        default=False, description="given as a child (R-111): its erasure is never balanced"
    )
    controller: str | None = Field(
        default=None,
        description="the client controller it was given to on a page run for it; null: ourselves",
    )


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(min_length=3, max_length=254)]
    language: Annotated[str, Field(pattern="^(en|fr|nl)$")] | None = None


class WithdrawalCreate(BaseModel):
    """A withdrawal staff received for one purpose (R-22): by phone, letter, email or at the desk."""

    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(min_length=1, max_length=120)
    channel: str = Field(pattern=r"^(phone|letter|email|in_person)$")


class WithdrawalRead(BaseModel):
    subject_id: uuid.UUID
    purpose: str
    withdrawn: bool
    marketing: bool


class AnalyticsUpdate(BaseModel):
    """An analytics tool's settings as `lawful analytics set` takes them; an absent one stays as it is."""

    model_config = ConfigDict(extra="forbid")

    recipient: str | None = Field(default=None, min_length=1, max_length=64)  # default: the only tool
    ip_anonymisation: StrictBool | None = None
    vendor_sharing: StrictBool | None = None
    advertising_features: StrictBool | None = None
    retention_months: int | None = Field(default=None, ge=1, le=600)
