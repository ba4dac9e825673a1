"""The register of processing (Art. 30) as code: YAML document, rules, stored versions, exports."""

from . import (
    letterhead,  # noqa: F401  (tells the mail kernel how letters name the company)
    taxonomy,
)
from .datastores import (
    Datastore,
    DatastoreColumn,
    DatastoreTable,
    ErasureAction,
    IdentityLink,
    ParentLink,
)
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
    RetentionRule,
    Tracker,
    TrackerCategory,
    TrackerKind,
    Trigger,
)
from .errors import OrganisationNotFound, RegisterInvalid, RegisterNotFound, ScanFailed
from .export import MEDIA_TYPES, ExportFormat, export
from .models import Organisation, RegisterVersion
from .periods import DAY_TRIGGERS, add_period, period_parts, retention_end, retention_start, shortest
from .portability import Portable, portable
from .record import record
from .rules import EEA, Problem, bases, is_special
from .scan import scan
from .service import (
    apply,
    check,
    compare,
    count_versions,
    current_register,
    current_select,
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
    "DAY_TRIGGERS",
    "EEA",
    "MEDIA_TYPES",
    "Activity",
    "Basis",
    "Change",
    "Datastore",
    "DatastoreColumn",
    "DatastoreTable",
    "ErasureAction",
    "ExportFormat",
    "FieldType",
    "Form",
    "FormField",
    "Found",
    "IdentityLink",
    "Label",
    "Organisation",
    "OrganisationNotFound",
    "ParentLink",
    "Portable",
    "Problem",
    "Recipient",
    "Register",
    "RegisterInvalid",
    "RegisterNotFound",
    "RegisterVersion",
    "RetentionRule",
    "ScanFailed",
    "Tracker",
    "TrackerCategory",
    "TrackerKind",
    "Trigger",
    "add_period",
    "apply",
    "bases",
    "check",
    "compare",
    "count_versions",
    "current_register",
    "current_select",
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
    "period_parts",
    "portable",
    "record",
    "register_by_id",
    "register_of",
    "retention_end",
    "retention_start",
    "scan",
    "shortest",
    "taxonomy",
    "unregistered",
]
