"""The consent ledger with proof, the current consent of each person, and the exclusion list."""

from . import banner, optin, partners
from .errors import ConsentNotGiven, NotConsentBased, UnknownPurpose
from .models import ConsentEvent, ConsentState, CookieChoice, OptIn, Suppression
from .rules import ConsentStatus, EventKind, current_state
from .service import (
    Proof,
    ensure_consent_purpose,
    first_event,
    history,
    record,
    states,
    suppress,
    suppressed,
    suppression_lookup,
)

__all__ = [
    "ConsentEvent",
    "ConsentNotGiven",
    "ConsentState",
    "ConsentStatus",
    "CookieChoice",
    "EventKind",
    "NotConsentBased",
    "OptIn",
    "Proof",
    "Suppression",
    "UnknownPurpose",
    "banner",
    "current_state",
    "ensure_consent_purpose",
    "first_event",
    "history",
    "optin",
    "partners",
    "record",
    "states",
    "suppress",
    "suppressed",
    "suppression_lookup",
]
