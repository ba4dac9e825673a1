"""API shapes for notices."""

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class NoticePublish(BaseModel):
    model_config = ConfigDict(extra="forbid")

    effective_from: date | None = None
    changelog: str | None = Field(default=None, max_length=5000)
    material: bool | None = Field(
        default=None, description="override the computed classification (needs a reason)"
    )
    override_reason: str | None = Field(default=None, max_length=2000)
    urgent_reason: str | None = Field(
        default=None, max_length=2000, description="legal reason for a short lead time"
    )
    translations_approved: bool = False

    @field_validator(
        "effective_from", "changelog", "material", "override_reason", "urgent_reason", mode="before"
    )
    @classmethod
    def _blank_is_absent(cls, value: object) -> object:
        """An empty form field means 'not given'."""
        return None if value == "" else value


class NoticeVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    number: int
    register_number: int
    effective_from: date
    published_at: datetime
    changelog: str
    material: bool
    classification: dict[str, Any]
    authoritative_language: str
    languages: list[str]
    sha256: str


class NoticeVersionDetail(NoticeVersionRead):
    texts: dict[str, str]


class MissingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    element: str
    path: str
    message: str
