"""The register document: the YAML format a privacy officer keeps in git, as Pydantic models.

Its JSON Schema (`lawful register schema`) is generated from these models. Structure and types are
checked here; the legal rules that span several parts of the document live in `rules.py`.
"""

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .datastores import Datastore

Lang = Literal["en", "fr", "nl"]
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", max_length=120)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
ISO_DURATION = re.compile(r"^P(?=\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Label(Strict):
    """One text in each language; the same fact in every language (R-121)."""

    en: str | None = Field(default=None, min_length=1)
    fr: str | None = Field(default=None, min_length=1)
    nl: str | None = Field(default=None, min_length=1)

    def get(self, lang: str) -> str | None:
        value: str | None = getattr(self, lang, None)
        return value


class Address(Strict):
    street: str
    postcode: str
    city: str
    country: Country = "BE"


class ContactKind(StrEnum):
    PRIVACY_EMAIL = "privacy_email"
    EMAIL = "email"
    PHONE = "phone"
    POST = "post"
    WEB_FORM = "web_form"
    FAX = "fax"


class ContactPoint(Strict):
    kind: ContactKind
    value: str = Field(min_length=3)
    label: Label | None = None


class Dpo(Strict):
    name: str
    email: str
    phone: str | None = None


class FurtherCopyFee(Strict):
    """Art. 15(3): a reasonable fee based on administrative costs for a further copy; the first is free."""

    amount: Decimal = Field(gt=0, max_digits=8, decimal_places=2, description="per further copy")
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    window_days: int = Field(
        default=30, ge=1, le=366, description="an access request this soon after a copy is a further copy"
    )
    reason: Label = Field(description="what the amount covers, told to the person")


class JointController(Strict):
    name: str
    contact: str
    arrangement: Label


class OrgRole(StrEnum):
    CONTROLLER = "controller"
    CONTROLLER_AND_PROCESSOR = "controller_and_processor"


class PhoneMarketing(Strict):
    """Telephone prospecting (R-41): each call list is screened against the Belgian "Do Not Call Me" register."""

    enabled: bool = False
    dncm_refresh_days: int = Field(
        default=30, ge=1, le=366, description="the register's update period; an older import is flagged"
    )


class Organisation(Strict):
    slug: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,40}$")]
    legal_name: str = Field(min_length=2)
    legal_form: str | None = None
    registered_office: Address | None = None
    correspondence_address: Address | None = None
    company_number: str | None = Field(default=None, description="Crossroads Bank for Enterprises (BCE/KBO)")
    website: str | None = None
    contact: list[ContactPoint] = Field(default_factory=list)
    dpo: Dpo | None = None
    joint_controllers: list[JointController] = Field(default_factory=list)
    further_copy_fee: FurtherCopyFee | None = Field(
        default=None, description="fee for a further copy of one's data (R-52); none when absent"
    )
    supervisory_authority: Literal["apd"] = "apd"
    languages: list[Lang] = Field(min_length=1)
    authoritative_language: Lang
    role: OrgRole = OrgRole.CONTROLLER
    automated_decisions: Label | None = Field(
        default=None, description="logic and consequences where Art. 22 decisions are made; none when absent"
    )
    third_party_marketing: Literal["forbidden", "consent_required"] = Field(
        default="forbidden", description="sharing data with others for their own marketing (R-39)"
    )
    phone_marketing: PhoneMarketing = Field(
        default=PhoneMarketing(), description="telephone prospecting; disabled unless enabled here (R-41)"
    )


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


class DataCategory(Strict):
    key: Key
    extends: Key | None = Field(default=None, description="the fideslang data category this one refines")
    label: Label
    special: bool = Field(default=False, description="Art. 9/10 data; derived from fideslang keys as well")
    art9_condition: Art9Condition | None = None


class RecipientType(StrEnum):
    PROCESSOR = "processor"
    SUB_PROCESSOR = "sub_processor"
    INDEPENDENT_CONTROLLER = "independent_controller"
    JOINT_CONTROLLER = "joint_controller"
    PUBLIC_AUTHORITY = "public_authority"
    THIRD_PARTY = "third_party"


class Mechanism(StrEnum):
    ADEQUACY = "adequacy"
    ADEQUACY_DPF = "adequacy_dpf"
    SCC = "scc"
    BCR = "bcr"
    DEROGATION = "art49_derogation"


class Transfer(Strict):
    mechanism: Mechanism
    reference: str = Field(description="decision id, certification, SCC version and module, or derogation")
    tia_ref: str | None = Field(default=None, description="transfer impact assessment, for SCC and BCR")
    valid_until: date | None = None
    obtain_copy: Label | None = Field(
        default=None, description="how a person obtains a copy of the safeguards"
    )


class AudienceUpload(Strict):
    """Customer lists uploaded to a social network as matched audiences (R-40; EDPB Guidelines 8/2020)."""

    enabled: bool = False
    hashed: bool = Field(
        default=True, description="the platform takes SHA-256 of normalised values, as it declares"
    )


class Recipient(Strict):
    key: Key
    name: str
    label: Label
    type: RecipientType
    countries: list[Country] = Field(min_length=1)
    dpa_ref: str | None = None
    transfer: Transfer | None = None
    fields: list[Key] = Field(default_factory=list, description="whitelist of data categories it may receive")
    endpoint: Annotated[str, Field(pattern=r"^https?://")] | None = Field(
        default=None, description="where audience exports and Art. 19 notifications are sent (HTTPS)"
    )
    audience_upload: AudienceUpload | None = Field(
        default=None, description="a social network taking matched audiences (R-40); absent = none"
    )


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

    @field_validator("duration", "review_every")
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
    legal_basis: Basis | list[BasisFor] | None = Field(
        default=None, description="required for controller activities; a processor acts on its client's basis"
    )
    legitimate_interest: Assessment | None = None
    data_categories: list[Key] = Field(min_length=1)
    subjects: list[Key] = Field(min_length=1)
    recipients: list[Key] = Field(default_factory=list)
    retention: Key
    security_measures: list[Key] = Field(min_length=1)
    sources: list[Source] = Field(default_factory=lambda: [Source.SUBJECT])
    requirement: Requirement = Requirement(kind=RequirementKind.VOLUNTARY)
    automated_decisions: bool = False


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
    duration: str = Field(description="'session' or an ISO 8601 period")
    recipient: Key | None = None
    activity: Key | None = Field(default=None, description="the activity whose consent covers it")

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: str) -> str:
        if value != "session" and not ISO_DURATION.match(value):
            raise ValueError("use 'session' or an ISO 8601 period such as P13M")
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
    intro: Label | None = None


class Register(Strict):
    """A whole register of processing (GDPR Art. 30) for one organisation."""

    format: Literal[1] = Field(description="register format version")
    organisation: Organisation
    subject_categories: list[SubjectCategory] = Field(min_length=1)
    data_categories: list[DataCategory] = Field(min_length=1)
    recipients: list[Recipient] = Field(default_factory=list)
    retention_rules: list[RetentionRule] = Field(min_length=1)
    security_measures: list[SecurityMeasure] = Field(min_length=1)
    activities: list[Activity] = Field(min_length=1)
    trackers: list[Tracker] = Field(default_factory=list)
    forms: list[Form] = Field(default_factory=list)
    datastores: list[Datastore] = Field(
        default_factory=list, description="the company's other databases, as dataset maps (connectors)"
    )
