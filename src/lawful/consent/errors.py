"""Consent errors."""

from lawful.errors import NotFound, RuleViolation


class ConsentNotGiven(RuleViolation):
    code = "consent_not_given"


class NotConsentBased(RuleViolation):
    code = "not_consent_based"


class UnknownPurpose(NotFound):
    code = "unknown_purpose"
