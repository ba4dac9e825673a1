"""Subject errors."""

from lawful.errors import Conflict, NotFound, RuleViolation


class SubjectNotFound(NotFound):
    code = "subject_not_found"


class InvalidIdentity(RuleViolation):
    code = "invalid_identity"


class HoldRefused(RuleViolation):
    code = "hold_refused"


class RestrictionRefused(RuleViolation):
    code = "restriction_refused"


class KeyDestroyed(Conflict):
    code = "key_destroyed"


class UnknownCategory(RuleViolation):
    code = "unknown_category"


class EventRefused(RuleViolation):
    code = "event_refused"


class ArchivedReadOnly(Conflict):
    """R-73: archived data are read-only; nothing is collected into an archived activity."""

    code = "archived_read_only"
