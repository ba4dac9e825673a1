"""The computed scope of a breach (R-98): the people, categories and counts from lawful's data, the
datastores' maps, the exports and the audit log, kept sealed with the case until closure plus a period."""

from . import rules, tasks
from .errors import AffectedListGone, ScopeRefused
from .models import BreachScope
from .schemas import DatastoreScope, ScopeCreate, ScopeRead
from .service import OWNER, Computed, affected, compute, forget_due, latest, read

__all__ = [
    "OWNER",
    "AffectedListGone",
    "BreachScope",
    "Computed",
    "DatastoreScope",
    "ScopeCreate",
    "ScopeRead",
    "ScopeRefused",
    "affected",
    "compute",
    "forget_due",
    "latest",
    "read",
    "rules",
    "tasks",
]
