"""Retention in the company's datastores: rows kept under `keep` leave when their period ends (R-72, R-75)."""

from .models import DatastoreRetention
from .outcome import LEGAL_HOLD, RetentionDone, RetentionLine, RetentionPlan, RetentionProblem, RetentionRun
from .service import list_retention_entries, retention_plan, retention_run

__all__ = [
    "LEGAL_HOLD",
    "DatastoreRetention",
    "RetentionDone",
    "RetentionLine",
    "RetentionPlan",
    "RetentionProblem",
    "RetentionRun",
    "list_retention_entries",
    "retention_plan",
    "retention_run",
]
