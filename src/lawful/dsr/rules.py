"""When and how a data-subject request must be answered (GDPR Art. 12), as pure functions over dates.

The legal calendar comes in as an argument (`lawful.clock.is_working_day` in practice).
"""

import calendar
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from .errors import (
    ExtensionRefused,
    ExtensionTooLate,
    ExtensionTooLong,
    FeeRefused,
    ObjectionDecisionRefused,
    TransitionRefused,
)

Calendar = Callable[[date], bool]
"""Is this day a working day? (Regulation 1182/71 Art. 2(2): not a Saturday, Sunday or public holiday.)"""

ANSWER_WITHIN_MONTHS = 1
MAX_EXTENSION_MONTHS = 2  # "where necessary", and the subject must be told why within the first month
REMINDER_OFFSETS_DAYS = (10, 3)  # R-45 defaults
IDENTITY_REQUEST_WORKING_DAYS = 5  # R-47 "promptly"
_LONGEST_ROLL = timedelta(days=31)  # guards against a calendar with no working day at all

_BRUSSELS = ZoneInfo("Europe/Brussels")


def add_months(day: date, months: int) -> date:
    """Same day of month, `months` later; clamped to month end (31 Jan + 1 → end of Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def raw_due(received: date, extension_months: int = 0) -> date:
    """Regulation 1182/71 Art. 3(2)(c): the period ends on the same date, months later, before any roll."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ExtensionTooLong(
            f"{extension_months} months; an extension is 0 to {MAX_EXTENSION_MONTHS} months"
        )
    return add_months(received, ANSWER_WITHIN_MONTHS + extension_months)


def due_date(received: date, is_working_day: Calendar, extension_months: int = 0) -> date:
    """Art. 12(3) with Regulation 1182/71 Art. 3(4): a period ending on a non-working day rolls forward."""
    # Always counted from the receipt date: an extension runs from receipt, never from a rolled due date.
    day = raw_due(received, extension_months)
    limit = day + _LONGEST_ROLL
    while not is_working_day(day):
        day += timedelta(days=1)
        if day > limit:
            raise ValueError(f"no working day within {_LONGEST_ROLL.days} days of {day}")
    return day


