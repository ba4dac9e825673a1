"""What a retention plan or run reports, as plain values: per datastore, table and rule, counts only."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

LEGAL_HOLD = "legal_hold"  # why past-due rows stay


@dataclass(frozen=True)
class RetentionLine:
    """What the end of one rule does to one table of one datastore, seen on the plan's day."""

    organisation_id: uuid.UUID
    datastore: str
    table: str
    retention: str
    rule: str  # the rule as the notice states it (English label)
    action: str  # delete or anonymise
    due: int  # rows past their end: the run ends them
    held: int  # rows past their end that a legal hold keeps
    months: dict[str, int] = field(default_factory=dict)  # rows whose end falls in each month ahead
    why_held: str = LEGAL_HOLD


@dataclass(frozen=True)
class RetentionProblem:
    """A datastore the plan or run could not reach or change; nothing of it was done."""

    organisation_id: uuid.UUID
    datastore: str
    error: str
    detail: str


@dataclass(frozen=True)
class RetentionPlan:
    now: datetime
    today: date
    lines: list[RetentionLine]
    problems: list[RetentionProblem]


@dataclass(frozen=True)
class RetentionDone:
    """What a run did to one table under one rule: its deletion-log entry (None when holds kept all)."""

    organisation_id: uuid.UUID
    datastore: str
    table: str
    retention: str
    action: str  # deleted or anonymised
    rows: int
    held: int
    entry_id: uuid.UUID | None
    resumed: bool = False  # an entry a crashed run had committed and not finished
    why_held: str = LEGAL_HOLD


@dataclass(frozen=True)
class RetentionRun:
    now: datetime
    today: date
    done: list[RetentionDone]
    problems: list[RetentionProblem]
