"""R-77: before account or relationship data are deleted, the person is warned `warn_before` ahead, once, in
their language, as service mail through the outbox; never a person erased since (no key, no address).

Each warning is claimed by a unique row (subject, activity, rule, end) before its mail is queued, in the
same transaction: a second run, or one resumed after a crash, finds the claim and sends nothing more."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, keystore, mail, processing, subjects
from lawful.actor import Actor
from lawful.db import table_of

from . import rules
from .endings import Due, Flags, flags, register_rules, starts
from .models import RetentionWarning
from .rules import Rule

WARNINGS = table_of(RetentionWarning)


@dataclass(frozen=True)
class Pending:
    subject_id: uuid.UUID
    rule: Rule
    end: datetime
    warn_at: datetime


@dataclass
class Outlook:
    """One activity's warnings in the plan: counts only."""

    activity: str
    rule: str
    warn_before: str
    due: int = 0  # to send at the next run
    sent: int = 0  # already sent for the deletion ahead
    months: dict[str, int] = field(default_factory=dict)  # to send in each month ahead


def warned_rules(db: Session, organisation_id: uuid.UUID) -> list[Rule]:
    return [r for r in register_rules(db, organisation_id=organisation_id) if r.warn_before is not None]


def _ahead(db: Session, organisation_id: uuid.UUID, rule: Rule, now: datetime, found: Flags) -> list[Pending]:
    """The people whose deletion under this rule lies ahead or is due and not held back."""
    assert rule.warn_before is not None
    pending = []
    for subject_id, occurred_at in starts(db, organisation_id, rule).items():
        if (subject_id, rule.activity) in found.holds and rule.hold_suspends:
            continue  # a hold keeps the data: no deletion to warn of
        if (subject_id, rule.activity) in found.claims or (subject_id, None) in found.claims:
            continue
        end = processing.retention_end(rule.trigger, occurred_at, rule.duration)
        pending.append(Pending(subject_id, rule, end, rules.warn_from(end, rule.warn_before)))
    return pending


def _claimed(
    db: Session, organisation_id: uuid.UUID, rule: Rule, *, mailed: bool = False
) -> dict[tuple[uuid.UUID, datetime], datetime]:
    """(person, end) → when the warning went, for this rule's warnings already claimed (`mailed`: only
    those that went by mail, not the people without an address)."""
    query = select(RetentionWarning.subject_id, RetentionWarning.ends_at, RetentionWarning.warned_at).where(
        RetentionWarning.organisation_id == organisation_id,
        RetentionWarning.activity == rule.activity,
        RetentionWarning.rule == rule.key,
    )
    if mailed:
        query = query.where(RetentionWarning.channel == "email")
    return {(sid, ends_at): warned_at for sid, ends_at, warned_at in db.execute(query)}


def outlook(db: Session, *, organisation_id: uuid.UUID, now: datetime) -> list[Outlook]:
    """The plan's warnings per activity: due now, already sent, and by month ahead (nothing changes)."""
    horizon = set(rules.months_ahead(now))
    found = flags(db, organisation_id)
    result = []
    for rule in warned_rules(db, organisation_id):
        assert rule.warn_before is not None
        line = Outlook(rule.activity, rule.key, rule.warn_before)
        claimed = _claimed(db, organisation_id, rule)
        for item in _ahead(db, organisation_id, rule, now, found):
            if (item.subject_id, item.end) in claimed:
                line.sent += 1
            elif item.warn_at <= now:
                line.due += 1
            elif (month := rules.month_of(item.warn_at)) in horizon:
                line.months[month] = line.months.get(month, 0) + 1
        result.append(line)
    return result


