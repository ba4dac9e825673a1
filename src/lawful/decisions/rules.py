"""The purpose gate (ARCHITECTURE §3.3): may purpose P use this person's data now, and which fields?

One pure function over facts. Every deny carries every reason that applies, so a caller (and a person
reading an access report) sees the whole picture, not only the first obstacle.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from lawful.processing import retention_end, shortest


class Reason(StrEnum):
    UNKNOWN_SUBJECT = "unknown_subject"
    UNKNOWN_FIELDS = "fields_not_in_purpose"
    NO_LEGAL_BASIS = "no_legal_basis"
    CLIENT_DATA = "other_controllers_data"
    NO_CONSENT = "no_consent"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    OBJECTED = "objected"
    OBJECTION_PENDING = "objection_pending"
    RESTRICTED = "restricted"
    SUPPRESSED = "suppressed"
    UNDER_AGE = "under_age"
    RETENTION_EXPIRED = "retention_expired"
    HELD_FOR_OTHER_PURPOSE = "held_for_other_purpose"
    ARCHIVED = "archived"
    NOTICE_PENDING = "notice_pending"  # a new purpose on data already held, before the people were told
    OUTSIDE_INSTRUCTIONS = (
        "outside_client_instructions"  # no documented instruction of the client covers it
    )
    INSTRUCTION_SUSPENDED = "client_instruction_suspended"  # flagged as appearing to infringe the law


CONSENT = "consent"
# A processor acts on its client controller's documented instructions, not on a basis of its own (Art. 28).
CLIENT_INSTRUCTION = "client_instruction"
LEGITIMATE_INTERESTS = "legitimate_interests"
LEGAL_OBLIGATION = "legal_obligation"
BRUSSELS = ZoneInfo("Europe/Brussels")  # where legal dates are
RETENTION_FROM_COLLECTION = frozenset({"collection", "last_inbound_contact"})


@dataclass(frozen=True)
class Purpose:
    """An activity of the register, as the gate needs it. `role` is the space of people it may use
    (subjects.space): `controller` for the company's own purposes, `processor:<client>` for a client's."""

    key: str
    bases: Mapping[str, str]
    data_categories: frozenset[str]
    marketing: bool
    role: str = "controller"
    retention_trigger: str | None = None
    retention_period: str | None = None
    retention: str | None = None  # the key of its retention rule
    # Art. 6(4), 13(3): a new purpose on data already held is used from the day a notice naming it is in
    # force (date.max: no such notice yet); None: it waits for nothing
    notice_from: date | None = None
    # a client's purpose, the numbers of the client's documented instructions it follows (empty: none
    # does) and those suspended as appearing to infringe the law; None: not checked (the company's own)
    instructions: tuple[int, ...] | None = None
    suspended: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Person:
    """Facts about one person for one purpose."""

    exists: bool = True
    categories: tuple[str, ...] = ()
    role: str = "controller"
    consent: str = "never_given"
    objections: tuple[tuple[str, str | None, str | None], ...] = ()
    restricted: bool = False
    suppressed: bool = False
    child: bool = False
    holds: tuple[str, ...] = ()  # the purposes of the holds in force (subjects.held_for)
    last_collected: datetime | None = None
    archived: tuple[tuple[str, str], ...] = ()  # (activity, retention rule) in the archive state
    all_archived: bool = False  # every activity the person's data were collected for is archived


@dataclass(frozen=True)
class Decision:
    allow: bool
    reasons: tuple[Reason, ...] = ()
    fields: tuple[str, ...] = field(default=())
    basis: str | None = None
    hidden: tuple[str, ...] = ()  # archived activities whose data this purpose may not read


def basis_for(purpose: Purpose, person: Person) -> str | None:
    """The basis that applies to this person: a non-consent basis when one of their categories has it."""
    found = [purpose.bases[c] for c in person.categories if c in purpose.bases]
    if not found:
        return None
    others = [b for b in found if b != CONSENT]
    return others[0] if others else CONSENT


def decide(purpose: Purpose, person: Person, fields: frozenset[str], now: datetime) -> Decision:
    """Art. 5(1)(b),(e), 6, 7, 8, 18, 21: allow only when nothing stands in the way."""
    if not person.exists:
        return Decision(False, (Reason.UNKNOWN_SUBJECT,))
    reasons: list[Reason] = []
    if fields - purpose.data_categories:
        reasons.append(Reason.UNKNOWN_FIELDS)
    if person.role != purpose.role:  # R-106, T-29: another controller's people, or own people for a client
        reasons.append(Reason.CLIENT_DATA)
    reasons += _instructions(purpose)
    basis = basis_for(purpose, person)
    if basis is None:
        reasons.append(Reason.NO_LEGAL_BASIS)
    reasons += _consent(basis, person)
    reasons += _objections(purpose, person, basis)
    if person.restricted:
        reasons.append(Reason.RESTRICTED)
    if person.suppressed and purpose.marketing:
        reasons.append(Reason.SUPPRESSED)
    if person.child and (purpose.marketing or basis == CONSENT):
        reasons.append(Reason.UNDER_AGE)
    reasons += _retention(purpose, person, now)
    if purpose.notice_from is not None and now.astimezone(BRUSSELS).date() < purpose.notice_from:
        reasons.append(Reason.NOTICE_PENDING)
    hidden = archive_hidden(purpose, person, basis)
    reasons += _archived(purpose, person, hidden)
    allowed = tuple(sorted((fields or purpose.data_categories) & purpose.data_categories))
    return Decision(not reasons, tuple(dict.fromkeys(reasons)), allowed if not reasons else (), basis, hidden)


def _instructions(purpose: Purpose) -> list[Reason]:
    """Art. 28(3)(a), 29: a client's data only on its documented instructions, none of them suspended."""
    if purpose.instructions is None:
        return []
    if not purpose.instructions:
        return [Reason.OUTSIDE_INSTRUCTIONS]
    if purpose.suspended & set(purpose.instructions):
        return [Reason.INSTRUCTION_SUSPENDED]
    return []


