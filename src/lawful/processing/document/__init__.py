"""The register document: the YAML format a privacy officer keeps in git, as Pydantic models.

Its JSON Schema (`lawful register schema`) is generated from these models. Structure and types are
checked here, one module per part of the document; the legal rules that span several parts live in
`rules.py`.
"""

from typing import Literal

from pydantic import Field

from ..datastores import Datastore
from .activities import (
    Activity,
    ActivityRole,
    Assessment,
    Basis,
    BasisFor,
    Compatibility,
    CompatibilityOutcome,
    EndAction,
    Requirement,
    RequirementKind,
    RetentionRule,
    SecurityMeasure,
    Source,
    Trigger,
)
from .categories import Art9Condition, DataCategory, Origin, SubjectCategory
from .clients import Authorisation, Client, Dpa, EndOfContract, ReturnFormat, deadline_hours
from .organisation import (
    Address,
    ContactKind,
    ContactPoint,
    Dpo,
    FurtherCopyFee,
    JointController,
    Organisation,
    OrgRole,
    PhoneMarketing,
    Portability,
    PortabilityScope,
    Records,
)
from .recipients import (
    AnalyticsSettings,
    AudienceUpload,
    Mechanism,
    OnLapse,
    Recipient,
    RecipientType,
    Transfer,
)
from .strict import ISO_DURATION, Country, Key, Label, Lang, Strict
from .website import FieldType, Form, FormField, Tracker, TrackerCategory, TrackerKind


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
    clients: list[Client] = Field(
        default_factory=list, description="client controllers the company processes data for (Art. 28)"
    )


__all__ = [
    "ISO_DURATION",
    "Activity",
    "ActivityRole",
    "Address",
    "AnalyticsSettings",
    "Art9Condition",
    "Assessment",
    "AudienceUpload",
    "Authorisation",
    "Basis",
    "BasisFor",
    "Client",
    "Compatibility",
    "CompatibilityOutcome",
    "ContactKind",
    "ContactPoint",
    "Country",
    "DataCategory",
    "Dpa",
    "Dpo",
    "EndAction",
    "EndOfContract",
    "FieldType",
    "Form",
    "FormField",
    "FurtherCopyFee",
    "JointController",
    "Key",
    "Label",
    "Lang",
    "Mechanism",
    "OnLapse",
    "OrgRole",
    "Organisation",
    "Origin",
    "PhoneMarketing",
    "Portability",
    "PortabilityScope",
    "Recipient",
    "RecipientType",
    "Records",
    "Register",
    "Requirement",
    "RequirementKind",
    "RetentionRule",
    "ReturnFormat",
    "SecurityMeasure",
    "Source",
    "Strict",
    "SubjectCategory",
    "Tracker",
    "TrackerCategory",
    "TrackerKind",
    "Transfer",
    "Trigger",
    "deadline_hours",
]
