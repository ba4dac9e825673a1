"""Reading what the register's retention rules call for: the moment each rule counts from, for every person
of an organisation, in a few grouped statements per activity (never one query per person).
"""

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from lawful import clock, consent, processing, subjects
from lawful.db import among, table_of

from . import days, rules
from .rules import Rule, Skip

# Core tables, run on the session's connection: the plan reads a row per person, and the ORM's row
# machinery cost more than the statements (each query names its organisation itself)
C, E = table_of(subjects.Collection).c, table_of(subjects.LifecycleEvent).c
MARKETING_USES = ("marketing", "personalize")  # as the purpose gate and the automatic deletions read them
WARNED_TRIGGERS = processing.WARNABLE  # ends and unused accounts, as register check allows


@dataclass(frozen=True)
class Due:
    """One person's data of one activity and the next step the rule takes with them."""

    subject_id: uuid.UUID
    rule: Rule
    next: rules.Next
    skip: Skip | None


@dataclass
class Group:
    """One activity's rule in the plan: counts only, never a person."""

    activity: str
    rule: str
    trigger: str
    action: str
    step: str
    due: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    months: dict[str, int] = field(default_factory=dict)
    later: int = 0


@dataclass
class Plan:
    organisation_id: uuid.UUID
    now: datetime
    months: list[str]
    groups: list[Group]
    people: int  # (person, activity) pairs evaluated
    warnings: list[Any] = field(default_factory=list)  # warnings.Outlook per warned activity

    @property
    def by_month(self) -> dict[str, int]:
        return {month: sum(g.months.get(month, 0) for g in self.groups) for month in self.months}


def rules_of(register: processing.Register) -> list[Rule]:
    """Each activity with its retention rule (session_end rules concern cookies, not people)."""
    by_key = {r.key: r for r in register.retention_rules}
    found = []
    for activity in register.activities:
        rule = by_key[activity.retention]
        if rule.trigger == processing.Trigger.SESSION_END:
            continue
        bases = set(processing.bases(activity).values())
        found.append(
            Rule(
                activity=activity.key,
                key=rule.key,
                trigger=str(rule.trigger),
                duration=rule.duration,
                action=str(rule.action),
                hold_suspends=rule.legal_hold_suspends,
                marketing=activity.data_use.startswith(MARKETING_USES),
                categories=frozenset(activity.data_categories),
                consent=bases == {processing.Basis.CONSENT},
                warn_before=rule.warn_before if rule.trigger in WARNED_TRIGGERS else None,
            )
        )
    return found


def register_rules(db: Session, *, organisation_id: uuid.UUID) -> list[Rule]:
    """The organisation's rules per activity; none without a register."""
    try:
        return rules_of(processing.current_register(db, organisation_id=organisation_id)[1])
    except processing.RegisterNotFound:  # nothing declared, nothing collected under a rule
        return []


@dataclass(frozen=True)
class Flags:
    """What holds a person's data back or changes their step: holds, legal claims, the archive state."""

    holds: set[tuple[uuid.UUID, str]]
    claims: set[tuple[uuid.UUID, str | None]]
    archived: set[tuple[uuid.UUID, str]]

    def special(self, rule: Rule) -> list[uuid.UUID]:
        """The people this rule must look at one by one."""
        return sorted(
            {sid for sid, activity in self.holds if activity == rule.activity}
            | {sid for sid, activity in self.claims if activity in (None, rule.activity)}
        )

    def due(self, rule: Rule, subject_id: uuid.UUID, occurred_at: datetime, now: datetime) -> Due:
        step = rules.next_step(rule, occurred_at, now, archived=(subject_id, rule.activity) in self.archived)
        reason = rules.skip(
            rule,
            step.step,
            held=(subject_id, rule.activity) in self.holds,
            legal_claims=(subject_id, rule.activity) in self.claims or (subject_id, None) in self.claims,
        )
        return Due(subject_id, rule, step, reason)


def flags(db: Session, organisation_id: uuid.UUID) -> Flags:
    return Flags(held(db, organisation_id), _claims(db, organisation_id), _archived(db, organisation_id))


