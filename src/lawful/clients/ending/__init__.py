"""The end of a client's DPA (R-107): the record of its steps; retention runs the erasure."""

from . import rules
from .errors import ContractEndNotFound, StepRefused
from .models import ContractEnd
from .schemas import ContractEndCreate, ContractEndRead

__all__ = [
    "ContractEnd",
    "ContractEndCreate",
    "ContractEndNotFound",
    "ContractEndRead",
    "StepRefused",
    "rules",
]
