"""Art. 14 notices sent, printed or exempted (R-09, R-16)."""

from . import rules, wording
from .rules import Ground, Method
from .service import Art14Done, Art14NotFound, Sent, exempt, letter, notices, pending_ids, send_all, send_due

__all__ = [
    "Art14Done",
    "Art14NotFound",
    "Ground",
    "Method",
    "Sent",
    "exempt",
    "letter",
    "notices",
    "pending_ids",
    "rules",
    "send_all",
    "send_due",
    "wording",
]
