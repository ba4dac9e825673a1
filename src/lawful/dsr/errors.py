"""Rights-request errors."""

from lawful.errors import Conflict, Forbidden, NotFound, RuleViolation


class RequestNotFound(NotFound):
    code = "request_not_found"


class CodeRefused(RuleViolation):
    code = "code_refused"


class TooManyAttempts(Conflict):
    code = "too_many_attempts"


class ExtensionRefused(RuleViolation):
    code = "extension_refused"


class RefusalRefused(RuleViolation):
    code = "refusal_refused"


class NotPrivacyOfficer(Forbidden):
    code = "privacy_officer_only"


class UnknownKind(RuleViolation):
    code = "unknown_request_kind"


class PackageGone(NotFound):
    code = "package_gone"


class ExtensionTooLong(ExtensionRefused):
    code = "extension_too_long"


class ExtensionTooLate(Conflict):
    code = "extension_too_late"


class TransitionRefused(Conflict):
    code = "transition_refused"


class FrozenData(Conflict):
    code = "frozen_data"


class FeeRefused(RuleViolation):
    code = "fee_refused"


class ObjectionDecisionRefused(RuleViolation):
    code = "objection_decision_refused"


class ObjectionNotPending(Conflict):
    code = "objection_not_pending"


class AssigneeRefused(RuleViolation):
    code = "assignee_refused"


class NotInRegister(RuleViolation):
    code = "not_in_register"


class BadDestination(RuleViolation):
    code = "bad_destination"


class RecordedByLawful(RuleViolation):
    code = "recorded_by_lawful"


class DestinationUnconfirmed(RuleViolation):
    code = "destination_unconfirmed"


class LetterNotFound(NotFound):
    code = "letter_not_found"


class NoContact(RuleViolation):
    code = "no_contact"


class IdentificationNotAsked(Conflict):
    code = "identification_not_asked"


class DeletionNotFound(NotFound):
    code = "deletion_not_found"
