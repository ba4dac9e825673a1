"""The website: trackers behind the cookie banner, and the collection forms."""

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator

from .strict import ISO_DURATION, Key, Label, Strict


class TrackerKind(StrEnum):
    COOKIE = "cookie"
    LOCAL_STORAGE = "local_storage"
    SESSION_STORAGE = "session_storage"
    SCRIPT = "script"
    PIXEL = "pixel"
    EMBED = "embed"


class TrackerCategory(StrEnum):
    STRICTLY_NECESSARY = "strictly_necessary"
    PREFERENCES = "preferences"
    ANALYTICS = "analytics"
    MARKETING = "marketing"
    SOCIAL_MEDIA = "social_media"


class Tracker(Strict):
    key: Key
    name: str = Field(description="cookie or storage key name, or script host")
    kind: TrackerKind
    party: Literal["first", "third"]
    provider: str
    category: TrackerCategory
    purpose: Label
    duration: str = Field(
        description="how long what it stores stays on the device: 'session' (until the browser closes), an "
        "ISO 8601 period such as P13M, or, for a script, pixel or embed that stores nothing under its own "
        "name, 'none' (the cookies it sets are registered with their own durations)"
    )
    recipient: Key | None = None
    activity: Key | None = Field(default=None, description="the activity whose consent covers it")

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: str) -> str:
        if value not in ("session", "none") and not ISO_DURATION.match(value):
            raise ValueError(
                "use 'session', 'none' (a script that stores nothing) or an ISO 8601 period such as P13M"
            )
        return value


class FieldType(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    EMAIL = "email"
    PHONE = "phone"
    DATE = "date"
    NUMBER = "number"
    COUNTRY = "country"
    LANGUAGE = "language"


class FormField(Strict):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,40}$")]
    category: Key = Field(description="the data category this field collects")
    type: FieldType = FieldType.TEXT
    required: bool = False
    label: Label
    max_length: int = Field(default=500, ge=1, le=10_000)


class Form(Strict):
    """A collection form: every field mapped to one data category of one activity (R-12, R-13)."""

    key: Key
    name: Label
    activity: Key
    subject_category: Key
    fields: list[FormField] = Field(min_length=1)
    marketing_consent: Key | None = Field(
        default=None, description="a consent-based activity offered as a separate, unticked choice (R-15)"
    )
    referral: bool = Field(
        default=False, description="tell-a-friend: the fields describe someone else (R-18)"
    )
    marketing_optout: bool = Field(
        default=False,
        description="the form offers an unticked box to refuse marketing by email that rests on no consent: "
        "the soft opt-in's refusal at collection (CEL Art. XII.13; R-34)",
    )
    intro: Label | None = None
