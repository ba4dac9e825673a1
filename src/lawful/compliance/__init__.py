"""One compliance check over every domain: what is overdue or soon due, with its owner and its fix (R-125)."""

from . import art14, rules, tasks, transfers, trends
from .models import Art14Notice, ComplianceSnapshot, TransferSuspension
from .rules import Check, Item, Severity
from .schemas import ComplianceRead, ItemRead
from .service import check, check_register

__all__ = [
    "Art14Notice",
    "Check",
    "ComplianceRead",
    "ComplianceSnapshot",
    "Item",
    "ItemRead",
    "Severity",
    "TransferSuspension",
    "art14",
    "check",
    "check_register",
    "rules",
    "tasks",
    "transfers",
    "trends",
]
