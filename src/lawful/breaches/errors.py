"""Breach errors: each names the field that is wrong (`problems`), and nothing is written."""

from lawful.errors import Conflict, Forbidden, NotFound, RuleViolation


class BreachNotFound(NotFound):
    code = "breach_not_found"


class BreachRefused(RuleViolation):
    """Bad input to a case: a missing awareness time, a decision without reasons, a late notification
    without the reason for the delay."""

    code = "breach_refused"


class DecisionRefused(BreachRefused):
    code = "breach_decision_refused"


class CloseRefused(BreachRefused):
    code = "breach_close_refused"


class BreachClosed(Conflict):
    code = "breach_closed"


class NotYourReport(Forbidden):
    code = "breach_not_your_report"


class UnknownDetector(RuleViolation):
    code = "unknown_detector"
