"""When a person's data of one activity leave, and what happens to them then (Art. 5(1)(e), R-71 to R-79).

Pure: the register's rule, the trigger's moment and the time come in as values. The end of a period is
`processing.retention_end`, the function the purpose gate asks too, so what the gate stops using is
exactly what the run removes.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from lawful.processing import add_period, period_parts, retention_end

BRUSSELS = ZoneInfo("Europe/Brussels")
ARCHIVE, ANONYMISE = "archive_restricted", "anonymise"
# the triggers a lifecycle event records (subjects.record_event); the others are read where they happen
EVENT_TRIGGERS = frozenset(
    {
        "contract_end",
        "document_date_next_january",
        "recruitment_end",
        "account_closure",
        "relationship_end",
        "client_dpa_end",
    }
)
PLAN_MONTHS = 12


class Step(StrEnum):
    ARCHIVED = "archived"  # archive_restricted, from the trigger: read-only, finance and legal only
    DELETED = "deleted"
    ANONYMISED = "anonymised"


class Skip(StrEnum):
    LEGAL_HOLD = "legal_hold"  # Art. 17(3)(e), R-79: kept for the case the hold names
    LEGAL_CLAIMS = "legal_claims"  # Art. 18(1)(c): restricted because the person needs them for a claim
    WARNED = "warned"  # warned late (after the warning date); the deletion waits the whole notice


def warn_from(end: datetime, warn_before: str) -> datetime:
    """R-77: the moment the person is warned, `warn_before` ahead of the deletion at `end` (P30D before
    2 January 00:00 is 3 December 00:00; a month back from 31 March is the last day of February)."""
    years, months, weeks, days = period_parts(warn_before)
    index = end.month - 1 - months - 12 * years
    year, month = end.year + index // 12, index % 12 + 1
    moved = end.replace(year=year, month=month, day=min(end.day, calendar.monthrange(year, month)[1]))
    return moved - timedelta(weeks=weeks, days=days)


def warning_due(end: datetime, warn_before: str, now: datetime) -> bool:
    """Whether the warning of a deletion at `end` is due at `now`: from its date on, and also past the
    end when it was never sent (the deletion then waits, `deletion_after_warning`)."""
    return warn_from(end, warn_before) <= now


def deletion_after_warning(end: datetime, warned_at: datetime, warn_before: str) -> datetime:
    """A person warned late keeps the whole notice: deleted at the later of the end and the warning plus
    `warn_before`."""
    return max(end, add_period(warned_at, warn_before))


@dataclass(frozen=True)
class Rule:
    """An activity of the register with its retention rule, as the run needs it."""

    activity: str
    key: str
    trigger: str
    duration: str | None
    action: str  # delete, anonymise, archive_restricted
    hold_suspends: bool = True
    marketing: bool = False  # an objection to direct marketing ends it (Art. 21(3))
    categories: frozenset[str] = frozenset()
    consent: bool = False  # consent is its only basis: it keeps nothing once consent is not in force
    warn_before: str | None = None  # the person is warned this long before the deletion


@dataclass(frozen=True)
class Next:
    """The next thing a person's data of an activity go through: `step` at `due`; the period ends at `end`."""

    step: Step
    due: datetime
    end: datetime


def inbound_start(
    own: datetime | None, events: datetime | None, first_collected: datetime | None
) -> datetime | None:
    """R-74, T-30: the person's latest own contact (a form, a registration, a reply, a call, a meeting),
    or the collection if they never made one. Our mailings, imports and other people's entries never count:
    they are not among the moments passed in."""
    latest = max((moment for moment in (own, events) if moment is not None), default=None)
    return latest if latest is not None else first_collected


def next_step(rule: Rule, occurred_at: datetime, now: datetime, *, archived: bool) -> Next:
    """What the rule does next to data whose trigger happened at `occurred_at`.

    An archive_restricted rule archives from the trigger on and deletes at the end (R-73); past the end it
    deletes at once, archived or not."""
    end = retention_end(rule.trigger, occurred_at, rule.duration)
    if rule.action == ARCHIVE and not archived and now < end:
        return Next(Step.ARCHIVED, occurred_at, end)
    return Next(Step.ANONYMISED if rule.action == ANONYMISE else Step.DELETED, end, end)


def skip(rule: Rule, step: Step, *, held: bool, legal_claims: bool) -> Skip | None:
    """Why a due step is not taken now. Archiving loses nothing, so nothing stops it; deleting or
    anonymising waits while a legal hold names the activity (unless the rule says holds do not suspend
    it) or while the person needs the data for a legal claim."""
    if step is Step.ARCHIVED:
        return None
    if held and rule.hold_suspends:
        return Skip.LEGAL_HOLD
    if legal_claims:
        return Skip.LEGAL_CLAIMS
    return None


