"""The register of processing (Art. 30) as code: YAML document, rules, stored versions, exports."""

from . import (
    letterhead,  # noqa: F401  (tells the mail kernel how letters name the company)
    taxonomy,
)
from .clients import client_of, dpa_complete
from .compatibility import notice_required
from .datastores import (
    AtEnd,
    Datastore,
    DatastoreColumn,
    DatastoreTable,
    ErasureAction,
    EventColumn,
    EventKind,
    IdentityLink,
    ParentLink,
    dated_by,
    deleted_at_end,
    kept_rules,
)
from .diff import Change, diff
from .document import (
    Activity,
    Basis,
    Client,
    Dpa,
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
from .known_trackers import MAX_ANALYTICS_MONTHS
from .known_trackers import identify as identify_tracker
from .loader import MAX_CHARACTERS
from .models import Organisation, RegisterVersion
from .periods import DAY_TRIGGERS, add_period, period_parts, retention_end, retention_start, shortest
from .portability import Portable, portable
from .record import record
from .retention import WARNABLE
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
    in_force,
    list_organisations,
    list_versions,
    register_by_id,
    register_of,
)
from .trackers import Found, unregistered
from .transfers import outside_eea, transfer_lapse, transfer_suspension

__all__ = [
    "DAY_TRIGGERS",
    "EEA",
    "MAX_ANALYTICS_MONTHS",
    "MAX_CHARACTERS",
    "MEDIA_TYPES",
    "WARNABLE",
    "Activity",
    "AtEnd",
    "Basis",
    "Change",
    "Client",
    "Datastore",
    "DatastoreColumn",
    "DatastoreTable",
    "Dpa",
    "ErasureAction",
    "EventColumn",
    "EventKind",
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
    "client_of",
    "compare",
    "count_versions",
    "current_register",
    "current_select",
    "current_version_id",
    "dated_by",
    "deleted_at_end",
    "diff",
    "dpa_complete",
    "export",
    "find_current",
    "find_organisation",
    "get_organisation",
    "get_organisation_by_id",
    "get_version",
    "identify_tracker",
    "in_force",
    "is_special",
    "kept_rules",
    "list_organisations",
    "list_versions",
    "notice_required",
    "outside_eea",
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
    "transfer_lapse",
    "transfer_suspension",
    "unregistered",
]
