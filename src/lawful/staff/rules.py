"""Roles and what they may do (R-84): least privilege, personal data only for trained staff."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Role(StrEnum):
    PRIVACY_OFFICER = "privacy_officer"
    SUPPORT = "support"
    SALES = "sales"
    MARKETING = "marketing"
    FINANCE = "finance"
    LEGAL = "legal"
    ENGINEER = "engineer"
    ADMIN = "admin"
    AUDITOR = "auditor"


CLIENT_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")  # a client's key in the register (processing.Client)
REGISTER_READ = "register:read"
REGISTER_WRITE = "register:write"
NOTICE_PUBLISH = "notice:publish"
AUDIT_READ = "audit:read"
STAFF_MANAGE = "staff:manage"
PERSONAL_DATA_READ = "personal_data:read"
ARCHIVE_READ = "archive:read"
SUBJECTS_READ = "subjects:read"
SUBJECTS_WRITE = "subjects:write"
SUBJECTS_FLAG = "subjects:flag"
DECISIONS_ASK = "decisions:ask"
EXPORT_APPROVE = "export:approve"
MARKETING_SEND = "marketing:send"
DSR_READ = "dsr:read"
DSR_WRITE = "dsr:write"
STATS_READ = "stats:read"  # aggregates without identifiers, small cells suppressed
# recording, approving and carrying out a disclosure to an authority; the log itself is read with it
# too, since who an authority asked about may be covered by the secrecy of an investigation
DISCLOSURES_APPROVE = "disclosures:approve"
BREACHES_READ = "breaches:read"
BREACHES_WRITE = "breaches:write"
BREACHES_REPORT = "breaches:report"  # a processor's API key: reports breaches and sees its own reports only
RETENTION_READ = "retention:read"  # the retention plans: what leaves, when (privacy officer)
COMPLIANCE_READ = "compliance:read"  # what is overdue or soon due, with references and register paths
RETENTION_RUN = "retention:run"
# a client controller's key: sees the requests forwarded to it and gives its instructions on them
CLIENTS_INSTRUCT = "clients:instruct"
# see a client system's credential, once, with a stated reason (engineers; audited)
CREDENTIALS_REVEAL = "credentials:reveal"

PERMISSIONS: frozenset[str] = frozenset(
    {
        REGISTER_READ,
        REGISTER_WRITE,
        NOTICE_PUBLISH,
        AUDIT_READ,
        STAFF_MANAGE,
        PERSONAL_DATA_READ,
        ARCHIVE_READ,
        SUBJECTS_READ,
        SUBJECTS_WRITE,
        SUBJECTS_FLAG,
        DECISIONS_ASK,
        EXPORT_APPROVE,
        MARKETING_SEND,
        DSR_READ,
        DSR_WRITE,
        STATS_READ,
        DISCLOSURES_APPROVE,
        BREACHES_READ,
        BREACHES_WRITE,
        BREACHES_REPORT,
        RETENTION_READ,
        COMPLIANCE_READ,
        RETENTION_RUN,
        CLIENTS_INSTRUCT,
        CREDENTIALS_REVEAL,
    }
)

_READ_PD = {REGISTER_READ, PERSONAL_DATA_READ, SUBJECTS_READ}
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.PRIVACY_OFFICER: PERMISSIONS - {STAFF_MANAGE, BREACHES_REPORT, CLIENTS_INSTRUCT, CREDENTIALS_REVEAL},
    Role.LEGAL: frozenset(
        {
            *_READ_PD,
            AUDIT_READ,
            ARCHIVE_READ,
            SUBJECTS_FLAG,
            DSR_READ,
            STATS_READ,
            DISCLOSURES_APPROVE,
            BREACHES_READ,
            COMPLIANCE_READ,
            RETENTION_READ,
        }
    ),
    Role.FINANCE: frozenset({*_READ_PD, ARCHIVE_READ}),
    Role.SUPPORT: frozenset({*_READ_PD, SUBJECTS_WRITE, DSR_READ, DSR_WRITE}),
    Role.SALES: frozenset({*_READ_PD, SUBJECTS_WRITE, DECISIONS_ASK}),
    Role.MARKETING: frozenset({*_READ_PD, DECISIONS_ASK, MARKETING_SEND, STATS_READ}),
    Role.ENGINEER: frozenset({REGISTER_READ, DECISIONS_ASK, CREDENTIALS_REVEAL}),
    Role.ADMIN: frozenset({REGISTER_READ, STAFF_MANAGE, AUDIT_READ}),
    Role.AUDITOR: frozenset({REGISTER_READ, AUDIT_READ, STATS_READ, COMPLIANCE_READ, RETENTION_READ}),
}

MIN_PASSWORD_LENGTH = 12
LOGIN_BACKOFF_BASE = timedelta(minutes=1)
TOTP_ALLOWED_DRIFT_STEPS = 1


def permissions_for(roles: list[str]) -> frozenset[str]:
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[Role(role)]
    return frozenset(granted)


def handles_personal_data(role: Role) -> bool:
    return PERSONAL_DATA_READ in ROLE_PERMISSIONS[role]


def grant_problem(role: Role, *, trained: bool, confidentiality_signed: bool) -> str | None:
    """Art. 29 and 32(4): only instructed staff bound to confidentiality may see personal data."""
    if not handles_personal_data(role):
        return None
    missing = [
        name
        for name, ok in (("training", trained), ("confidentiality undertaking", confidentiality_signed))
        if not ok
    ]
    if missing:
        return f"role {role} gives access to personal data and needs a recorded {' and '.join(missing)}"
    return None


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
    return None


def too_many_failures(recent_failures: int, limit: int) -> bool:
    return recent_failures >= limit


@dataclass(frozen=True)
class LoginLimits:
    """How failed logins are throttled: per (account, address) with back-off, and per address overall."""

    free_failures: int
    window: timedelta
    backoff_cap: timedelta
    address_failures: int


def login_delay(failures: int, *, free: int, base: timedelta, cap: timedelta) -> timedelta:
    """Art. 32: after `free` failures from one address on one account, each further one doubles the wait
    before the next try, up to `cap`. Per address, so an attacker elsewhere cannot lock the owner out."""
    if failures < free:
        return timedelta(0)
    doubled: timedelta = base * 2 ** min(failures - free, 32)
    return min(doubled, cap)


def access_review_overdue(due: date | None, *, today: date) -> bool:
    """R-84, Art. 32(1)(d): a grant not reviewed by its date stops working the day after."""
    return due is not None and today > due


# a role is given for a year at most and reviewed every six months unless the grant says otherwise.
GRANT_VALIDITY = timedelta(days=365)
GRANT_REVIEW_EVERY = timedelta(days=182)


class GrantState(StrEnum):
    IN_FORCE = "in_force"
    EXPIRED = "expired"
    REVIEW_OVERDUE = "review_overdue"
    REVOKED = "revoked"


def grant_state(*, expires_on: date, review_due: date, revoked: bool, today: date) -> GrantState:
    """A grant works up to and including its expiry and review dates, not the day after (R-84)."""
    if revoked:
        return GrantState.REVOKED
    if today > expires_on:
        return GrantState.EXPIRED
    if today > review_due:
        return GrantState.REVIEW_OVERDUE
    return GrantState.IN_FORCE


def grant_dates_problem(*, expires_on: date, review_due: date, today: date) -> str | None:
    if expires_on < today:
        return f"expires_on {expires_on} is in the past"
    if review_due < today:
        return f"review_due {review_due} is in the past"
    if review_due > expires_on:
        return f"review_due {review_due} falls after expires_on {expires_on}"
    return None
