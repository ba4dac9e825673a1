"""What producing the notification asks: its language, the items declared to follow, the reason for a delay."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Lang = Literal["fr", "nl", "en"]


class DossierCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lang: Lang = "fr"
    to_follow: list[str] = Field(
        default_factory=list, max_length=20, description="items provided in a later phase"
    )
    late_reason: str | None = Field(default=None, max_length=20_000, description="after 72 hours: why")
    on_instruction: bool = Field(
        default=False, description="a processor's case: the client controller instructed it"
    )
