"""What the connectors API reads and answers: checks of the dataset maps, the erasure preview, event
imports and the retention plan and run of the datastores (counts, never a personal value)."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from annotated_types import Ge, Le
from pydantic import BaseModel, ConfigDict, Field

from lawful import processing

DatastoreKey = Annotated[str | None, Field(default=None, min_length=1, max_length=64)]
Day = Annotated[date | None, Field(default=None), Ge(date(2000, 1, 1)), Le(date(2999, 12, 31))]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MapCheck(_Body):
    datastore: DatastoreKey = Field(description="only this datastore (its key)")
    yaml: str | None = Field(
        default=None,
        min_length=1,
        max_length=processing.MAX_CHARACTERS,
        description="a register document (YAML) of the caller's organisation, instead of the applied one",
    )


class ErasurePreview(_Body):
    email: str = Field(min_length=3, max_length=254, description="the person's email address")
    datastore: DatastoreKey = Field(description="only this datastore (its key)")


class DayRun(_Body):
    now: Day = Field(
        description="the day to act for (Brussels; default today; a later one in test mode only)"
    )


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RetentionLineRead(_Read):
    datastore: str
    table: str
    retention: str
    rule: str
    action: str
    due: int
    held: int
    why_held: str
    months: dict[str, int]


class RetentionProblemRead(_Read):
    datastore: str
    error: str
    detail: str


class RetentionPlanRead(_Read):
    now: datetime
    today: date
    lines: list[RetentionLineRead]
    problems: list[RetentionProblemRead]


class MapProblemRead(BaseModel):
    path: str
    message: str


class MapCheckRead(BaseModel):
    ok: bool
    datastores: list[str]
    problems: list[MapProblemRead]


class PreviewRead(BaseModel):
    datastore: str
    name: str
    found: bool
    fields: list[dict[str, Any]]  # per mapped field: table, column, category, action, rows, and why kept


class ImportedRead(BaseModel):
    now: datetime
    lines: list[dict[str, Any]]  # per datastore column: recorded, known, not held, ahead
    problems: list[RetentionProblemRead]


class RetentionDoneRead(_Read):
    organisation_id: uuid.UUID
    datastore: str
    table: str
    retention: str
    action: str
    rows: int
    held: int
    entry_id: uuid.UUID | None
    resumed: bool
    why_held: str


class RetentionRunRead(_Read):
    now: datetime
    today: date
    done: list[RetentionDoneRead]
    problems: list[RetentionProblemRead]