@dataclass(frozen=True)
class Claim:
    """Another activity the person's data were collected for, as it bears on one item."""

    end: datetime | None  # None: its period has not started (the contract runs, the consent stands)
    held: bool = False
    consent_in_force: bool = True  # for an activity based on consent alone


def deletable(claims: list[Claim], now: datetime) -> bool:
    """An item goes only when no activity it was collected for still needs it: one person's name serves
    the recruitment and the talent pool they consented to, and stays until the later of the two ends
    (R-73 "other customer data follow their own rules", R-78). A held activity keeps it (R-79); one
    based on consent alone keeps nothing once consent is withdrawn (Art. 7(3), 17(1)(b))."""
    return all(
        not claim.consent_in_force or (not claim.held and claim.end is not None and claim.end <= now)
        for claim in claims
    )


def why_not_whole(
    *, items_left: int, held: bool, legal_claims: bool, open_requests: int, consents: int
) -> str | None:
    """None when nothing at all is left of the person, so their record and data key may go too (Art. 17(1),
    crypto-shredding): no data of another activity, no hold, no claim, no open request, no consent in force."""
    if items_left:
        return "other_activities"
    if held or legal_claims:
        return "legal_hold"
    if open_requests:
        return "open_request"
    if consents:
        return "consent_in_force"
    return None


def month_of(moment: datetime) -> str:
    """The Brussels month a moment falls in, as YYYY-MM."""
    local = moment.astimezone(BRUSSELS)
    return f"{local.year:04d}-{local.month:02d}"


def months_ahead(now: datetime, count: int = PLAN_MONTHS) -> list[str]:
    """The current month and the ones after it, `count` in all, as YYYY-MM."""
    local = now.astimezone(BRUSSELS)
    found = []
    for offset in range(count):
        index = local.month - 1 + offset
        found.append(f"{local.year + index // 12:04d}-{index % 12 + 1:02d}")
    return found


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in Brussels: what `--now 2026-01-11` means."""
    return datetime(day.year, day.month, day.day, tzinfo=BRUSSELS)


def middle_of_day(day: date, now: datetime) -> datetime:
    """An event given as a day, without its time: noon in Brussels, or now when that is still to come (a
    contract that ends today). Day triggers count whole days anyway; a contact's three years then end on
    the same day three years later, whatever the season."""
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=BRUSSELS)
    return now if day == now.astimezone(BRUSSELS).date() and noon > now else noon


class Generalise(StrEnum):
    KEEP = "keep"  # not identifying on its own: kept as it is
    YEAR = "year"  # a date: its year only
    AREA = "area"  # a postcode: its first two characters (a region)
    DROP = "drop"  # identifying: nothing kept


# What anonymising keeps of each data category (R-80; WP29 Opinion 05/2014 on generalisation). Only counts
# of these generalised values are kept, each category on its own, so no row links two facts of one person;
# every category not listed is dropped.
ANONYMISED: dict[str, Generalise] = {
    "user.demographic.date_of_birth": Generalise.YEAR,
    "user.demographic.age_range": Generalise.KEEP,
    "user.demographic.gender": Generalise.KEEP,
    "user.demographic.language": Generalise.KEEP,
    "user.contact.address.country": Generalise.KEEP,
    "user.contact.address.postal_code": Generalise.AREA,
}
MAX_VALUE = 120


def anonymised(category: str, value: str) -> str | None:
    """The generalised value an anonymous count keeps of one value, or None when nothing may be kept."""
    how = ANONYMISED.get(category, Generalise.DROP)
    value = value.strip()
    if how is Generalise.DROP or not value:
        return None
    if how is Generalise.YEAR:
        try:
            return str(date.fromisoformat(value[:10]).year)
        except ValueError:
            return None
    if how is Generalise.AREA:
        return value[:2].upper() + "xx" if len(value) > 2 else None
    return value[:MAX_VALUE]


EARLIEST, LATEST = date(1900, 1, 1), date(9000, 1, 1)  # far enough for any period; safe for the calendar


def plausible(day: date) -> bool:
    """A day retention can count with: years far outside would overflow the calendar's arithmetic."""
    return EARLIEST <= day < LATEST


STALE_RUN = timedelta(minutes=15)  # a running run without a batch for this long was interrupted


def interrupted(heartbeat_at: datetime, now: datetime) -> bool:
    return now - heartbeat_at > STALE_RUN
