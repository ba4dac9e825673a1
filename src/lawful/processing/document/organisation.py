"""The organisation: the controller's identity, contact points, DPO, joint controllers and its choices."""

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator

from .strict import ISO_DURATION, Country, Label, Lang, Strict


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


class PortabilityScope(StrEnum):
    """What an Art. 20 copy carries, of the data processed on consent or contract (A-08)."""

    PROVIDED_ONLY = "provided_only"  # the legal minimum: what the person gave or did, nothing inferred
    ALL_UNDER_CONTRACT_OR_CONSENT = "all_under_contract_or_consent"  # "all your personal data" (seed 003)


class Portability(Strict):
    scope: PortabilityScope = PortabilityScope.PROVIDED_ONLY


class Records(Strict):
    """How long the organisation's own accountability records are kept (R-82)."""

    rights_requests: str = Field(
        default="P5Y", description="a closed rights request (case, steps, fee) after its closure; ISO 8601"
    )
    consent_evidence: str = Field(
        default="P5Y",
        description="the proof of a consent that ended (withdrawn, refused, expired) after its end; then "
        "kept without the person's identifiers (time, text hash, version, method); ISO 8601",
    )

    @field_validator("rights_requests", "consent_evidence")
    @classmethod
    def _iso(cls, value: str) -> str:
        if not ISO_DURATION.match(value):
            raise ValueError(f"{value!r} is not an ISO 8601 period such as P5Y, P3M or P30D")
        return value


MIN_CONTRAST = 4.5  # WCAG 2.1 SC 1.4.3: normal text; the colour is used for links and under white button text


def contrast_with_white(colour: str) -> float:
    """The WCAG 2.1 contrast ratio between `colour` (#rrggbb) and white."""

    def linear(value: int) -> float:
        share = value / 255
        return share / 12.92 if share <= 0.04045 else ((share + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * red + 0.7152 * green + 0.0722 * blue + 0.05)


class Brand(Strict):
    """How the people's pages show the organisation: its colour and logo, served from lawful itself."""

    colour: str | None = Field(
        default=None,
        pattern=r"^#[0-9a-fA-F]{6}$",
        description=f"links and buttons; at least {MIN_CONTRAST}:1 against white (WCAG 2.1 AA)",
    )
    logo: str | None = Field(
        default=None,
        max_length=60_000,
        pattern=r"^data:image/(png|webp|svg\+xml);base64,[A-Za-z0-9+/]+=*$",
        description="an inline image (data: URI), so that no page loads anything from another site",
    )

    @field_validator("colour")
    @classmethod
    def _readable(cls, colour: str | None) -> str | None:
        if colour is not None and contrast_with_white(colour) < MIN_CONTRAST:
            ratio = contrast_with_white(colour)
            raise ValueError(f"contrast {ratio:.2f}:1 against white; at least {MIN_CONTRAST}:1 is needed")
        return colour


class Organisation(Strict):
    slug: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,40}$")]
    legal_name: str = Field(min_length=2)
    brand: Brand | None = Field(default=None, description="colour and logo of the people's pages")
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
    portability: Portability = Field(
        default=Portability(), description="what a portable copy carries (R-68, A-08); the legal minimum"
    )
    records: Records = Field(default=Records(), description="how long accountability records are kept (R-82)")