def received_date(instant: datetime) -> date:
    """Art. 12(3) counts from receipt: the Brussels calendar date of the instant, not the UTC one."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("a receipt instant must be timezone-aware")
    return instant.astimezone(_BRUSSELS).date()


def ensure_extension(
    *, today: date, original_due: date, reason: str | None, months: int, already: int
) -> None:
    """Art. 12(3): extend only with reasons, by two months at most in total, told within the first month."""
    if not reason or not reason.strip():
        raise ExtensionRefused("an extension needs a reason (complexity or number of requests)")
    if months < 1 or already + months > MAX_EXTENSION_MONTHS:
        raise ExtensionTooLong(f"{already} + {months} months; at most {MAX_EXTENSION_MONTHS} months in total")
    # The notice with reasons must reach the subject within the first month: deciding on the due date is too late.
    if today >= original_due:
        raise ExtensionTooLate(f"an extension must be decided and notified before {original_due.isoformat()}")


def extension_problem(
    *, today: date, original_due: date, reason: str | None, months: int, already: int
) -> str | None:
    """Art. 12(3): why this extension is not allowed, or None when it is."""
    try:
        ensure_extension(
            today=today, original_due=original_due, reason=reason, months=months, already=already
        )
    except (ExtensionRefused, ExtensionTooLate) as problem:
        return problem.detail
    return None


def reminders(due: date, offsets: Iterable[int] = REMINDER_OFFSETS_DAYS) -> list[date]:
    """R-45: reminder dates, `offsets` calendar days before the due date, earliest first."""
    offsets = list(offsets)
    if any(offset < 0 for offset in offsets):
        raise ValueError("reminder offsets count days before the due date")
    return sorted({due - timedelta(days=offset) for offset in offsets})


def is_overdue(due: date, today: date, completed: bool) -> bool:
    """Art. 12(3): an open request is late from the day after its due date."""
    return not completed and today > due


def identity_request_by(
    received: date, is_working_day: Calendar, working_days: int = IDENTITY_REQUEST_WORKING_DAYS
) -> date:
    """Art. 12(2) and 12(6), R-47: the last day to ask for more identification (receipt day not counted)."""
    if working_days < 0:
        raise ValueError("working_days must not be negative")
    day = received
    for _ in range(working_days):
        day += timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
    return day


class Status(StrEnum):
    RECEIVED = "received"
    AWAITING_IDENTITY = "awaiting_identity"
    AWAITING_MANDATE = "awaiting_mandate"
    AWAITING_FEE_DECISION = "awaiting_fee_decision"
    IN_PROGRESS = "in_progress"
    EXTENDED = "extended"
    FORWARDED = "forwarded"
    COMPLETED = "completed"
    REFUSED = "refused"


_S = Status
# Nothing is answered while identity or a mandate is unverified (Art. 12(6), R-50), a fee is quoted
# before any work (Art. 12(5), R-48) and a subject who declines it closes the request, and a closed
# request stays closed.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    _S.RECEIVED: frozenset(
        {
            _S.AWAITING_IDENTITY,
            _S.AWAITING_MANDATE,
            _S.AWAITING_FEE_DECISION,
            _S.IN_PROGRESS,
            _S.EXTENDED,
            _S.FORWARDED,
            _S.COMPLETED,
            _S.REFUSED,
        }
    ),
    _S.AWAITING_IDENTITY: frozenset(
        {_S.AWAITING_MANDATE, _S.AWAITING_FEE_DECISION, _S.IN_PROGRESS, _S.REFUSED}
    ),
    _S.AWAITING_MANDATE: frozenset(
        {_S.AWAITING_IDENTITY, _S.AWAITING_FEE_DECISION, _S.IN_PROGRESS, _S.REFUSED}
    ),
    _S.AWAITING_FEE_DECISION: frozenset({_S.IN_PROGRESS, _S.COMPLETED, _S.REFUSED}),
    _S.IN_PROGRESS: frozenset(
        {_S.AWAITING_IDENTITY, _S.AWAITING_MANDATE, _S.EXTENDED, _S.FORWARDED, _S.COMPLETED, _S.REFUSED}
    ),
    _S.EXTENDED: frozenset({_S.FORWARDED, _S.COMPLETED, _S.REFUSED}),
    _S.FORWARDED: frozenset({_S.IN_PROGRESS, _S.EXTENDED, _S.COMPLETED, _S.REFUSED}),
    _S.COMPLETED: frozenset(),
    _S.REFUSED: frozenset(),
}


def ensure_transition(current: Status, new: Status) -> None:
    """Art. 12: refuse a status change the request's lifecycle does not allow."""
    if new not in TRANSITIONS[current]:
        raise TransitionRefused(f"a request cannot go from {current.value} to {new.value}")


# --- Further copies (Art. 15(3)) and tombstones after a restore (R-59) ---

FURTHER_COPY_WINDOW_DAYS = 30  # a second copy "within 30 days" may carry the fee


def is_further_copy(received: date, earlier_copies: Iterable[date], window_days: int) -> bool:
    """Art. 15(3): a copy asked for within `window_days` after a copy was delivered is a further copy.

    Counted in calendar days from the delivery date (the day of delivery not counted), inclusive of the
    last day: delivered 31 January, a 30-day window ends on 2 March (1 March in a leap year).
    """
    if window_days < 1:
        raise ValueError("a further-copy window is at least one day")
    return any(0 <= (received - copy).days <= window_days for copy in earlier_copies)


def fee_applies(kinds: Iterable[str], further_copy: bool, fee_configured: bool) -> bool:
    """Art. 12(5), 15(3): a fee only for a further copy, only if configured, and never for another right.

    A request that joins access with another right is not held for the fee: the other right must not
    wait on a payment (and erasure must read the data first), so that copy is given free.
    """
    return further_copy and fee_configured and set(kinds) == {"access"}


FEE_DECISIONS = ("paid", "waived", "declined")


def after_fee(decision: str) -> Status:
    """Art. 12(5), R-48: a paid or waived fee lets the work begin; a declined one closes the request, uncopied."""
    if decision not in FEE_DECISIONS:
        raise FeeRefused(
            f"record the fee as {', '.join(FEE_DECISIONS)}",
            problems=[{"path": "decision", "message": f"use {', '.join(FEE_DECISIONS)}"}],
        )
    return Status.COMPLETED if decision == "declined" else Status.IN_PROGRESS


