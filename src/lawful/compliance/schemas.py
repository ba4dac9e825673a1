"""What the compliance check answers: each item with severity, owner, the record concerned and the fix."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel

from lawful import i18n

from .models import TransferSuspension
from .rules import Item, has_overdue


class ItemRead(BaseModel):
    check: str
    severity: str  # overdue / due_soon / info
    owner: str  # a role
    concerns: str  # a reference, an id or a register path
    due: date | datetime | None
    count: int
    fix: str

    @classmethod
    def of(cls, item: Item, lang: str) -> "ItemRead":
        return cls(
            check=str(item.check),
            severity=str(item.severity),
            owner=item.owner,
            concerns=item.concerns,
            due=item.due,
            count=item.count,
            fix=i18n.t(f"compliance.fix.{item.check}", lang),
        )


class ComplianceRead(BaseModel):
    overdue: bool
    counts: dict[str, int]
    items: list[ItemRead]

    @classmethod
    def of(cls, items: list[Item], lang: str) -> "ComplianceRead":
        counts = {"overdue": 0, "due_soon": 0, "info": 0}
        for item in items:
            counts[str(item.severity)] += 1
        return cls(overdue=has_overdue(items), counts=counts, items=[ItemRead.of(i, lang) for i in items])


class TransferSuspensionRead(BaseModel):
    """A recipient no personal data flow to while its transfer mechanism has lapsed (R-114)."""

    id: uuid.UUID
    recipient: str
    mechanism: str | None
    valid_until: date | None
    reason: str
    action: str  # "suspend": nothing flows; "alert": flows go on as the register says (on_lapse: alert)
    notice_draft: str
    suspended_at: datetime
    lifted_at: datetime | None

    @classmethod
    def of(cls, row: TransferSuspension) -> "TransferSuspensionRead":
        return cls(
            id=row.id,
            recipient=row.recipient,
            mechanism=row.mechanism,
            valid_until=row.valid_until,
            reason=row.reason,
            action=row.action,
            notice_draft=row.notice_draft,
            suspended_at=row.suspended_at,
            lifted_at=row.lifted_at,
        )
