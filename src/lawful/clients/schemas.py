"""API shapes of the client controllers: each with its DPA and the sub-processors it approved (R-99, R-104)."""

from pydantic import BaseModel, Field

from lawful import processing


class SubProcessorRead(BaseModel):
    key: str
    name: str
    countries: list[str]
    dpa_ref: str | None = Field(description="our agreement with the sub-processor (Art. 28(4))")


class ClientRead(BaseModel):
    key: str
    name: str
    country: str
    contact_email: str
    privacy_policy_url: str
    webhook: str | None
    dpa: processing.Dpa
    activities: list[str] = Field(description="the processor activities run for this client")
    sub_processors: list[SubProcessorRead]
