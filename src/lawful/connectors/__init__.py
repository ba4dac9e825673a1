"""The company's other systems: SQL databases described by the register's dataset maps (access, erasure)."""

from . import rules
from .datastore import dispose
from .errors import DatastoreNotConfigured, DatastoreUnreachable, MapMismatch, UnknownDatastore
from .models import DatastoreErasure
from .service import check, collect, erase, get_datastore, preview

__all__ = [
    "DatastoreErasure",
    "DatastoreNotConfigured",
    "DatastoreUnreachable",
    "MapMismatch",
    "UnknownDatastore",
    "check",
    "collect",
    "dispose",
    "erase",
    "get_datastore",
    "preview",
    "rules",
]
