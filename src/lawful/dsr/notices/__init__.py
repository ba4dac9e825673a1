"""Art. 19, R-56: recipients told of a request, by API with retries or by staff (service.py)."""

from .models import RecipientNotice
from .service import answered, complete, due, of_request, pending, record, retry, send, settle, tasks

__all__ = [
    "RecipientNotice",
    "answered",
    "complete",
    "due",
    "of_request",
    "pending",
    "record",
    "retry",
    "send",
    "settle",
    "tasks",
]
