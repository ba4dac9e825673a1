"""What an automatic deletion shows the privacy officer, through `lawful dsr deletions … --json` and its route alike."""

from typing import Any

from pydantic import BaseModel

from .models import Deletion

STATUSES = ("scheduled", "done")


class DeletionRead(BaseModel):
    id: str
    trigger: str
    activity: str | None
    subject_id: str  # pseudonymous: the record outlives a whole erasure
    request: str | None  # the reference of the request that led to it
    status: str
    triggered_at: str
    due_at: str
    executed_at: str | None
    deleted: list[dict[str, Any]]
    kept: list[dict[str, Any]]
    whole: bool
    why_not_whole: str | None

    @classmethod
    def of(cls, row: Deletion, reference: str | None) -> "DeletionRead":
        return cls(
            id=str(row.id),
            trigger=row.trigger,
            activity=row.activity,
            subject_id=str(row.subject_id),
            request=reference,
            status=row.status,
            triggered_at=row.triggered_at.isoformat(),
            due_at=row.due_at.isoformat(),
            executed_at=row.executed_at.isoformat() if row.executed_at else None,
            deleted=row.result.get("deleted", []),
            kept=row.result.get("kept", []),
            whole=bool(row.result.get("whole")),
            why_not_whole=row.result.get("why_not_whole"),
        )


class DeletionRun(BaseModel):
    """What one run did: deletions newly scheduled, and deletions carried out."""

    scheduled: int
    carried_out: int
