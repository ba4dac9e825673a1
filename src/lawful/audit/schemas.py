"""API shapes for the audit log."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    id: uuid.UUID
    at: datetime
    actor_kind: str
    actor_label: str
    action: str
    entity_type: str | None
    entity_id: str | None
    purpose: str | None
    outcome: str
    data: dict[str, Any]
    hash: str


class VerifyResult(BaseModel):
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str | None = None
    head_seq: int | None = None
    head_hash: str | None = None
