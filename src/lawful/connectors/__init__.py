"""The company's other systems: SQL databases described by the register's dataset maps (access, erasure)."""

from . import rules
from .datastore import dispose
from .errors import DatastoreNotConfigured, DatastoreUnreachable, MapMismatch, UnknownDatastore
from .models import DatastoreErasure
from .people import Held, people_in
from .service import check, collect, erase, get_datastore, preview

__all__ = [
    "DatastoreErasure",
    "DatastoreNotConfigured",
    "DatastoreUnreachable",
    "Held",
    "MapMismatch",
    "UnknownDatastore",
    "check",
    "collect",
    "dispose",
    "erase",
    "get_datastore",
    "people_in",
    "preview",
    "rules",
]
