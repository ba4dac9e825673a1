"""Rights requests (GDPR Art. 12-22): intake from any channel, identity, legal deadlines, every right fulfilled."""

from . import cases, deletions, forwarded, rules, steps
from .errors import (
    CodeRefused,
    ExtensionRefused,
    FrozenData,
    NotPrivacyOfficer,
    PackageGone,
    RefusalRefused,
    RequestNotFound,
    TooManyAttempts,
    TransitionRefused,
    UnknownKind,
)
from .models import Package, Request, Step, VerificationCode
from .officer import extend, refuse
from .service import (
    KINDS,
    contact,
    get,
    list_on_our_clock,
    list_open,
    open_request,
    request_from_token,
    send_code,
    status_token,
    verify,
)

__all__ = [
    "KINDS",
    "CodeRefused",
    "ExtensionRefused",
    "FrozenData",
    "NotPrivacyOfficer",
    "Package",
    "PackageGone",
    "RefusalRefused",
    "Request",
    "RequestNotFound",
    "Step",
    "TooManyAttempts",
    "TransitionRefused",
    "UnknownKind",
    "VerificationCode",
    "cases",
    "contact",
    "deletions",
    "extend",
    "forwarded",
    "get",
    "list_on_our_clock",
    "list_open",
    "open_request",
    "refuse",
    "request_from_token",
    "rules",
    "send_code",
    "status_token",
    "steps",
    "verify",
]
