"""API shapes of the purpose gate."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lawful.subjects import ValueRead


class SubjectRef(BaseModel):
    """Who: exactly one identity (never in a URL: always in the body, R-92)."""

    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    external_id: str | None = Field(default=None, max_length=200)
    subject_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "SubjectRef":
        given = [
            name
            for name in ("email", "phone", "external_id", "subject_id")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError("give exactly one of email, phone, external_id, subject_id")
        return self


class DecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: SubjectRef
    purpose: str = Field(min_length=1, max_length=120)
    fields: list[str] = Field(default_factory=list, max_length=100)


class DecisionRead(BaseModel):
    decision: str
    reasons: list[str]
    fields: list[str]
    basis: str | None = None


class BatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subjects: list[SubjectRef] = Field(min_length=1, max_length=10_000)
    purpose: str = Field(min_length=1, max_length=120)
    fields: list[str] = Field(default_factory=list, max_length=100)


class BatchRead(BaseModel):
    purpose: str
    allowed: int
    denied: int
    results: list[DecisionRead]


class ReadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: SubjectRef
    purpose: str = Field(min_length=1, max_length=120)
    fields: list[str] = Field(default_factory=list, max_length=100)


class ReadResult(BaseModel):
    subject_id: uuid.UUID
    purpose: str
    values: list[ValueRead]
    archived: list[str] = Field(
        default_factory=list, description="archived activities whose data were withheld from this reader"
    )
    notice: str | None = Field(default=None, description="why some data are not shown, when they are not")


class ExportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(min_length=1, max_length=120)
    fields: list[str] = Field(default_factory=list, max_length=100)
    subject_category: str | None = Field(default=None, max_length=120)


class ExportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    purpose: str
    fields: list[str]
    people: int
    excluded: dict[str, int]
    status: str
    expires_at: datetime | None