def send_due(
    db: Session, actor: Actor, keys: keystore.Keys, *, organisation_id: uuid.UUID, now: datetime
) -> dict[tuple[str, str], int]:
    """Warn every person whose warning date has come and who was not warned of this deletion yet; how many
    mails were queued per (activity, rule). Each is claimed first (ON CONFLICT DO NOTHING): a claim another run holds is skipped."""
    warned_rules_ = warned_rules(db, organisation_id)
    if not warned_rules_:
        return {}
    found = flags(db, organisation_id)
    due: list[Pending] = []
    for rule in warned_rules_:
        claimed = _claimed(db, organisation_id, rule)
        due += [
            p
            for p in _ahead(db, organisation_id, rule, now, found)
            if p.warn_at <= now and (p.subject_id, p.end) not in claimed
        ]
    if not due:
        return {}
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    reach = subjects.emails_and_languages(db, keys, sorted({p.subject_id for p in due}))
    alive = _existing(db, organisation_id, [p.subject_id for p in due])
    queued: dict[tuple[str, str], int] = {}
    for item in due:
        if item.subject_id not in alive:
            continue  # erased since: nobody to warn, nothing left to delete
        address = reach.get(item.subject_id)
        claim = _claim(db, organisation_id, item, now, "email" if address else "no_address")
        if claim is None or address is None:
            continue
        email, spoken = address
        lang = _language(spoken, register)
        row = mail.queue(
            db,
            keys,
            letter(register, item, email, lang),
            kind="retention_warning",
            category="service",
            organisation_id=organisation_id,
            subject_id=item.subject_id,
            about=str(claim),
        )
        db.execute(WARNINGS.update().where(WARNINGS.c.id == claim).values(outbox_id=row.id))
        queued[(item.rule.activity, item.rule.key)] = queued.get((item.rule.activity, item.rule.key), 0) + 1
    audit.record(
        db,
        actor,
        "retention.warnings_sent",
        organisation_id=organisation_id,
        data={"as_of": now.isoformat(), "mailed": sum(queued.values()), "due": len(due)},
    )
    db.flush()
    return queued


def _claim(
    db: Session, organisation_id: uuid.UUID, item: Pending, now: datetime, channel: str
) -> uuid.UUID | None:
    """The new claim's id, or None when another run claimed this warning first."""
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    claim_id = uuid.uuid4()
    statement = insert(WARNINGS).values(
        id=claim_id,
        organisation_id=organisation_id,
        subject_id=item.subject_id,
        activity=item.rule.activity,
        rule=item.rule.key,
        ends_at=item.end,
        warned_at=now,  # the moment the run acts as of: what the notice counts from
        channel=channel,
        outbox_id=None,
    )
    done = db.execute(statement.on_conflict_do_nothing().returning(WARNINGS.c.id)).scalar()
    return claim_id if done is not None else None


def _existing(db: Session, organisation_id: uuid.UUID, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    model = subjects.Subject
    found: set[uuid.UUID] = set()
    for start in range(0, len(ids), 1000):
        query = select(model.id).where(
            model.organisation_id == organisation_id, model.id.in_(ids[start : start + 1000])
        )
        found |= set(db.scalars(query))
    return found


def _language(spoken: str | None, register: processing.Register) -> str:
    org = register.organisation
    return spoken if spoken in org.languages else org.authoritative_language


def letter(register: processing.Register, item: Pending, email: str, lang: str) -> mail.Mail:
    """The warning, in the reader's language: which data, on which day they go, and how to keep them."""
    activity = next(a for a in register.activities if a.key == item.rule.activity)
    unused = item.rule.trigger == processing.Trigger.LAST_INBOUND_CONTACT  # not closed: lying unused
    return mail.Mail(
        to=email,
        subject=i18n.t("retention.warning.subject", lang, company=register.organisation.legal_name),
        text=i18n.t(
            "retention.warning.unused.body" if unused else "retention.warning.body",
            lang,
            activity=activity.name.get(lang)
            or activity.name.get(register.organisation.authoritative_language),
            day=i18n.long_date(clock.brussels_date(item.end), lang),
            company=register.organisation.legal_name,
        ),
        lang=lang,
    )


def held_for_warning(
    db: Session, organisation_id: uuid.UUID, ready: list[Due], now: datetime
) -> tuple[list[Due], list[Due]]:
    """R-77: the deletions to take now, and those that wait because their person was warned late (a person
    warned keeps the whole notice, rules.deletion_after_warning)."""
    by_rule: dict[tuple[str, str], dict[tuple[uuid.UUID, datetime], datetime]] = {}
    keep, wait = [], []
    for due in ready:
        rule = due.rule
        if rule.warn_before is None or due.next.step is rules.Step.ARCHIVED:
            keep.append(due)
            continue
        claimed = by_rule.get((rule.activity, rule.key))
        if claimed is None:
            claimed = by_rule[(rule.activity, rule.key)] = _claimed(db, organisation_id, rule, mailed=True)
        warned_at = claimed.get((due.subject_id, due.next.end))
        if (
            warned_at is not None
            and rules.deletion_after_warning(due.next.end, warned_at, rule.warn_before) > now
        ):
            wait.append(Due(due.subject_id, rule, due.next, rules.Skip.WARNED))
        else:
            keep.append(due)
    return keep, wait