def tombstone_expired(erased_at: datetime, now: datetime, rotation_days: int) -> bool:
    """R-59: once every backup older than the erasure has rotated out, the tombstone has no work left."""
    return now - erased_at > timedelta(days=rotation_days)


def reerasure(
    *,
    erased_at: datetime,
    kept: Iterable[str],
    subject_created_at: datetime,
    collections: Iterable[tuple[object, str, datetime]],
) -> tuple[list[object], bool]:
    """R-59: what a restored backup brought back of an erased person: (collections to delete, delete subject).

    Only what predates the erasure is erased again; data collected later (the person came back) and
    what the law kept (Art. 17(3)(b), (e)) stay, exactly as the erasure left them.
    """
    keep = set(kept)
    if subject_created_at > erased_at:
        return [], False
    rows = list(collections)
    doomed = [cid for cid, activity, at in rows if at <= erased_at and activity not in keep]
    remaining = len(rows) - len(doomed)
    return doomed, not keep and remaining == 0


# --- Objections to legitimate interests (Art. 21(1)) ---


class ObjectionOutcome(StrEnum):
    UPHELD = "upheld"  # processing for that activity stops for good (Art. 21(1) first sentence)
    REJECTED = "rejected"  # compelling legitimate grounds override, or legal claims need the data


MIN_GROUNDS_LENGTH = 20  # "compelling legitimate grounds" are written reasons, not a word


def objection_decision(outcome: str, grounds: str | None) -> ObjectionOutcome:
    """Art. 21(1), R-67: upheld, or rejected only with the compelling grounds (or legal claims) written down."""
    if outcome not in tuple(ObjectionOutcome):
        raise ObjectionDecisionRefused(
            "decide an objection as upheld or rejected",
            problems=[{"path": "outcome", "message": "use upheld or rejected"}],
        )
    if outcome == ObjectionOutcome.REJECTED and len((grounds or "").strip()) < MIN_GROUNDS_LENGTH:
        raise ObjectionDecisionRefused(
            "a rejected objection needs the compelling legitimate grounds written down",
            problems=[{"path": "grounds", "message": f"at least {MIN_GROUNDS_LENGTH} characters"}],
        )
    return ObjectionOutcome(outcome)


def after_objection(outcome: ObjectionOutcome | None) -> tuple[str | None, bool]:
    """Art. 18(1)(d), 21(1): what the gate reads for the activity: (the objection's outcome, still restricted).

    Pending, the activity is restricted; upheld, the objection itself stops it for good and replaces the
    restriction; rejected, nothing stands once the person has been told (Art. 18(3)).
    """
    if outcome is None:
        return None, True
    return str(outcome), False


# Art. 20(2): direct transmission, only to the destination the person confirmed with the code sent to their
# address (the code's message names it); the confirmation is written by the service, never by a caller
TRANSMIT_TO, TRANSMIT_CONFIRMED = "transmit_to", "transmit_confirmed"
# What lawful itself records in a request's details once it has checked something: a caller who could set
# them would skip the check (a mandate seen, the clock paused for identity, a destination confirmed).
RECORDED_BY_LAWFUL = frozenset({TRANSMIT_CONFIRMED, "mandate_checked", "clock_paused_for_identity"})
DELIVERED = "delivered"
NOT_DELIVERED = "could not be delivered to the destination; your copy is in the download"
UNCONFIRMED = "not sent: the destination was not confirmed with the code sent to you"


def destination_problem(url: str) -> str | None:
    """Why `url` is no destination for a transmission: an https address with a host and no credentials."""
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        return "not an address"
    if parts.scheme != "https" or not parts.hostname or not port_ok:
        return "an https:// address is needed"
    if parts.username is not None or parts.password is not None:
        return "no user name or password in the address"
    return None


def destination_confirmed(details: Mapping[str, object]) -> bool:
    target = details.get(TRANSMIT_TO)
    return bool(target) and details.get(TRANSMIT_CONFIRMED) == target
