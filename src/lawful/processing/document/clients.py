"""Client controllers the company processes data for, each with its DPA (Art. 28(3), 30(2))."""

import re
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from .strict import ISO_DURATION, Country, Key, Label, Strict

# A deadline counted in hours or days: PT24H, PT48H, P1D.
ISO_DEADLINE = re.compile(r"^P(?!$)(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?)?$")


class Authorisation(StrEnum):
    """Art. 28(2): a general authorisation (told of changes, may object) or a specific one (approves each)."""

    GENERAL = "general"
    SPECIFIC = "specific"


class ReturnFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    SQL = "sql"


class EndOfContract(Strict):
    """Art. 28(3)(g): at the end, the client's data are returned in this format, then deleted."""

    return_format: ReturnFormat
    delete_within: str = Field(
        default="P30D", description="ISO 8601 period after the end within which every copy is deleted"
    )
    deletion: Label = Field(description="what is deleted where: our store, our datastores, sub-processors")

    @field_validator("delete_within")
    @classmethod
    def _iso(cls, value: str) -> str:
        if not ISO_DURATION.match(value):
            raise ValueError(f"{value!r} is not an ISO 8601 period such as P30D")
        return value


class Dpa(Strict):
    """The data processing agreement with one client controller, as Art. 28(3) requires it."""

    reference: str = Field(min_length=1, description="the signed agreement's reference")
    version: str = Field(min_length=1)
    signed_on: date
    starts_on: date
    ends_on: date | None = Field(default=None, description="null: until terminated")
    subject_matter: Label
    duration: Label = Field(description="the duration as the agreement states it")
    nature: Label
    purposes: Label
    data_categories: list[Key] = Field(min_length=1)
    subject_categories: list[Key] = Field(min_length=1)
    instructions: list[Label] = Field(min_length=1, description="the documented instructions (Art. 28(3)(a))")
    sub_processors: list[Key] = Field(
        default_factory=list, description="recipients approved as sub-processors for this client (Art. 28(2))"
    )
    authorisation: Authorisation = Authorisation.GENERAL
    objection_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="days a client has to object to a new sub-processor (Art. 28(2))",
    )
    locations: list[Country] = Field(min_length=1, description="where the client's data are processed")
    rights_forwarding_days: int = Field(
        default=2, ge=1, le=30, description="working days to forward a rights request to the client"
    )
    breach_notice: str = Field(
        default="PT24H", description="ISO 8601 duration from awareness to the breach notice to the client"
    )
    end_of_contract: EndOfContract

    @field_validator("breach_notice")
    @classmethod
    def _deadline(cls, value: str) -> str:
        if not ISO_DEADLINE.match(value):
            raise ValueError(f"{value!r} is not an ISO 8601 duration in days or hours such as PT24H")
        return value

    @model_validator(mode="after")
    def _dates(self) -> "Dpa":
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class ClientSystem(Strict):
    """A system of the client we hold access data for (R-87): its credentials are never in the register, only
    in lawful's key store (`lawful clients credentials add`)."""

    key: Key
    name: str = Field(min_length=1, max_length=200)
    note: str = Field(default="", max_length=2000)


class Client(Strict):
    """A client controller (Art. 28, 30(2)(a)): named on the pages run for it, with its own notice."""

    key: Key
    name: str = Field(min_length=1, description="the controller's legal name, shown on its pages")
    country: Country
    contact_email: str = Field(min_length=3, description="where rights requests and breach notices go")
    privacy_policy_url: Annotated[str, Field(pattern=r"^https://")]
    webhook: Annotated[str, Field(pattern=r"^https?://")] | None = Field(
        default=None, description="where forwarded requests are also posted"
    )
    dpa: Dpa
    systems: list[ClientSystem] = Field(
        default_factory=list, description="systems whose access data we keep for the client (R-87)"
    )


def deadline_hours(value: str) -> float:
    """The length of a DPA deadline such as PT24H or P1D, in hours."""
    found = ISO_DEADLINE.match(value)
    if found is None:
        raise ValueError(f"{value!r} is not a deadline")
    days, hours, minutes = (int(part or 0) for part in found.groups())
    return days * 24 + hours + minutes / 60
