"""Sub-processor changes told to the clients, with an objection window before any data flow (R-104)."""

from .errors import ChangeDecided, ChangeNotFound, SubProcessorRefused
from .models import SubProcessorChange
from .schemas import SubProcessorChangeCreate, SubProcessorChangeRead, SubProcessorDecision
from .service import blocked, decide, get_change, list_changes, record_change

__all__ = [
    "ChangeDecided",
    "ChangeNotFound",
    "SubProcessorChange",
    "SubProcessorChangeCreate",
    "SubProcessorChangeRead",
    "SubProcessorDecision",
    "SubProcessorRefused",
    "blocked",
    "decide",
    "get_change",
    "list_changes",
    "record_change",
]
