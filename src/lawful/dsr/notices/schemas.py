"""A request's recipients as the API and `lawful dsr tasks show` give them (Art. 19)."""

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from .. import recipients
from . import service as notices


class NoticeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    request_id: uuid.UUID
    recipient: str
    status: str = Field(description="retrying, delivered, open (a task for staff) or done (recorded)")
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    reason: str | None = Field(description="why staff have it")
    due_on: date | None
    told_at: datetime | None
    method: str | None
    outcome: str | None
    note: str | None
    recorded_by: str | None


def recipients_of_request(db: Session, request_id: uuid.UUID) -> dict[str, Any]:
    """Each recipient and its state; `told` is what the person is told when they ask."""
    return {
        "recipients": [NoticeRead.model_validate(n) for n in notices.of_request(db, request_id=request_id)],
        "told": recipients.outcomes(db, request_id),
    }
