"""Outgoing mail: queued in the outbox with the unit of work that causes it (outbox.py), delivered after
commit as a letter from the company (delivery.py, letter.py)."""

from .delivery import (
    RETRY_DELAYS,
    Delivery,
    Malformed,
    Screen,
    deliver,
    deliver_due,
    on_failure,
    screen_with,
)
from .letter import (
    KINDS,
    Kind,
    Letterhead,
    UnknownKind,
    kind_of,
    letterhead,
    letterheads_from,
    notice_url,
    public_name,
)
from .outbox import (
    TABLE,
    Mail,
    OutboxMessage,
    deliver_with,
    discard_queued,
    mark_queued,
    outbox_row,
    queue,
    recipient_lookup,
)

__all__ = [
    "KINDS",
    "RETRY_DELAYS",
    "TABLE",
    "Delivery",
    "Kind",
    "Letterhead",
    "Mail",
    "Malformed",
    "OutboxMessage",
    "Screen",
    "UnknownKind",
    "deliver",
    "deliver_due",
    "deliver_with",
    "discard_queued",
    "kind_of",
    "letterhead",
    "letterheads_from",
    "mark_queued",
    "notice_url",
    "on_failure",
    "outbox_row",
    "public_name",
    "queue",
    "recipient_lookup",
    "screen_with",
]
