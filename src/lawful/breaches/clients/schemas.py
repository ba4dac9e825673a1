"""API shapes of a case's notices to its client controllers (R-103)."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .rules import NoticeStatus


class NotifyClients(BaseModel):
    """Which clients to tell now; none named: every client the case concerns that was not told yet."""

    model_config = ConfigDict(extra="forbid")

    clients: list[str] = Field(default_factory=list, max_length=100)


class ClientNoticeRead(BaseModel):
    """One client concerned: its deadline, whether and when it was told, by whom, how, and what."""

    client: str
    client_name: str
    due_at: datetime
    status: NoticeStatus
    approx_subjects: int
    approx_records: int
    sent_at: datetime | None
    sent_by: str | None
    mail_queued: bool
    webhook: str | None = Field(description="`delivered`, `failed: …`, or none when the client has none")
    facts: dict[str, Any] | None = Field(description="what the client was told; none before it is sent")
