"""Retention (R-71 to R-79): the plan and the runs that delete, anonymise or archive what the register's
periods say has expired, with a deletion log that never holds content."""

from . import rules, warnings
from .endings import Due, Group, Plan, due_now, rules_of
from .errors import MomentOutOfRange, RunAhead, RunNotFound, UnknownActivity
from .models import AnonymousCount, RetentionAction, RetentionRun, RetentionWarning
from .service import (
    BATCH,
    actions,
    check_moment,
    check_now,
    get_run,
    list_runs,
    plan,
    record_event,
    run,
    run_all,
)

__all__ = [
    "BATCH",
    "AnonymousCount",
    "Due",
    "Group",
    "MomentOutOfRange",
    "Plan",
    "RetentionAction",
    "RetentionRun",
    "RetentionWarning",
    "RunAhead",
    "RunNotFound",
    "UnknownActivity",
    "actions",
    "check_moment",
    "check_now",
    "due_now",
    "get_run",
    "list_runs",
    "plan",
    "record_event",
    "rules",
    "rules_of",
    "run",
    "run_all",
    "warnings",
]
