"""Refusals of the credential vault: never quoting a secret."""

from lawful.errors import Conflict, NotFound, RuleViolation


class CredentialNotFound(NotFound):
    code = "credential_not_found"


class CredentialRefused(RuleViolation):
    code = "credential_refused"


class CredentialGone(Conflict):
    code = "credential_destroyed"
