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


class ScanRefused(RuleViolation):
    """The address is not one lawful may visit (not http or https, or an internal address, Art. 32)."""

    code = "url_refused"
