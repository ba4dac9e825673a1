"""A processor's notices of a breach to its client controllers (R-103): each client whose data a case
reached is told within its DPA's deadline, once, with the facts of its own people only."""

from . import alerts, rules, tasks
from .errors import ClientNoticeRefused
from .models import BreachClientNotice
from .rules import NoticeStatus
from .schemas import ClientNoticeRead, NotifyClients
from .service import Concern, concerned, notices, notify

__all__ = [
    "BreachClientNotice",
    "ClientNoticeRead",
    "ClientNoticeRefused",
    "Concern",
    "NoticeStatus",
    "NotifyClients",
    "alerts",
    "concerned",
    "notices",
    "notify",
    "rules",
    "tasks",
]
