"""Automatic deletions after a withdrawn consent or an upheld objection (R-62, Art. 17(1)(b)-(c))."""

from . import rules, tasks
from .models import Deletion
from .rules import Trigger, Why
from .service import due, execute, find, get, list_deletions, plan, schedule

__all__ = [
    "Deletion",
    "Trigger",
    "Why",
    "due",
    "execute",
    "find",
    "get",
    "list_deletions",
    "plan",
    "rules",
    "schedule",
    "tasks",
]
