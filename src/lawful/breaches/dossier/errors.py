"""Dossier errors: each names the item that is missing, and nothing is recorded."""

from lawful.errors import RuleViolation


class DossierRefused(RuleViolation):
    """A notification lacking an item Art. 33(3) requires, not declared to follow; a late one without the
    reason for the delay; a processor's case without the controller's instruction."""

    code = "breach_dossier_refused"
