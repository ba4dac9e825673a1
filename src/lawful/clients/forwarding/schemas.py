"""API shapes of forwarded rights requests."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from .rules import Instruction


class InstructionCreate(BaseModel):
    """The client controller's instruction on a forwarded request."""

    model_config = ConfigDict(extra="forbid")

    instruction: Instruction
    note: str | None = Field(default=None, max_length=500)


class ForwardingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    request_id: uuid.UUID  # the rights request, as the instruction names it
    client: str
    reference: str
    kinds: list[str]
    state: str
    received_on: date
    forward_by: date
    remind_on: date
    escalate_on: date
    forwarded_at: datetime
    webhook: str
    reminded_at: datetime | None
    escalated_at: datetime | None
    instruction: str | None
    instructed_at: datetime | None
