"""Append-only, hash-chained audit log of every write and every read of personal data."""

from . import outbox  # noqa: F401  (audits the mail the outbox gives up)
from .errors import ChainBroken
from .heads import NoAuditKey
from .models import AuditEntry, AuditSignedHead
from .rules import Break
from .service import TABLE, content, count, entry, head, latest, list_entries, record, seal, unsealed, verify

__all__ = [
    "TABLE",
    "AuditEntry",
    "AuditSignedHead",
    "Break",
    "ChainBroken",
    "NoAuditKey",
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
