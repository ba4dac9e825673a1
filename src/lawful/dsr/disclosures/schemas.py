"""API shapes of the disclosure log (R-89)."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from .models import Disclosure, DisclosureSubject
from .rules import MAX_SUBJECTS, RequesterKind, prohibition_in_force

KINDS = "^(" + "|".join(RequesterKind) + ")$"


class DisclosureCreate(BaseModel):
    """An authority's or legal recipient's request, as received (R-89)."""

    model_config = ConfigDict(extra="forbid")

    requester_kind: str = Field(pattern=KINDS, description="police, court, tax, public_authority, …")
    recipient: str | None = Field(default=None, max_length=120, description="the register's recipient key")
    requester: str | None = Field(default=None, max_length=200, description="its name, if not the register's")
    legal_basis: str = Field(max_length=2000, description="the law or order relied on")
    reference: str | None = Field(default=None, max_length=200, description="e.g. the judicial order number")
    subject_ids: list[uuid.UUID] = Field(max_length=MAX_SUBJECTS, description="whom it is about")
    categories: list[Annotated[str, Field(max_length=120)]] = Field(
        max_length=200, description="the data categories asked for"
    )
    received_on: date
    prohibited: bool = Field(default=False, description="a legal prohibition forbids telling the person")
    prohibition_ref: str | None = Field(
        default=None, max_length=300, description="that prohibition's reference"
    )


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    subject_id: uuid.UUID
    informed_at: datetime | None
    informed: str | None = Field(description="mailed, or no_address")


class DisclosureRead(BaseModel):
    id: uuid.UUID
    status: str = Field(description="requested, approved or disclosed")
    requester_kind: str
    requester: str
    recipient: str | None
    legal_basis: str
    reference: str | None
    categories: list[str]
    received_on: date
    prohibition_ref: str | None
    prohibition_in_force: bool
    prohibition_lifted_at: datetime | None
    prohibition_lifted_by: str | None
    created_at: datetime
    created_by: str
    approved_at: datetime | None
    approved_by: str | None
    disclosed_at: datetime | None
    disclosed_by: str | None
    disclosed_categories: list[str] = Field(description="what went: categories only, never values")
    refused: list[dict[str, str]] = Field(description="asked for and not disclosed, with the reason")
    people: list[PersonRead]

    @classmethod
    def of(cls, row: Disclosure, people: list[DisclosureSubject]) -> "DisclosureRead":
        fields: dict[str, Any] = {
            name: getattr(row, name)
            for name in cls.model_fields
            if name not in ("people", "prohibition_in_force")
        }
        return cls(
            **fields,
            prohibition_in_force=prohibition_in_force(row.prohibition_ref, row.prohibition_lifted_at),
            people=[PersonRead.model_validate(p) for p in people],
        )


class DisclosedRead(DisclosureRead):
    data: dict[uuid.UUID, dict[str, list[str]]] = Field(
        description="the values that went, per person and category: given once, in this answer, never kept"
    )
