"""Automatic deletions after a withdrawn consent or an upheld objection (R-62, Art. 17(1)(b)-(c))."""

from . import rules, tasks
from .execution import delete_items, erase_many, erase_whole, execute
from .models import Deletion
from .rules import Trigger, Why
from .service import due, find, get, list_deletions, plan, references, schedule

__all__ = [
    "Deletion",
    "Trigger",
    "Why",
    "delete_items",
    "due",
    "erase_many",
    "erase_whole",
    "execute",
    "find",
    "get",
    "list_deletions",
    "plan",
    "references",
    "rules",
    "schedule",
    "tasks",
]
