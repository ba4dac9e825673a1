"""Register errors."""

from lawful.errors import NotFound, RuleViolation


class RegisterInvalid(RuleViolation):
    code = "register_invalid"


class OrganisationNotFound(NotFound):
    code = "organisation_not_found"


class RegisterNotFound(NotFound):
    code = "register_not_found"


class ScanFailed(RuleViolation):
    code = "scan_failed"
