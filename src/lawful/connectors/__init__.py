"""The company's other systems: SQL databases described by the register's dataset maps (access, erasure,
and the end of what they keep)."""

from . import client_end, rules
from .datastore import dispose
from .errors import (
    DatastoreNotConfigured,
    DatastoreRefused,
    DatastoreUnreachable,
    MapMismatch,
    UnknownDatastore,
)
from .events import Imported, import_events
from .models import DatastoreErasure
from .people import Held, people_in
from .retention import (
    DatastoreRetention,
    RetentionDone,
    RetentionLine,
    RetentionPlan,
    RetentionProblem,
    RetentionRun,
    list_retention_entries,
    retention_plan,
    retention_run,
)
from .service import check, collect, erase, get_datastore, preview

__all__ = [
    "DatastoreErasure",
    "DatastoreNotConfigured",
    "DatastoreRefused",
    "DatastoreRetention",
    "DatastoreUnreachable",
    "Held",
    "Imported",
    "MapMismatch",
    "RetentionDone",
    "RetentionLine",
    "RetentionPlan",
    "RetentionProblem",
    "RetentionRun",
    "UnknownDatastore",
    "check",
    "client_end",
    "collect",
    "dispose",
    "erase",
    "get_datastore",
    "import_events",
    "list_retention_entries",
    "people_in",
    "preview",
    "retention_plan",
    "retention_run",
    "rules",
]
