"""When a row kept in a datastore leaves, and what its end does to it (R-71, R-72, R-75). Pure.

A kept row leaves on the day after its last kept day: an invoice of 2024-03-15 kept ten years from the
1 January after its date (Belgian VAT Code art. 60 §4) is kept until 2034-12-31 and leaves on 2035-01-01.
"""

from datetime import date, timedelta
from typing import Any

from lawful.processing import AtEnd, DatastoreTable, RetentionRule, Trigger, add_period

from ..errors import DayAhead

MONTHS_AHEAD = 12  # the plan counts what leaves in each of the next twelve months
_SEARCH_SLACK = timedelta(days=3 * 366)  # a period's start moves by at most a year (1 January following)


def leaves_on(since: date, rule: RetentionRule) -> date:
    """The first day the row is no longer kept. A rule without a duration keeps until its trigger's date."""
    start = date(since.year + 1, 1, 1) if rule.trigger is Trigger.DOCUMENT_YEAR_END else since
    return add_period(start, rule.duration or "P0D")


def first_kept(rule: RetentionRule, today: date) -> date:
    """The earliest date a row may count from and still be kept on `today`: rows dated before it have
    left. `leaves_on` never decreases as the date grows (a month's end clamps, never goes back), so the
    boundary is found by bisection over the days."""
    low = today - timedelta(days=_days(rule)) - _SEARCH_SLACK  # has left by `today`
    high = today + timedelta(days=1)  # a row dated after today is kept (its period has not begun)
    while high - low > timedelta(days=1):
        middle = low + (high - low) // 2
        if leaves_on(middle, rule) <= today:
            low = middle
        else:
            high = middle
    return high


def month_ends(today: date, months: int = MONTHS_AHEAD) -> list[tuple[str, date]]:
    """("2035-01", 2035-01-31) for this month and the ones after, `months` in all."""
    found = []
    year, month = today.year, today.month
    for _ in range(months):
        following = date(year + month // 12, month % 12 + 1, 1)
        found.append((f"{year:04d}-{month:02d}", following - timedelta(days=1)))
        year, month = following.year, following.month
    return found


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def end_changes(table: DatastoreTable, retention: str) -> dict[str, Any] | None:
    """What the end of a rule writes into the table's kept fields; None when it deletes the rows."""
    kept = [c for c in table.columns if c.keep is not None and c.keep.retention == retention]
    if any(c.keep is not None and c.keep.at_end is AtEnd.DELETE_ROW for c in kept):
        return None
    return {
        c.name: c.keep.replacement for c in kept if c.keep is not None and c.keep.at_end is not AtEnd.KEEP
    }


def _days(rule: RetentionRule) -> int:
    return (add_period(date(2000, 1, 1), rule.duration or "P0D") - date(2000, 1, 1)).days


def ensure_not_ahead(day: date, today: date, *, test_mode: bool) -> None:
    """A run or an import for a later day would act before the time comes: only tests may ask for one."""
    if day > today and not test_mode:
        raise DayAhead(
            f"now: {day.isoformat()} is after today (test mode only)",
            problems=[{"path": "now", "message": "after today"}],
        )
