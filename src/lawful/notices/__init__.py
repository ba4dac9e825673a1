"""Privacy and cookie notices rendered from the register, published as immutable versions."""

from . import changes
from .content import countries, lifetime, period
from .errors import (
    ChangelogMissing,
    LeadTimeTooShort,
    NoticeIncomplete,
    NoticeNotFound,
    NoticeUnchanged,
    OverrideReasonMissing,
    TranslationsStale,
)
from .models import NoticeVersion
from .rules import (
    COOKIE_ELEMENTS,
    PRIVACY_ELEMENTS,
    Missing,
    NoticeKind,
    classify,
    missing_elements,
    missing_labels,
)
from .service import (
    current_number,
    find_latest,
    get_current,
    get_version,
    list_versions,
    number_in_force_select,
    page,
    preview,
    publish,
)

__all__ = [
    "COOKIE_ELEMENTS",
    "PRIVACY_ELEMENTS",
    "ChangelogMissing",
    "LeadTimeTooShort",
    "Missing",
    "NoticeIncomplete",
    "NoticeKind",
    "NoticeNotFound",
    "NoticeUnchanged",
    "NoticeVersion",
    "OverrideReasonMissing",
    "TranslationsStale",
    "changes",
    "classify",
    "countries",
    "current_number",
    "find_latest",
    "get_current",
    "get_version",
    "lifetime",
    "list_versions",
    "missing_elements",
    "missing_labels",
    "number_in_force_select",
    "page",
    "period",
    "preview",
    "publish",
]
