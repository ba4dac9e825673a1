"""API shapes of rights requests."""

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class RequestCreate(BaseModel):
    """A request registered by staff from any channel, with its real receipt time (R-43)."""

    model_config = ConfigDict(extra="forbid")

    kinds: list[str] = Field(min_length=1, max_length=8)
    email: str = Field(min_length=3, max_length=254)
    channel: str = Field(pattern="^(email|post|phone|in_person|web_form|api)$")
    language: str = Field(default="en", pattern="^(en|fr|nl)$")
    received_at: datetime | None = None
    details: dict[str, Any] = Field(default_factory=dict, max_length=20)
    identity_verified: bool = Field(default=False, description="staff checked identity (in person, by phone)")


class RequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    kinds: list[str]
    channel: str
    language: str
    received_at: datetime
    due_on: date
    extension_months: int
    status: str
    identity_method: str | None
    outcome: dict[str, Any]
    completed_at: datetime | None


class ExtensionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    months: int = Field(ge=1, le=2)
    reason: str = Field(min_length=1, max_length=5000)


class RefusalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    justification: str = Field(min_length=1, max_length=10_000)
