"""When an obligation the organisation keeps track of is overdue or soon due (Art. 5(2), R-125). Pure: dates
and facts in, a severity (or nothing to report) out. The gatherers in service.py supply the values."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum


class Severity(StrEnum):
    OVERDUE = "overdue"  # an obligation already missed: the check exits non-zero
    DUE_SOON = "due_soon"
    INFO = "info"


class Check(StrEnum):
    REQUEST = "request"
    BREACH = "breach"
    ART14 = "art14_notice"
    LIA = "legitimate_interest_assessment"
    LEGAL_HOLD = "legal_hold"
    DPA = "dpa"
    TRANSFER = "transfer_mechanism"
    SECURITY_MEASURE = "security_measure"
    STAFF_REVIEW = "staff_access_review"
    STAFF_GRANT = "staff_grant"  # a role's grant past or near its review or expiry
    TRANSLATION = "translation"
    AUDIT_CHAIN = "audit_chain"
    MASTER_KEY = "master_key"
    TOMBSTONE = "tombstone_backlog"


ORDER = {Severity.OVERDUE: 0, Severity.DUE_SOON: 1, Severity.INFO: 2}
REQUEST_SOON = timedelta(days=10)  # the first reminder goes out 10 days before the due date
ART14_SOON = timedelta(days=7)
REVIEW_SOON = timedelta(days=30)  # reviews, tests and renewals take time to organise
MASTER_KEY_MAX_AGE = timedelta(days=365)  # keys rotatable; rotated at least yearly


@dataclass(frozen=True)
class Item:
    """One finding: what, how urgent, who acts, which record (an id or register path, never personal data)."""

    check: Check
    severity: Severity
    owner: str  # a role
    concerns: str
    due: date | datetime | None = None
    count: int = 1


def by_date(due: date, today: date, soon: timedelta) -> Severity | None:
    """A date is met on the day itself: overdue from the next day, due soon within `soon` of it."""
    if today > due:
        return Severity.OVERDUE
    if today >= due - soon:
        return Severity.DUE_SOON
    return None


def request_severity(due_on: date, today: date) -> Severity | None:
    """Art. 12(3): an answer within one month, extended at most by two (the due date already counts it)."""
    return by_date(due_on, today, REQUEST_SOON)


def breach_severity(deadline_at: datetime, now: datetime, *, authority_decided: bool) -> Severity | None:
    """Art. 33(1): the authority within 72 hours of awareness, or a recorded reason not to (T-26)."""
    if authority_decided:
        return None
    return Severity.OVERDUE if now > deadline_at else Severity.DUE_SOON


def art14_severity(due: date, today: date) -> Severity | None:
    """Art. 14(3)(a): the notice within one month of obtaining the data at the latest."""
    return by_date(due, today, ART14_SOON)


def review_severity(due: date, today: date) -> Severity | None:
    """A review, test or renewal date (Art. 24(1) 'reviewed and updated where necessary'; Art. 32(1)(d))."""
    return by_date(due, today, REVIEW_SOON)


def dpa_severity(recipient_type: str, dpa_ref: str | None) -> Severity | None:
    """Art. 28(3): processing by a processor is governed by a contract; without one nothing may flow."""
    if recipient_type in ("processor", "sub_processor") and not (dpa_ref or "").strip():
        return Severity.OVERDUE
    return None


def transfer_severity(
    countries: list[str], eea: frozenset[str], *, mechanism: str | None, valid_until: date | None, today: date
) -> Severity | None:
    """Art. 44-46: a recipient outside the EEA needs a mechanism, and one past its validity is none (R-114)."""
    if all(country in eea for country in countries):
        return None
    if mechanism is None:
        return Severity.OVERDUE
    return None if valid_until is None else review_severity(valid_until, today)


def audit_severity(broken: bool) -> Severity | None:
    """Art. 5(2): the audit trail is the evidence; a break in its chain must be explained."""
    return Severity.OVERDUE if broken else None


def master_key_severity(in_use_since: datetime | None, now: datetime, *, older_keys: int) -> Severity | None:
    """Art. 32(1)(a), R-86: the master key is rotated at least yearly, and a rotation is finished."""
    if in_use_since is not None and now - in_use_since > MASTER_KEY_MAX_AGE:
        return Severity.OVERDUE
    if older_keys:
        return Severity.DUE_SOON
    if in_use_since is not None and now - in_use_since > MASTER_KEY_MAX_AGE - REVIEW_SOON:
        return Severity.DUE_SOON
    return None


def tombstone_severity(unapplied: int) -> Severity | None:
    """Art. 17, R-59: a person erased and back after a restore must be erased again before any use."""
    return Severity.OVERDUE if unapplied else None


def translation_severity(missing: int) -> Severity | None:
    """Art. 12(1): information in a language the person understands; each text in every language offered."""
    return Severity.OVERDUE if missing else None


def ordered(items: list[Item]) -> list[Item]:
    """The most urgent first, then by due date (undated last), then by what they concern."""
    return sorted(
        items,
        key=lambda i: (ORDER[i.severity], _sortable(i.due), i.check, i.concerns),
    )


def has_overdue(items: list[Item]) -> bool:
    return any(item.severity is Severity.OVERDUE for item in items)


def _sortable(due: date | datetime | None) -> str:
    if due is None:
        return "9999"
    return due.isoformat()
