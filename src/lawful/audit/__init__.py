"""Append-only, hash-chained audit log of every write and every read of personal data."""

from .errors import ChainBroken
from .models import AuditEntry
from .rules import Break
from .service import content, count, head, latest, list_entries, record, verify

__all__ = [
    "AuditEntry",
    "Break",
    "ChainBroken",
    "content",
    "count",
    "head",
    "latest",
    "list_entries",
    "record",
    "verify",
]
