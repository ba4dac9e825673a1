"""API shapes of rights requests."""

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lawful import clock, subjects

from .errors import NoContact
from .letters.post import Postal


class RequestCreate(BaseModel):
    """A request registered by staff from any channel, with its real receipt time (R-43)."""

    model_config = ConfigDict(extra="forbid")

    kinds: list[str] = Field(min_length=1, max_length=8)
    email: str | None = Field(default=None, min_length=3, max_length=254)
    name: str = Field(default="", max_length=200, description="the person's name, for letters")
    postal_address: str = Field(default="", max_length=500, description="lines separated by newlines")
    phone: str | None = Field(default=None, min_length=3, max_length=40)
    channel: str = Field(pattern="^(email|post|phone|in_person|web_form|api)$")
    language: str = Field(default="en", pattern="^(en|fr|nl)$")
    received_at: datetime | None = None
    details: dict[str, Any] = Field(default_factory=dict, max_length=20)
    identity_verified: bool = Field(default=False, description="staff checked identity (in person, by phone)")

    def postal(self) -> Postal | None:
        """R-43: who to write to when the request came without email, or asks for letters."""
        if not (self.postal_address.strip() or self.phone):
            return None
        return postal_of(self.name, self.postal_address, self.phone)


def postal_of(name: str, address: str, phone: str | None) -> Postal:
    """A postal contact, the phone in its normal form (a number that is none is refused, naming the field)."""
    number = None
    if phone and phone.strip():
        try:
            number = subjects.normalise_phone(phone)
        except subjects.InvalidIdentity as exc:
            raise NoContact(
                "not a valid phone number", problems=[{"path": "phone", "message": "not a phone number"}]
            ) from exc
    lines = "\n".join(line.strip() for line in address.strip().splitlines() if line.strip())
    return Postal(name=name.strip(), address=lines, phone=number)


class RequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    kinds: list[str]
    channel: str
    language: str
    received_at: datetime
    due_on: date
    extension_months: int
    status: str
    identity_method: str | None
    outcome: dict[str, Any]
    completed_at: datetime | None
    assignee_id: uuid.UUID | None = None
    joined: str | None = None  # staff intake: the receipt's reference when it joined this open request


class ExtensionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    months: int = Field(ge=1, le=2)
    reason: str = Field(min_length=1, max_length=5000)


class RefusalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    justification: str = Field(min_length=1, max_length=10_000)


class RightsAsk(BaseModel):
    """The privacy center's form: the rights ticked, the address, and what each right needs (R-43)."""

    email: str = Field(min_length=3, max_length=254)
    lang: str = Field(pattern="^(en|fr|nl)$")
    kinds: list[str] = Field(min_length=1, max_length=8)
    message: str = Field(default="", max_length=5000)
    field: str = Field(default="", max_length=120, description="the datum to correct")
    value: str = Field(default="", max_length=500, description="its correct value")
    statement: str = Field(default="", max_length=5000, description="a supplementary statement (R-54)")
    ground: Literal["", "accuracy_contested", "unlawful_processing", "legal_claims", "objection_pending"] = ""
    scope: Literal["", "direct_marketing", "legitimate_interest"] = ""
    activity: str = Field(default="", max_length=120, description="the activity objected to; empty: all")
    transmit_to: str = Field(default="", max_length=500, description="another controller's endpoint")

    def details(self) -> dict[str, object]:
        """Only what the ticked rights use, in the shape the steps read."""
        wanted = set(self.kinds)
        found: dict[str, object] = {}
        if self.message.strip():
            found["message"] = self.message.strip()
        if "rectification" in wanted and self.field and self.value.strip():
            found["values"] = {self.field: self.value.strip()}
        if "rectification" in wanted and self.statement.strip():
            found["statement"] = self.statement.strip()
        if "restriction" in wanted and self.ground:
            found["ground"] = self.ground
        if "objection" in wanted and self.scope:
            found["scope"] = self.scope
        if "objection" in wanted and self.scope == "legitimate_interest" and self.activity:
            found["activity"] = self.activity
        if "portability" in wanted and self.transmit_to.strip():
            found["transmit_to"] = self.transmit_to.strip()
        return found


class StaffIntake(BaseModel):
    """The console's intake of a request received by post, by phone or in person (R-43)."""

    kinds: list[str] = Field(min_length=1, max_length=8)
    channel: Literal["post", "phone", "in_person", "email"]
    received_at: datetime = Field(description="when it was really received, with its offset")
    language: str = Field(default="en", pattern="^(en|fr|nl)$")
    email: str = Field(default="", max_length=254)
    name: str = Field(default="", max_length=200)
    postal_address: str = Field(default="", max_length=500)
    phone: str = Field(default="", max_length=40)
    identity_verified: bool = False

    @field_validator("received_at")
    @classmethod
    def _brussels(cls, value: datetime) -> datetime:
        """A time typed in the console without an offset is Brussels time (a datetime-local field)."""
        return value if value.tzinfo is not None else value.replace(tzinfo=clock.BRUSSELS)

    def postal(self) -> Postal | None:
        if not (self.postal_address.strip() or self.phone.strip()):
            return None
        return postal_of(self.name, self.postal_address, self.phone or None)


class FeeRead(BaseModel):
    """The quote for a further copy (R-52), and what was decided."""

    model_config = ConfigDict(from_attributes=True)

    amount_cents: int
    currency: str
    reason: str
    quoted_at: datetime
    decision: str | None
    decided_at: datetime | None