def endings(
    db: Session, *, organisation_id: uuid.UUID, now: datetime, rule: Rule, found: Flags, due_only: bool
) -> Iterator[Due | tuple[rules.Next, int]]:
    """The rule's next step for every person whose trigger has happened: a Due per person, or, for whole
    days of people whose step is the same (days.py), the step once with their number. With `due_only`,
    only the people whose step may be due now are read."""
    starts_query = days.start_query(db, organisation_id, rule) if rule.action != rules.ARCHIVE else None
    if starts_query is None:  # read person by person (an archive rule: each person's archive state)
        for subject_id, occurred_at in starts(db, organisation_id, rule).items():
            yield found.due(rule, subject_id, occurred_at, now)
        return
    special = found.special(rule)
    one_by_one = []
    for day, number, first, last in days.groups(db, starts_query, excluded=special):
        early, late = (rules.next_step(rule, start, now, archived=False) for start in (first, last))
        if due_only:
            if early.due <= now:
                one_by_one.append(day)
        elif _place(early, now) == _place(late, now):
            yield early, number
        else:
            one_by_one.append(day)
    for subject_id, occurred_at in days.people_on(db, starts_query, one_by_one, excluded=special):
        yield found.due(rule, subject_id, occurred_at, now)
    if special:
        for subject_id, occurred_at in starts(db, organisation_id, rule, special).items():
            yield found.due(rule, subject_id, occurred_at, now)


def _place(step: rules.Next, now: datetime) -> str:
    return "due" if step.due <= now else rules.month_of(step.due)


def plan(db: Session, *, organisation_id: uuid.UUID, now: datetime) -> Plan:
    """What leaves, when and why, per rule and activity, with counts by month ahead; nothing changes."""
    months = rules.months_ahead(now)
    horizon = set(months)
    groups: dict[tuple[str, str, str], Group] = {}
    people = 0
    found = flags(db, organisation_id)
    for rule in register_rules(db, organisation_id=organisation_id):
        for item in endings(
            db, organisation_id=organisation_id, now=now, rule=rule, found=found, due_only=False
        ):
            step, number, skip = (
                (item.next, 1, item.skip) if isinstance(item, Due) else (item[0], item[1], None)
            )
            people += number
            group = groups.get((rule.activity, rule.key, step.step))
            if group is None:
                group = groups[(rule.activity, rule.key, step.step)] = Group(
                    rule.activity, rule.key, rule.trigger, rule.action, str(step.step)
                )
            if step.due <= now:
                if skip is None:
                    group.due += number
                else:
                    group.skipped[skip] = group.skipped.get(skip, 0) + number
                continue
            month = rules.month_of(step.due)
            if month in horizon:
                group.months[month] = group.months.get(month, 0) + number
            else:
                group.later += number
    ordered = sorted(groups.values(), key=lambda g: (g.activity, g.step))
    return Plan(organisation_id, now, months, ordered, people)


def due_now(db: Session, *, organisation_id: uuid.UUID, now: datetime) -> tuple[list[Due], list[Due]]:
    """The steps due at `now`, and those due but held back (each with its reason)."""
    ready: list[Due] = []
    held_back: list[Due] = []
    found = flags(db, organisation_id)
    for rule in register_rules(db, organisation_id=organisation_id):
        for item in endings(
            db, organisation_id=organisation_id, now=now, rule=rule, found=found, due_only=True
        ):
            if isinstance(item, Due) and item.next.due <= now:
                (ready if item.skip is None else held_back).append(item)
    ready.sort(key=lambda d: (d.subject_id, d.rule.activity))
    return ready, held_back


def starts(
    db: Session, organisation_id: uuid.UUID, rule: Rule, people: Sequence[uuid.UUID] | None = None
) -> dict[uuid.UUID, datetime]:
    """The moment the rule counts from, per person who has data collected for its activity (only these
    `people` when given)."""
    trigger = rule.trigger
    own = and_(C.provided_by_subject, C.channel.in_(subjects.INBOUND_COLLECTIONS))
    if trigger == processing.Trigger.COLLECTION:
        moments: tuple[Any, ...] = (func.max(C.collected_at),)
    elif trigger == processing.Trigger.LAST_INBOUND_CONTACT:
        moments = (func.min(C.collected_at), func.max(case((own, C.collected_at))))
    else:  # who has data collected for the activity: the moment is read where it happened
        moments = ()
    query = (
        select(C.subject_id, *moments)
        .where(C.organisation_id == organisation_id, C.activity == rule.activity)
        .group_by(C.subject_id)
    )
    if people is not None:
        query = query.where(among(db.get_bind().dialect, C.subject_id, people))
    rows = db.connection().execute(query).all()
    if trigger == processing.Trigger.COLLECTION:
        return {sid: last for sid, last in rows}
    if trigger == processing.Trigger.LAST_INBOUND_CONTACT:
        replies = _events(db, organisation_id, rule.activity, trigger, people)
        found = {sid: rules.inbound_start(own_last, replies.get(sid), first) for sid, first, own_last in rows}
        return {sid: start for sid, start in found.items() if start is not None}
    if trigger in rules.EVENT_TRIGGERS:
        happened = _events(db, organisation_id, rule.activity, trigger, people)
    elif trigger == processing.Trigger.CONSENT_WITHDRAWAL:
        happened = _withdrawals(db, organisation_id, rule.activity, people)
    elif trigger == processing.Trigger.OBJECTION:
        happened = _objections(db, organisation_id, rule, people)
    else:
        happened = {}
    return {sid: happened[sid] for (sid,) in rows if sid in happened}


