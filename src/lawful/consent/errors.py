"""Consent errors."""

from lawful.errors import Conflict, NotFound, RuleViolation


class ConsentNotGiven(RuleViolation):
    code = "consent_not_given"


class NotConsentBased(RuleViolation):
    code = "not_consent_based"


class UnknownPurpose(NotFound):
    code = "unknown_purpose"


class LinkUsed(Conflict):
    code = "link_used"


class LinkExpired(Conflict):
    code = "link_expired"


class UnknownLink(NotFound):
    code = "unknown_link"
