"""Notice errors."""

from lawful.errors import Conflict, NotFound, RuleViolation


class NoticeIncomplete(Conflict):
    code = "notice_incomplete"


class NoticeNotFound(NotFound):
    code = "notice_not_found"


class LeadTimeTooShort(RuleViolation):
    code = "notice_lead_time"


class ChangelogMissing(RuleViolation):
    code = "changelog_required"


class OverrideReasonMissing(RuleViolation):
    code = "override_reason_required"


class NoticeUnchanged(Conflict):
    code = "notice_unchanged"


class TranslationsStale(Conflict):
    code = "translations_stale"
