"""API shapes of instruction flags (R-100)."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class FlagCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reasons: list[str] = Field(
        min_length=1,
        max_length=20,
        description="why the instruction appears to infringe the law, e.g. 'no retention limit'",
    )


class FlagResolve(BaseModel):
    """The client confirmed or corrected the instruction: processing under it may resume."""

    model_config = ConfigDict(extra="forbid")

    resolution: str = Field(min_length=10, max_length=2000, description="what the client answered")


class FlagRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    client: str
    instruction: int
    reasons: list[str]
    flagged_at: datetime
    flagged_by: str
    status: str
    resolved_at: datetime | None
    resolution: str
