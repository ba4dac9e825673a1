"""Refusals of sub-processor changes and of flows they hold back."""

from lawful.errors import Conflict, NotFound, RuleViolation


class SubProcessorRefused(RuleViolation):
    code = "sub_processor_refused"


class ChangeNotFound(NotFound):
    code = "sub_processor_change_not_found"


class ChangeDecided(Conflict):
    code = "sub_processor_change_decided"
