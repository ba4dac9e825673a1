"""One compliance check over every domain: what is overdue or soon due, with its owner and its fix (R-125)."""

from . import rules
from .rules import Check, Item, Severity
from .schemas import ComplianceRead, ItemRead
from .service import check, check_register

__all__ = ["Check", "ComplianceRead", "Item", "ItemRead", "Severity", "check", "check_register", "rules"]
