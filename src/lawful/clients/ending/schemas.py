"""API shapes of a client's end of contract (R-107)."""

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ContractEndCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ends_on: date | None = Field(default=None, description="default: the DPA's ends_on, else today")


class ContractEndRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    client: str
    ends_on: date
    return_format: str
    certify_on: date
    status: str
    handed_over_at: datetime | None
    handed_over_to: str | None
    export_sha256: str | None
    people: int
    erased_at: datetime | None
    sub_processors_told: list[Any]
    certified_at: datetime | None
    certificate: dict[str, Any] | None