def archive_serves(purpose: Purpose, person: Person, basis: str | None, activity: str, rule: str) -> bool:
    """R-73, R-75, R-79: archived data serve only the legal obligation they are kept for (a purpose the
    register keeps under the archive's own rule, on a legal-obligation basis, Art. 17(3)(b)) or the case of
    a legal hold on that very activity (Art. 17(3)(e)); never an operational or marketing use."""
    if basis == LEGAL_OBLIGATION and purpose.retention == rule:
        return True
    return purpose.key == activity and activity in person.holds


def archive_hidden(purpose: Purpose, person: Person, basis: str | None) -> tuple[str, ...]:
    """The archived activities whose data `purpose` may not use for this person (sorted)."""
    return tuple(
        sorted(
            activity
            for activity, rule in person.archived
            if not archive_serves(purpose, person, basis, activity, rule)
        )
    )


def _archived(purpose: Purpose, person: Person, hidden: tuple[str, ...]) -> list[Reason]:
    """Refused when the purpose's own data are archived, or when all there is of the person is."""
    if purpose.key in hidden:
        return [Reason.ARCHIVED]
    if hidden and person.all_archived and set(hidden) == {activity for activity, _ in person.archived}:
        return [Reason.ARCHIVED]
    return []


def _consent(basis: str | None, person: Person) -> list[Reason]:
    if basis != CONSENT or person.consent == "given":
        return []
    return [Reason.CONSENT_WITHDRAWN if person.consent == "withdrawn" else Reason.NO_CONSENT]


def _objections(purpose: Purpose, person: Person, basis: str | None) -> list[Reason]:
    """Marketing objections are absolute (Art. 21(3)); others restrict until decided (Art. 21(1), 18(1)(d))."""
    found = []
    for kind, activity, outcome in person.objections:
        if kind == "direct_marketing" and purpose.marketing:
            found.append(Reason.OBJECTED)
        elif (
            kind == "legitimate_interest"
            and activity in (None, purpose.key)
            and basis == LEGITIMATE_INTERESTS
        ):
            if outcome is None:
                found.append(Reason.OBJECTION_PENDING)
            elif outcome == "upheld":
                found.append(Reason.OBJECTED)
    return found


def past_retention(purpose: Purpose, last_collected: datetime | None, now: datetime) -> bool:
    """Has the retention period counted from the last collection for this purpose run out?"""
    period = purpose.retention_period
    if purpose.retention_trigger not in RETENTION_FROM_COLLECTION or not period or last_collected is None:
        return False
    if now - last_collected < shortest(period):  # the common case, without calendar arithmetic
        return False
    return now >= retention_end(purpose.retention_trigger, last_collected, period)  # as the retention run


def retention_bounds(purpose: Purpose, now: datetime) -> tuple[datetime, datetime] | None:
    """Two moments around the end of retention at `now`: data last collected at or before the first are
    past retention, at or after the second are not, and in between `past_retention` must be asked (None:
    retention never runs out for this purpose). A database can then sort 100,000 people with two
    comparisons and send only the few in between.

    `add_period` is not monotone: 29, 30 and 31 January + P1M all land on 28 February at their own time
    of day, so 30 January 00:00 ends before 28 January 23:00 does. It is monotone across any four days,
    though: a start four days later lands on a later day of the same month or in a later month. So one
    boundary moment found by bisection (past, and one microsecond later not) gives the two moments four
    days on either side of it. Bisection uses `past_retention` itself, so the bounds cannot disagree with
    the rule.
    """
    period = purpose.retention_period
    if purpose.retention_trigger not in RETENTION_FROM_COLLECTION or not period:
        return None
    tick = timedelta(microseconds=1)
    late = now - shortest(period) + tick  # not past: less than the shortest length has gone by
    step = timedelta(days=1)
    early = late - step
    try:
        while not past_retention(purpose, early, now):
            late, step = early, step * 2
            early = late - step
    except OverflowError:  # before year 1: no moment is past retention
        return None
    while late - early > tick:
        middle = early + (late - early) // 2
        if past_retention(purpose, middle, now):
            early = middle
        else:
            late = middle
    return early - _MONOTONE_ACROSS, late + _MONOTONE_ACROSS


_MONOTONE_ACROSS = timedelta(days=4)


def _retention(purpose: Purpose, person: Person, now: datetime) -> list[Reason]:
    """Past retention, data serve only the case of a legal hold (R-79, T-32)."""
    if not past_retention(purpose, person.last_collected, now):
        return []
    if purpose.key in person.holds:
        return []
    if person.holds:
        return [Reason.RETENTION_EXPIRED, Reason.HELD_FOR_OTHER_PURPOSE]
    return [Reason.RETENTION_EXPIRED]
