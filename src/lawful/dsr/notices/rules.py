"""When a recipient is tried again, when staff must have told it, and what an outcome must say (Art. 19).
Pure: dates and words in, dates and refusals out."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from enum import StrEnum

from lawful.errors import Conflict, RuleViolation

# after the first attempt fails: 1 min, 5 min, 30 min, 2 h, 12 h, then staff take over (about 15 hours)
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
TASK_WORKING_DAYS = (
    5  # staff tell a recipient by hand within a working week, never after the request's due date
)
METHODS = ("email", "letter", "phone", "portal", "api")
MIN_REASON = 10  # why it was impossible or disproportionate is written down, not a word


class Status(StrEnum):
    RETRYING = "retrying"
    DELIVERED = "delivered"
    OPEN = "open"  # a task for staff
    DONE = "done"  # staff recorded the outcome


class Outcome(StrEnum):
    TOLD = "told"
    IMPOSSIBLE = "impossible"
    DISPROPORTIONATE = "disproportionate"


UNRESOLVED = (str(Status.RETRYING), str(Status.OPEN))


class OutcomeRefused(RuleViolation):
    code = "recipient_outcome_refused"


class RecipientsPending(Conflict):
    code = "recipients_pending"


class TaskClosed(Conflict):
    code = "recipient_task_closed"


def next_attempt(attempts: int, last: datetime) -> datetime | None:
    """After `attempts` failed attempts, the last at `last`: when to try again; None: give it to staff."""
    if attempts < 1 or attempts > len(BACKOFF):
        return None
    return last + BACKOFF[attempts - 1]


def task_due(request_due: date, today: date, is_working_day: Callable[[date], bool]) -> date:
    """TASK_WORKING_DAYS working days from today (today not counted), but not after the request's due date;
    never before the next working day, even for a request already due."""
    day, counted, earliest = today, 0, None
    while counted < TASK_WORKING_DAYS:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
            earliest = earliest or day
    assert earliest is not None
    return max(min(day, request_due), earliest)


def check_outcome(
    outcome: str, method: str | None, told_at: datetime | None, note: str | None, now: datetime
) -> Outcome:
    """Told: how and when (not in the future). Impossible or disproportionate: why, in writing (Art. 19)."""
    if outcome not in tuple(Outcome):
        raise OutcomeRefused(
            "record the recipient as told, impossible or disproportionate",
            problems=[{"path": "outcome", "message": "use told, impossible or disproportionate"}],
        )
    if outcome == Outcome.TOLD:
        if method not in METHODS:
            raise OutcomeRefused(
                "say how the recipient was told",
                problems=[{"path": "method", "message": f"use {', '.join(METHODS)}"}],
            )
        if told_at is None or told_at.tzinfo is None or told_at > now:
            raise OutcomeRefused(
                "say when the recipient was told (not in the future, with a time zone)",
                problems=[{"path": "told_at", "message": "a past instant with its offset"}],
            )
    elif len((note or "").strip()) < MIN_REASON:
        raise OutcomeRefused(
            f"say why telling the recipient is {outcome} (Art. 19)",
            problems=[{"path": "note", "message": f"at least {MIN_REASON} characters"}],
        )
    return Outcome(outcome)
