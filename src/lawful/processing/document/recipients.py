"""Recipients (Art. 13(1)(e)) and transfers outside the EEA with their safeguards (Art. 44-49)."""

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator

from .strict import ISO_DURATION, Country, Key, Label, Strict


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


class OnLapse(StrEnum):
    """What lawful does once a transfer mechanism is past its `valid_until` (R-114)."""

    SUSPEND = "suspend"  # nothing flows to the recipient until a register version renews the mechanism
    ALERT = "alert"  # flows go on; the lapse is recorded, shown as overdue and kept until the renewal


class Transfer(Strict):
    mechanism: Mechanism
    reference: str = Field(description="decision id, certification, SCC version and module, or derogation")
    tia_ref: str | None = Field(default=None, description="transfer impact assessment, for SCC and BCR")
    valid_until: date | None = None
    on_lapse: OnLapse = Field(
        default=OnLapse.SUSPEND,
        description="once past valid_until: suspend the flows (the default), or alert and let them go on "
        "(the controller's documented decision, e.g. while a renewal signed on paper is being recorded)",
    )
    obtain_copy: Label | None = Field(
        default=None, description="how a person obtains a copy of the safeguards"
    )


class AudienceUpload(Strict):
    """Customer lists uploaded to a social network as matched audiences (R-40; EDPB Guidelines 8/2020)."""

    enabled: bool = False
    hashed: bool = Field(
        default=True, description="the platform takes SHA-256 of normalised values, as it declares"
    )


class AnalyticsSettings(Strict):
    """How an analytics tool is configured (R-30; Art. 5(1)(c), 25(2)): as the tool's settings show them."""

    ip_truncation: bool = Field(description="IP addresses truncated or anonymised before storage")
    vendor_data_sharing: bool = Field(description="the vendor may use the data for its own purposes")
    advertising_features: bool = Field(
        default=False, description="advertising features (e.g. Google signals): only under marketing consent"
    )
    retention: str = Field(description="the tool's data-retention setting, an ISO 8601 period (at most P14M)")

    @field_validator("retention")
    @classmethod
    def _iso(cls, value: str) -> str:
        if not ISO_DURATION.match(value):
            raise ValueError(f"{value!r} is not an ISO 8601 period such as P14M")
        return value


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
    analytics: AnalyticsSettings | None = Field(
        default=None, description="an analytics tool's minimisation settings (R-30); needed where one is used"
    )
