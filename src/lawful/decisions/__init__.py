"""The purpose gate: every use of personal data asks whether this purpose may use it now."""

from .errors import PurposeDenied, UnknownPurpose
from .rules import Decision, Person, Purpose, Reason
from .service import Reading, decide, decide_many, find_subject, purpose_of, read

__all__ = [
    "Decision",
    "Person",
    "Purpose",
    "PurposeDenied",
    "Reading",
    "Reason",
    "UnknownPurpose",
    "decide",
    "decide_many",
    "find_subject",
    "purpose_of",
    "read",
]
