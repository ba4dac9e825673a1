"""API shapes of sub-processor changes (R-104)."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

KEY = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"


class SubProcessorChangeCreate(BaseModel):
    """A new sub-processor (or one replacing `replaces`) for the clients named (default: every client)."""

    model_config = ConfigDict(extra="forbid")

    recipient: str = Field(pattern=KEY, max_length=120, description="a (sub-)processor of the register")
    replaces: str | None = Field(default=None, pattern=KEY, max_length=120)
    clients: list[str] | None = Field(default=None, min_length=1, max_length=500)
    notice: str = Field(
        min_length=10,
        max_length=5000,
        description="what the clients are told: who, what for, where (Art. 28(2))",
    )
    objection_days: int | None = Field(
        default=None, ge=1, le=365, description="at least the DPA's period (default: the DPA's, else 30)"
    )


class SubProcessorDecision(BaseModel):
    """The client's answer, as it reached the company: approval, or objection (Art. 28(2))."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["approved", "objected"]
    note: str = Field(default="", max_length=2000)


class SubProcessorChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    client: str
    recipient: str
    replaces: str | None
    authorisation: str
    recorded_at: datetime
    window_ends_at: datetime
    status: str
    decided_at: datetime | None
    webhook_status: str | None
    blocked: str | None = Field(default=None, description="why no data flow to it now; null: they may")
