"""What the connectors API answers: the retention plan of the datastores, counts only."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


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
