"""Scope errors: each names the field that is wrong, and nothing is written."""

from lawful.errors import Conflict, NotFound, RuleViolation


class ScopeRefused(RuleViolation):
    """A scope naming an unknown datastore, table, category, recipient, export or actor, or an empty window."""

    code = "breach_scope_refused"


class AffectedListGone(Conflict):
    """The case has no list of the people affected: never computed, or destroyed after closure (R-82)."""

    code = "breach_affected_list_gone"


class ScopeNotComputed(NotFound):
    code = "breach_scope_not_computed"
