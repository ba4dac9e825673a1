"""Marketing errors."""

from lawful.errors import Conflict, LawfulError, NotFound, RuleViolation


class LinkExpired(Conflict):
    code = "link_expired"


class BadToken(NotFound):
    code = "unknown_link"


class TemplateRefused(RuleViolation):
    code = "template_refused"


class HeaderRefused(RuleViolation):
    code = "header_refused"


class RecipientRefused(Conflict):
    code = "recipient_refused"


class AudienceUploadDisabled(Conflict):
    code = "audience_upload_disabled"


class ConsentRequired(RuleViolation):
    code = "consent_required"


class PhoneMarketingDisabled(Conflict):
    code = "phone_marketing_disabled"


class DncmMissing(Conflict):
    code = "dncm_missing"


class DncmFileInvalid(RuleViolation):
    code = "dncm_file_invalid"


class NotForPhone(RuleViolation):
    code = "purpose_without_phone"


class UnknownRecipient(NotFound):
    code = "unknown_recipient"


class PlatformUnreachable(LawfulError):
    """The platform could not be reached: nothing left, nothing is recorded."""

    status = 502
    code = "platform_unreachable"


class InvalidNumber(RuleViolation):
    """A phone number that does not parse (the number itself is never repeated back)."""

    code = "invalid_phone_number"