People = Sequence[uuid.UUID] | None


def _events(
    db: Session, organisation_id: uuid.UUID, activity: str, kind: str, people: People
) -> dict[uuid.UUID, datetime]:
    """The latest recorded event of this kind per person, for this activity or for every activity."""
    query = (
        select(E.subject_id, func.max(E.occurred_at))
        .where(E.organisation_id == organisation_id, E.kind == kind)
        .where(or_(E.activity.is_(None), E.activity == activity))
        .group_by(E.subject_id)
    )
    if people is not None:
        query = query.where(among(db.get_bind().dialect, E.subject_id, people))
    return {sid: moment for sid, moment in db.connection().execute(query)}


def _withdrawals(
    db: Session, organisation_id: uuid.UUID, activity: str, people: People
) -> dict[uuid.UUID, datetime]:
    """Consents to the activity whose latest event is a withdrawal (Art. 7(3)); given again, none."""
    state = consent.ConsentState
    query = select(state.subject_id, state.updated_at).where(
        state.organisation_id == organisation_id,
        state.purpose == activity,
        state.state == str(consent.ConsentStatus.WITHDRAWN),
    )
    if people is not None:
        query = query.where(among(db.get_bind().dialect, state.subject_id, people))
    return {sid: moment for sid, moment in db.execute(query)}


def _objections(
    db: Session, organisation_id: uuid.UUID, rule: Rule, people: People
) -> dict[uuid.UUID, datetime]:
    """Upheld objections to the activity (Art. 21(1)); for marketing, any objection to it (Art. 21(3))."""
    objection = subjects.Objection
    upheld = and_(
        objection.kind == "legitimate_interest",
        objection.outcome == "upheld",
        or_(objection.activity.is_(None), objection.activity == rule.activity),
    )
    marketing = objection.kind == "direct_marketing"
    moment = case((marketing, objection.received_at), else_=objection.decided_at)
    query = (
        select(objection.subject_id, func.max(moment))
        .where(
            objection.organisation_id == organisation_id, or_(upheld, marketing) if rule.marketing else upheld
        )
        .group_by(objection.subject_id)
    )
    if people is not None:
        query = query.where(among(db.get_bind().dialect, objection.subject_id, people))
    return {sid: moment for sid, moment in db.execute(query) if moment is not None}


def held(
    db: Session, organisation_id: uuid.UUID, people: Sequence[uuid.UUID] | None = None
) -> set[tuple[uuid.UUID, str]]:
    """(person, activity) pairs a legal hold in force names (subjects' own rule of what is in force)."""
    hold = subjects.LegalHold
    today = clock.today()
    query = select(hold.subject_id, hold.purpose, hold.lifted_at, hold.review_on).where(
        hold.organisation_id == organisation_id, hold.in_force()
    )
    rows = db.execute(
        query if people is None else query.where(among(db.get_bind().dialect, hold.subject_id, people))
    )
    return {(row.subject_id, row.purpose) for row in rows if subjects.hold_in_force(row, today)}


def _claims(db: Session, organisation_id: uuid.UUID) -> set[tuple[uuid.UUID, str | None]]:
    """Art. 18(1)(c): restrictions because the person needs the data for a legal claim (None: everything)."""
    restriction = subjects.Restriction
    rows = db.execute(
        select(restriction.subject_id, restriction.activity).where(
            restriction.organisation_id == organisation_id,
            restriction.ground == str(subjects.RestrictionGround.LEGAL_CLAIMS),
            restriction.lifted_at.is_(None),
        )
    )
    return {(sid, activity) for sid, activity in rows}


def _archived(db: Session, organisation_id: uuid.UUID) -> set[tuple[uuid.UUID, str]]:
    archive = subjects.Archive
    rows = db.execute(
        select(archive.subject_id, archive.activity).where(archive.organisation_id == organisation_id)
    )
    return {(sid, activity) for sid, activity in rows}
