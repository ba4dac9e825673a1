"""Refusals about a client's instructions."""

from lawful.errors import Conflict, NotFound, RuleViolation


class InstructionRefused(RuleViolation):
    code = "instruction_refused"


class FlagNotFound(NotFound):
    code = "instruction_flag_not_found"


class FlagResolved(Conflict):
    code = "instruction_flag_resolved"
