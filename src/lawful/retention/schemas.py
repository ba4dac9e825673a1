"""Input and output shapes of retention: the plan, runs and their log, lifecycle events."""

import uuid
from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator


class GroupRead(BaseModel):
    """One activity's rule in the plan: counts only."""

    model_config = ConfigDict(from_attributes=True)

    activity: str
    rule: str
    trigger: str
    action: str
    step: str
    due: int
    skipped: dict[str, int]
    months: dict[str, int]
    later: int


class WarningRead(BaseModel):
    """R-77: the warnings before one activity's deletions: counts only."""

    model_config = ConfigDict(from_attributes=True)

    activity: str
    rule: str
    warn_before: str
    due: int = Field(description="to send at the next run")
    sent: int
    months: dict[str, int]


class PlanRead(BaseModel):
    now: datetime
    evaluated: int = Field(description="(person, activity) pairs evaluated")
    due: int
    months: list[str]
    by_month: dict[str, int]
    groups: list[GroupRead]
    warnings: list[WarningRead] = []


class RunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    as_of: datetime
    started_at: datetime
    finished_at: datetime | None
    status: str
    started_by: str
    counts: list[dict[str, object]]


class ActionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    subject_id: uuid.UUID = Field(description="pseudonymous: the person may be erased")
    activity: str
    rule: str
    trigger: str
    action: str
    ends_at: datetime
    items: int
    whole: bool
    done_at: datetime


class RunDetailRead(RunRead):
    actions: list[ActionRead]


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    now: AwareDatetime | None = Field(default=None, description="as of this moment (test mode only if ahead)")


class EventCreate(BaseModel):
    """A dated event a retention rule counts from (R-72 to R-78)."""

    model_config = ConfigDict(extra="forbid")

    subject_id: uuid.UUID
    kind: str = Field(min_length=1, max_length=40, description="contract_end, last_inbound_contact, …")
    at: AwareDatetime | date = Field(description="the moment, or the day (taken at its middle)")
    channel: str = Field(default="staff", min_length=1, max_length=30)
    activity: str | None = Field(default=None, min_length=1, max_length=120)
    reference: str | None = Field(default=None, min_length=1, max_length=200)

    @field_validator("activity", "reference", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        """A console form sends an empty field for "none"."""
        return None if isinstance(value, str) and not value.strip() else value


class Created(BaseModel):
    id: uuid.UUID
    occurred_at: datetime
