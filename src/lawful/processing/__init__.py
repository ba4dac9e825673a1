"""The register of processing (Art. 30) as code: YAML document, rules, stored versions, exports."""

from . import taxonomy
from .diff import Change, diff
from .document import (
    Activity,
    Basis,
    FieldType,
    Form,
    FormField,
    Label,
    Recipient,
    Register,
    Tracker,
    TrackerCategory,
    TrackerKind,
)
from .errors import OrganisationNotFound, RegisterInvalid, RegisterNotFound, ScanFailed
from .export import MEDIA_TYPES, ExportFormat, export
from .models import Organisation, RegisterVersion
from .record import record
from .rules import EEA, Problem, bases, is_special
from .scan import scan
from .service import (
    apply,
    check,
    compare,
    count_versions,
    current_register,
    current_version_id,
    find_current,
    find_organisation,
    get_organisation,
    get_organisation_by_id,
    get_version,
    list_organisations,
    list_versions,
    register_by_id,
    register_of,
)
from .trackers import Found, unregistered

__all__ = [
    "EEA",
    "MEDIA_TYPES",
    "Activity",
    "Basis",
    "Change",
    "ExportFormat",
    "FieldType",
    "Form",
    "FormField",
    "Found",
    "Label",
    "Organisation",
    "OrganisationNotFound",
    "Problem",
    "Recipient",
    "Register",
    "RegisterInvalid",
    "RegisterNotFound",
    "RegisterVersion",
    "ScanFailed",
    "Tracker",
    "TrackerCategory",
    "TrackerKind",
    "apply",
    "bases",
    "check",
    "compare",
    "count_versions",
    "current_register",
    "current_version_id",
    "diff",
    "export",
    "find_current",
    "find_organisation",
    "get_organisation",
    "get_organisation_by_id",
    "get_version",
    "is_special",
    "list_organisations",
    "list_versions",
    "record",
    "register_by_id",
    "register_of",
    "scan",
    "taxonomy",
    "unregistered",
]
