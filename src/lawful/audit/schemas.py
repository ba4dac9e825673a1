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


class HeadRead(BaseModel):
    """The newest sealed entry, to keep outside the database (`head` is SEQ:HASH, None for an empty log)."""

    head: str | None
    seq: int | None
    hash: str | None

    @classmethod
    def of(cls, found: tuple[int, str] | None) -> "HeadRead":
        if found is None:
            return cls(head=None, seq=None, hash=None)
        return cls(head=f"{found[0]}:{found[1]}", seq=found[0], hash=found[1])
