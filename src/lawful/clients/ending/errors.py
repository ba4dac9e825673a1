"""Refusals of the end-of-contract steps."""

from lawful.errors import Conflict, NotFound


class ContractEndNotFound(NotFound):
    code = "contract_end_not_found"


class StepRefused(Conflict):
    code = "contract_end_step_refused"
