"""Shapes of forms and submissions, for the company's website and for the API."""

import uuid

from pydantic import BaseModel, ConfigDict, Field

from lawful.subjects import CollectionCreate


class FieldRead(BaseModel):
    key: str
    label: str
    type: str
    required: bool
    max_length: int


class FormRead(BaseModel):
    """Everything a website needs to render the form in one language, with its just-in-time notice."""

    key: str
    language: str
    name: str
    intro: str
    fields: list[FieldRead]
    marketing_consent: str | None = Field(
        description="label of the separate, unticked checkbox; null when none"
    )
    notice: str = Field(description="the short notice shown with the form (R-13)")
    notice_url: str
    controller: str | None = Field(
        default=None, description="the client controller a form run for a client names (R-101); null: our own"
    )


class SubmissionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fields: dict[str, str] = Field(max_length=50)
    marketing_consent: bool = False
    language: str | None = Field(default=None, pattern="^(en|fr|nl)$", description="default: Accept-Language")


class SubmissionRead(BaseModel):
    status: str = "received"


class SubjectCreate(BaseModel):
    """Data received by email, phone, post, contract or at an event, recorded by staff (R-16)."""

    model_config = ConfigDict(extra="forbid")

    subject_category: str = Field(min_length=1, max_length=120)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    external_id: str | None = Field(default=None, max_length=200)
    values: dict[str, str] = Field(default_factory=dict, max_length=100)
    language: str | None = Field(default=None, pattern="^(en|fr|nl)$")
    collection: CollectionCreate


class SubjectCreated(BaseModel):
    """What staff learn from recording a person. Writing does not imply reading: without subjects:read
    the answer is the same whether the person was known or not (no id, nothing about them)."""

    recorded: bool = True
    subject_id: uuid.UUID | None = None
    created: bool | None = None
    changed: list[str] | None = None


class ImportRead(BaseModel):
    imported: int
    created: int
    suppressed: int


class UpdateLinkRead(BaseModel):
    url: str
    expires_in_days: int
