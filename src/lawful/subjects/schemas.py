"""Input and output shapes for subjects."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from lawful.db import MAX_INTEGER


class Channel(StrEnum):
    WEB_FORM = "web_form"
    API = "api"
    EMAIL = "email"
    PHONE = "phone"
    POST = "post"
    CONTRACT = "contract"
    EVENT = "event"
    IMPORT = "import"
    SELF_SERVICE = "self_service"
    IN_PERSON = "in_person"


class Source(StrEnum):
    SUBJECT = "subject"
    CUSTOMER = "customer"
    PARTNER = "partner"
    AGGREGATOR = "aggregator"
    PUBLIC = "public_source"
    SOCIAL_NETWORK = "social_network"
    REFERRAL = "referral"
    CLIENT_CONTROLLER = "client_controller"


class CollectionCreate(BaseModel):
    """Where data came from (R-09, R-15, R-16): enough to rebuild what the person was told."""

    model_config = ConfigDict(extra="forbid")

    activity: str = Field(min_length=1, max_length=120)
    channel: Channel
    source: Source = Source.SUBJECT
    source_name: str | None = Field(default=None, max_length=200)
    form_key: str | None = Field(default=None, max_length=120)
    register_number: int | None = Field(default=None, ge=1, le=MAX_INTEGER)
    notice_number: int | None = Field(default=None, ge=1, le=MAX_INTEGER)
    language: Annotated[str, Field(pattern="^(en|fr|nl)$")] | None = None
    referrer_subject_id: uuid.UUID | None = None
    document_ref: str | None = Field(default=None, max_length=200)
    collected_at: datetime | None = Field(default=None, description="the real receipt time; default now")
    optout_offered: bool = Field(
        default=False,
        description="the person was offered, when giving the address, a free and easy way to refuse marketing "
        "by email (CEL Art. XII.13; Royal Decree of 4 April 2003): without it there is no soft opt-in",
    )

    @property
    def provided_by_subject(self) -> bool:
        return self.source is Source.SUBJECT


class RestrictionGround(StrEnum):
    """Art. 18(1)(a)-(d), plus an objection to legitimate interests pending decision."""

    ACCURACY_CONTESTED = "accuracy_contested"
    UNLAWFUL_KEEP = "unlawful_processing"
    LEGAL_CLAIMS = "legal_claims"
    OBJECTION_PENDING = "objection_pending"
    RETAINED_BY_LAW = "retained_by_law"  # kept after erasure only to meet a legal obligation (Art. 17(3)(b))


class ValueRead(BaseModel):
    category: str
    value: str
    version: int
    collected_at: datetime
    activity: str
    channel: str
    source: str
    form_key: str | None
    notice_number: int | None
    language: str | None


class HoldCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_ref: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=5000)
    purpose: str = Field(min_length=1, max_length=120, description="the activity the held data may serve")
    review_on: date


class RestrictionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ground: RestrictionGround
    reason: str = Field(min_length=1, max_length=5000)
    activity: str | None = Field(default=None, max_length=120)


class CollectionRead(BaseModel):
    """Where one datum came from and under which notice version (R-118); no values."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    activity: str
    channel: str
    source: str
    source_name: str | None
    form_key: str | None
    register_number: int | None
    notice_number: int | None
    language: str | None
    provided_by_subject: bool
    collected_at: datetime
