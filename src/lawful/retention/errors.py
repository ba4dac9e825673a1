"""Retention errors."""

from lawful.errors import NotFound, RuleViolation


class RunNotFound(NotFound):
    code = "retention_run_not_found"


class RunAhead(RuleViolation):
    """A run as of a later moment than the clock would delete data before their time."""

    code = "run_ahead_of_clock"


class UnknownActivity(RuleViolation):
    code = "unknown_activity"


class MomentOutOfRange(RuleViolation):
    code = "moment_out_of_range"
