"""The consent ledger with proof, the current consent of each person, and the exclusion list."""

from . import banner, optin, partners, preferences, withdrawals
from .errors import ConsentNotGiven, NotConsentBased, UnknownPurpose
from .evidence import Pseudonymised, pseudonymise_evidence
from .models import ConsentEvent, ConsentState, CookieChoice, OptIn, Suppression
from .rules import ConsentStatus, EventKind, current_state, is_marketing
from .service import (
    ALL_MARKETING,
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
from .withdrawals import OptOut, Withdrawal, object_to_marketing, on_opt_out, withdraw

__all__ = [
    "ALL_MARKETING",
    "ConsentEvent",
    "ConsentNotGiven",
    "ConsentState",
    "ConsentStatus",
    "CookieChoice",
    "EventKind",
    "NotConsentBased",
    "OptIn",
    "OptOut",
    "Proof",
    "Pseudonymised",
    "Suppression",
    "UnknownPurpose",
    "Withdrawal",
    "banner",
    "current_state",
    "ensure_consent_purpose",
    "first_event",
    "history",
    "is_marketing",
    "object_to_marketing",
    "on_opt_out",
    "optin",
    "partners",
    "preferences",
    "pseudonymise_evidence",
    "record",
    "states",
    "suppress",
    "suppressed",
    "suppression_lookup",
    "withdraw",
    "withdrawals",
]
