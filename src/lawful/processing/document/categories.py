"""Who the data are about, and which data: categories refining fideslang's, special ones with their Art. 9 condition."""

from enum import StrEnum

from pydantic import Field

from .strict import Key, Label, Strict


class SubjectCategory(Strict):
    key: Key
    extends: Key | None = Field(default=None, description="the fideslang data subject this one refines")
    label: Label


class Art9Condition(StrEnum):
    EXPLICIT_CONSENT = "explicit_consent"
    EMPLOYMENT_LAW = "employment_social_security"
    VITAL_INTERESTS = "vital_interests"
    NOT_FOR_PROFIT = "not_for_profit_body"
    MADE_PUBLIC = "manifestly_made_public"
    LEGAL_CLAIMS = "legal_claims"
    PUBLIC_INTEREST = "substantial_public_interest"
    HEALTH_CARE = "health_or_social_care"
    PUBLIC_HEALTH = "public_health"
    ARCHIVING_RESEARCH = "archiving_research_statistics"
    ART10_AUTHORISED = "art10_authorised_by_law"


class Origin(StrEnum):
    """How a controller comes to hold a category's data: portability leaves out what it inferred (T-18)."""

    PROVIDED = "provided"  # given by the person: form inputs, profile, uploads
    OBSERVED = "observed"  # recorded from their use of a service: activity logs, purchase history
    INFERRED = "inferred"  # worked out by the controller: scores, segments, predictions


class DataCategory(Strict):
    key: Key
    extends: Key | None = Field(default=None, description="the fideslang data category this one refines")
    label: Label
    special: bool = Field(default=False, description="Art. 9/10 data; derived from fideslang keys as well")
    art9_condition: Art9Condition | None = None
    origin: Origin = Field(default=Origin.PROVIDED, description="provided, observed or inferred (R-68)")
