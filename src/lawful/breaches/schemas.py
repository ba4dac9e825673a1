"""API shapes of breach cases: what staff, a processor or a detector send, and what the register shows."""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from lawful.db import MAX_INTEGER

from .rules import Audience, Exemption, Nature, Phase, Risk

if TYPE_CHECKING:
    from .service import Case

Text = Annotated[str | None, Field(max_length=20_000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Names = Annotated[list[Name], Field(max_length=100)]
MAX_COUNT = MAX_INTEGER
Count = Annotated[int | None, Field(ge=0, le=MAX_COUNT)]


class CategoryCount(BaseModel):
    """A data or subject category with its approximate number (Art. 33(3)(a)); None: not known yet."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=120)
    approx: Count = None


class Facts(BaseModel):
    """The facts of a case as far as they are known; each may be completed later (Art. 33(4))."""

    model_config = ConfigDict(extra="forbid")

    summary: str = Field(default="", max_length=20_000)
    occurred_at: AwareDatetime | None = None
    detected_at: AwareDatetime | None = None
    nature: list[Nature] = Field(default_factory=list, max_length=3)
    data_categories: list[CategoryCount] = Field(default_factory=list, max_length=100)
    subject_categories: list[CategoryCount] = Field(default_factory=list, max_length=100)
    approx_subjects: Count = None
    approx_records: Count = None
    systems: Names = Field(default_factory=list)
    datastores: Names = Field(default_factory=list)
    recipients: Names = Field(default_factory=list)
    cause: Text = None
    consequences: Text = None
    measures_taken: Text = None
    measures_proposed: Text = None
    client_controller: str | None = Field(default=None, max_length=200)


class BreachCreate(Facts):
    """A suspected incident: what happened, and when the organisation became aware of it (the clock)."""

    aware_at: AwareDatetime
    title: str = Field(
        default="", max_length=200, validate_default=True, description="default: the summary's first line"
    )

    @field_validator("title")
    @classmethod
    def _titled(cls, title: str, info: ValidationInfo) -> str:
        title = title.strip() or str(info.data.get("summary") or "").strip().split("\n")[0][:200].strip()
        if not title:
            raise PydanticCustomError("missing", "give a title or a summary")
        return title


class BreachUpdate(Facts):
    """Facts learnt since: only the fields sent change (`model_fields_set`)."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    aware_at: AwareDatetime | None = None


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=20_000)


class AssessmentCreate(BaseModel):
    """Art. 33(1), 34(1): the risk to people, with its rationale."""

    model_config = ConfigDict(extra="forbid")

    risk: Risk
    rationale: str = Field(min_length=1, max_length=20_000)


class DecisionCreate(BaseModel):
    """Whether to notify the authority, the people or the client controller, and why (Art. 33(5)).
    `decided_at`: when it was done, if before it is recorded here (never in the future)."""

    model_config = ConfigDict(extra="forbid")

    audience: Audience
    notify: bool
    reasons: str = Field(min_length=1, max_length=20_000)
    phase: Phase = Phase.INITIAL
    late_reason: Text = None
    exemption: Exemption | None = None
    public_notice_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://\S+$")
    decided_at: AwareDatetime | None = None


class NoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    author: str
    at: datetime
    text: str


class DecisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    audience: str
    notify: bool
    reasons: str
    phase: str
    late_reason: str | None
    exemption: str | None
    public_notice_url: str | None
    decided_at: datetime
    decided_by: str


class AlertRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    threshold_hours: int
    sent_at: datetime


class BreachSummary(BaseModel):
    """A line of the register (R-94): every case, notified or not."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    title: str
    status: str
    reported_by_kind: str
    detector: str | None
    aware_at: datetime
    deadline_at: datetime
    risk: str | None
    approx_subjects: int | None
    closed_at: datetime | None


class BreachRead(BreachSummary):
    summary: str
    occurred_at: datetime | None
    occurred_recorded_by: str | None
    detected_at: datetime | None
    detected_recorded_by: str | None
    aware_recorded_by: str
    reported_by: str
    signal: dict[str, object]
    nature: list[str]
    data_categories: list[CategoryCount]
    subject_categories: list[CategoryCount]
    approx_records: int | None
    systems: list[str]
    datastores: list[str]
    recipients: list[str]
    cause: str | None
    consequences: str | None
    risk_rationale: str | None
    assessed_at: datetime | None
    assessed_by: str | None
    measures_taken: str | None
    measures_proposed: str | None
    client_controller: str | None
    client_deadline_at: datetime | None
    affected_count: int | None
    created_at: datetime
    updated_at: datetime
    closed_by: str | None
    notes: list[NoteRead] = Field(default_factory=list)
    decisions: list[DecisionRead] = Field(default_factory=list)
    alerts: list[AlertRead] = Field(default_factory=list)


def read(found: "Case") -> BreachRead:
    """A case as the register shows it, with its notes, decisions and alerts."""
    return BreachRead.model_validate(found.breach).model_copy(
        update={
            "notes": [NoteRead.model_validate(n) for n in found.notes],
            "decisions": [DecisionRead.model_validate(d) for d in found.decisions],
            "alerts": [AlertRead.model_validate(a) for a in found.alerts],
        }
    )


class AlertSent(BaseModel):
    """An alert of the 72-hour clock mailed now (R-95): the case, the threshold reached, the officers told."""

    reference: str
    hours: int
    officers: int


class DetectionCreate(BaseModel):
    """Which detectors to run now; none named: every one."""

    model_config = ConfigDict(extra="forbid")

    only: list[str] | None = Field(default=None, max_length=10, description="detector names (default: all)")


class Detected(BaseModel):
    """A case a detector's signal opened, or found again (one case per signal)."""

    model_config = ConfigDict(from_attributes=True)

    reference: str
    detector: str | None
    title: str
