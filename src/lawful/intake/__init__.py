"""Intake: declared forms, staff-recorded data, imports and self-service updates, with provenance."""

from .errors import ImportRefused, LinkInvalid, LinkUsed, SubmissionInvalid, UnderAge, UnknownForm
from .imports import ImportResult, import_csv, record
from .links import apply_update, create_update_link, open_update_link
from .models import AgeGateRefusal, UpdateLink
from .schemas import FormRead, SubjectCreate, SubmissionCreate
from .service import describe, form_of
from .submissions import submit

__all__ = [
    "AgeGateRefusal",
    "FormRead",
    "ImportRefused",
    "ImportResult",
    "LinkInvalid",
    "LinkUsed",
    "SubjectCreate",
    "SubmissionCreate",
    "SubmissionInvalid",
    "UnderAge",
    "UnknownForm",
    "UpdateLink",
    "apply_update",
    "create_update_link",
    "describe",
    "form_of",
    "import_csv",
    "open_update_link",
    "record",
    "submit",
]
