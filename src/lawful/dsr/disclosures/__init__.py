"""Disclosures to authorities and legal recipients (R-89): request, approval, minimum data, log, the person told."""

from . import rules
from .models import Disclosure, DisclosureSubject
from .rules import RequesterKind, Status
from .service import (
    Disclosed,
    DisclosureNotFound,
    approve,
    create,
    data,
    disclose,
    find,
    get,
    lift_prohibition,
    list_disclosures,
    people_of,
    reported,
    subject_ids,
)
from .telling import requester_words

__all__ = [
    "Disclosed",
    "Disclosure",
    "DisclosureNotFound",
    "DisclosureSubject",
    "RequesterKind",
    "Status",
    "approve",
    "create",
    "data",
    "disclose",
    "find",
    "get",
    "lift_prohibition",
    "list_disclosures",
    "people_of",
    "reported",
    "requester_words",
    "rules",
    "subject_ids",
]
