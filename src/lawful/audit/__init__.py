"""Append-only, hash-chained audit log of every write and every read of personal data."""

from . import outbox  # noqa: F401  (audits the mail the outbox gives up)
from .errors import ChainBroken
from .models import AuditEntry
from .rules import Break
from .service import TABLE, content, count, entry, head, latest, list_entries, record, seal, unsealed, verify

__all__ = [
    "TABLE",
    "AuditEntry",
    "Break",
    "ChainBroken",
    "content",
    "count",
    "entry",
    "head",
    "latest",
    "list_entries",
    "record",
    "seal",
    "unsealed",
    "verify",
]
