"""The purpose gate: every use of personal data asks whether this purpose may use it now."""

from . import exports
from .errors import PurposeDenied, UnknownPurpose
from .models import Export
from .rules import Decision, Person, Purpose, Reason
from .service import Reading, decide, decide_many, find_subject, purpose_of, read

__all__ = [
    "Decision",
    "Export",
    "Person",
    "Purpose",
    "PurposeDenied",
    "Reading",
    "Reason",
    "UnknownPurpose",
    "decide",
    "decide_many",
    "exports",
    "find_subject",
    "purpose_of",
    "read",
]
