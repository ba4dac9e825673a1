"""Staff errors."""

from lawful.errors import Conflict, Forbidden, NotFound, RuleViolation, Unauthorised


class StaffNotFound(NotFound):
    code = "staff_not_found"


class StaffExists(Conflict):
    code = "staff_exists"


class GrantRefused(RuleViolation):
    code = "grant_refused"


class WeakPassword(RuleViolation):
    code = "weak_password"


class LoginFailed(Unauthorised):
    code = "login_failed"


class InvalidCredentials(Unauthorised):
    code = "invalid_credentials"


class AccessReviewDue(Forbidden):
    code = "access_review_due"
