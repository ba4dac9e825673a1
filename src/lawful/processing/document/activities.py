"""Processing activities with their basis, retention rules and security measures (Art. 5, 6, 30, 32)."""

from datetime import date
from enum import StrEnum

from pydantic import Field, field_validator

from .strict import ISO_DURATION, Key, Label, Strict


class Trigger(StrEnum):
    COLLECTION = "collection"
    LAST_INBOUND_CONTACT = "last_inbound_contact"
    CONTRACT_END = "contract_end"
    DOCUMENT_YEAR_END = "document_date_next_january"
    CONSENT_WITHDRAWAL = "consent_withdrawal"
    OBJECTION = "objection"
    RECRUITMENT_END = "recruitment_end"
    DPA_END = "client_dpa_end"
    ACCOUNT_CLOSURE = "account_closure"
    RELATIONSHIP_END = "relationship_end"
    SESSION_END = "session_end"


class EndAction(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    ARCHIVE_RESTRICTED = "archive_restricted"


class RetentionRule(Strict):
    key: Key
    label: Label = Field(description="the period or criterion as the notice states it")
    trigger: Trigger
    duration: str | None = Field(
        default=None, description="ISO 8601 period such as P10Y or P3Y; null = until the trigger"
    )
    review_every: str | None = Field(
        default=None, description="ISO 8601 period; at most P12M, required without duration"
    )
    action: EndAction = Field(
        description="archive_restricted: archived during the period, deleted at its end"
    )
    legal_hold_suspends: bool = True
    warn_before: str | None = Field(
        default=None,
        description="ISO 8601 period: the person is warned this long before the deletion (R-77); "
        "for rules counted from an account closure (required) or a relationship's end",
    )

    @field_validator("duration", "review_every", "warn_before")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        if value is not None and not ISO_DURATION.match(value):
            raise ValueError(
                f"{value!r} is not an ISO 8601 period such as P10Y, P3M or P30D (indefinite is not a period)"
            )
        return value


class SecurityMeasure(Strict):
    key: Key
    label: Label
    owner: str
    last_tested: date | None = None
    test_every: str | None = "P12M"


class Basis(StrEnum):
    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legitimate_interests"


class BasisFor(Strict):
    subjects: list[Key] = Field(min_length=1)
    basis: Basis


class Assessment(Strict):
    """Legitimate-interest balancing test (Art. 6(1)(f); EDPB Guidelines 1/2024)."""

    interest: Label
    necessity: str
    impact: str
    safeguards: str
    outcome: str
    reviewer: str
    reviewed_on: date


class CompatibilityOutcome(StrEnum):
    COMPATIBLE = "compatible"
    INCOMPATIBLE = "incompatible"


class Compatibility(Strict):
    """Art. 6(4): may data collected for other purposes serve this new one? The five factors, with reasons."""

    original_purposes: list[Key] = Field(
        min_length=1, description="the activities the data were collected for"
    )
    link: str = Field(min_length=1, description="(a) the link between those purposes and this one")
    context: str = Field(
        min_length=1, description="(b) the context of collection, the people's relationship and expectations"
    )
    nature: str = Field(min_length=1, description="(c) the nature of the data (Art. 9 or 10 data?)")
    consequences: str = Field(min_length=1, description="(d) the possible consequences for the people")
    safeguards: str = Field(min_length=1, description="(e) safeguards such as encryption or pseudonymisation")
    outcome: CompatibilityOutcome
    notice_required: bool = Field(
        default=True,
        description="the people are told first (Art. 13(3), 14(4)): the purpose gate refuses this purpose "
        "until a privacy notice naming it is in force",
    )
    assessor: str = Field(min_length=1)
    assessed_on: date


class RequirementKind(StrEnum):
    STATUTORY = "statutory"
    CONTRACTUAL = "contractual"
    CONTRACT_PRECONDITION = "contract_precondition"
    VOLUNTARY = "voluntary"


class Requirement(Strict):
    kind: RequirementKind
    consequence: Label | None = None


class Source(StrEnum):
    SUBJECT = "subject"
    CUSTOMER = "customer"
    PARTNER = "partner"
    AGGREGATOR = "aggregator"
    PUBLIC = "public_source"
    SOCIAL_NETWORK = "social_network"
    REFERRAL = "referral"
    DEVICE = "device"
    CLIENT_CONTROLLER = "client_controller"


class ActivityRole(StrEnum):
    CONTROLLER = "controller"
    PROCESSOR = "processor"


class Activity(Strict):
    key: Key
    name: Label
    purpose: Label
    data_use: Key = Field(description="fideslang data use")
    role: ActivityRole = ActivityRole.CONTROLLER
    on_behalf_of: str | None = Field(default=None, description="client controllers, for processor activities")
    instructions: list[int] = Field(
        default_factory=list,
        description="processor activities: the client's DPA instructions it follows, by number (1: the first; R-100)",
    )
    legal_basis: Basis | list[BasisFor] | None = Field(
        default=None, description="required for controller activities; a processor acts on its client's basis"
    )
    legitimate_interest: Assessment | None = None
    compatibility: Compatibility | None = Field(
        default=None, description="required for a new purpose using data already held (Art. 6(4))"
    )
    data_categories: list[Key] = Field(min_length=1)
    subjects: list[Key] = Field(min_length=1)
    recipients: list[Key] = Field(default_factory=list)
    retention: Key
    security_measures: list[Key] = Field(min_length=1)
    sources: list[Source] = Field(default_factory=lambda: [Source.SUBJECT])
    requirement: Requirement = Requirement(kind=RequirementKind.VOLUNTARY)
    automated_decisions: bool = False
    pseudonymised: bool = Field(
        default=False,
        description="the data are held under a pseudonym (a token, a keyed hash, the key kept apart): "
        "still personal data, listed as such in the Art. 30 record (Art. 4(5), Recital 26)",
    )
