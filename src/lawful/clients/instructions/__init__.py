"""A client's documented instructions (R-100): one that appears to infringe data-protection law is flagged,
processing under it suspended, and the client told, until the client confirms or corrects it."""

from .errors import FlagNotFound, InstructionRefused
from .models import InstructionFlag
from .schemas import FlagCreate, FlagRead, FlagResolve
from .service import flag, list_flags, resolve, suspended

__all__ = [
    "FlagCreate",
    "FlagNotFound",
    "FlagRead",
    "FlagResolve",
    "InstructionFlag",
    "InstructionRefused",
    "flag",
    "list_flags",
    "resolve",
    "suspended",
]
