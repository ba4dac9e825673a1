"""Marketing errors."""

from lawful.errors import Conflict, NotFound, RuleViolation


class LinkExpired(Conflict):
    code = "link_expired"


class BadToken(NotFound):
    code = "unknown_link"


class TemplateRefused(RuleViolation):
    code = "template_refused"
