"""Decision errors."""

from lawful.errors import NotFound, RuleViolation


class UnknownPurpose(NotFound):
    code = "unknown_purpose"


class PurposeDenied(RuleViolation):
    code = "purpose_denied"
