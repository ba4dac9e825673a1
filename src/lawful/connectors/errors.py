"""Connector errors: a dataset map that does not fit its database, a datastore without a URL."""

from lawful.errors import Conflict, RuleViolation


class MapMismatch(RuleViolation):
    """The dataset map names a table or column the live database does not have."""

    code = "dataset_map_mismatch"


class DatastoreNotConfigured(RuleViolation):
    code = "datastore_not_configured"


class UnknownDatastore(RuleViolation):
    code = "unknown_datastore"


class DatastoreUnreachable(Conflict):
    code = "datastore_unreachable"


class DatastoreRefused(Conflict):
    """The datastore refused a change (a table outside the map still references the rows, say)."""

    code = "datastore_refused"


class DayAhead(RuleViolation):
    """A later day would end data, or record events, before their time: allowed in test mode only."""

    code = "day_ahead"
