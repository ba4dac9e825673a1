"""Intake errors."""

from lawful.errors import Conflict, NotFound, RuleViolation


class UnknownForm(NotFound):
    code = "unknown_form"


class SubmissionInvalid(RuleViolation):
    code = "submission_invalid"


class UnderAge(RuleViolation):
    code = "under_age"


class ImportRefused(RuleViolation):
    code = "import_refused"


class LinkInvalid(NotFound):
    code = "link_invalid"


class LinkUsed(Conflict):
    code = "link_used"
