"""The 72-hour clock's alerts (R-95): the privacy officers hear by mail at +24, +48 and +66 hours of each
case whose authority decision is not recorded yet, each alert once.

Once only, however many workers run the job at the same moment: an alert is a unique row (case,
threshold), inserted before its mail is queued, in the same unit of work. A second worker's insert
waits for the first's transaction and then finds the row there, so it queues nothing."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lawful import audit, clock, db, i18n, keystore, mail, staff
from lawful.actor import Actor

from . import rules
from .models import Breach, BreachAlert, BreachDecision
from .rules import Audience, Status


@dataclass(frozen=True)
class Alert:
    reference: str
    organisation_id: uuid.UUID
    threshold_hours: int
    officers: int


def send_alerts(
    session: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    now: datetime,
    base_url: str,
    organisation_id: uuid.UUID | None = None,
) -> list[Alert]:
    """Claim and mail every alert due at `now`, for every organisation (the system's job) or one (its key)."""
    sent = []
    for breach in running_clocks(session, now=now, organisation_id=organisation_id):
        done = {a.threshold_hours for a in _alerts(session, breach.id)}
        due = rules.alerts_due(breach.aware_at, now, done)
        claimed = [hours for hours in due if _claim(session, breach.id, hours, now)]
        if claimed:  # a case seen late: one mail, for the latest threshold it reached
            sent.append(_mail(session, actor, keys, breach, max(claimed), now=now, base_url=base_url))
    return sent


def running_clocks(
    session: Session, *, now: datetime, organisation_id: uuid.UUID | None = None
) -> list[Breach]:
    """Open cases past their first alert whose authority decision (to notify or not) is not recorded."""
    decided = select(BreachDecision.breach_id).where(BreachDecision.audience == str(Audience.AUTHORITY))
    first = timedelta(hours=rules.ALERT_THRESHOLDS_HOURS[0])
    query = (
        select(Breach)
        .where(
            Breach.status != str(Status.CLOSED),
            Breach.aware_at <= now - first,
            Breach.id.not_in(decided),
        )
        .order_by(Breach.deadline_at)
    )
    if organisation_id is not None:
        query = query.where(Breach.organisation_id == organisation_id)
    return list(session.scalars(query))


def _claim(session: Session, breach_id: uuid.UUID, hours: int, now: datetime) -> bool:
    values = {
        "id": uuid.uuid4(),
        "breach_id": breach_id,
        "threshold_hours": hours,
        "sent_at": now,
        "recipients": 0,
    }
    statement = db.insert_new(
        session.get_bind().dialect, BreachAlert, values, unique=["breach_id", "threshold_hours"]
    )
    return session.execute(statement).first() is not None


def _mail(
    session: Session,
    actor: Actor,
    keys: keystore.Keys,
    breach: Breach,
    hours: int,
    *,
    now: datetime,
    base_url: str,
) -> Alert:
    lang = mail.letterhead(session, breach.organisation_id).language
    left = rules.time_left(breach.aware_at, now)
    minutes = max(int(left.total_seconds()) // 60, 0)
    text = i18n.t(
        "breaches.alert.body",
        lang,
        reference=breach.reference,
        hours=hours,
        deadline=breach.deadline_at.astimezone(clock.BRUSSELS).strftime("%Y-%m-%d %H:%M"),
        left=i18n.t("breaches.alert.left", lang, hours=minutes // 60, minutes=minutes % 60),
        url=f"{base_url.rstrip('/')}/console/breaches/{breach.reference}",
    )
    subject = i18n.t("breaches.alert.subject", lang, reference=breach.reference, hours=hours)
    officers = [
        u
        for u in staff.list_staff(session, organisation_id=breach.organisation_id)
        if str(staff.Role.PRIVACY_OFFICER) in u.roles and u.active
    ]
    for officer in officers:
        mail.queue(
            session,
            keys,
            mail.Mail(to=officer.email, subject=subject, text=text),
            kind="breach_alert",
            category="service",
            organisation_id=breach.organisation_id,
            about=breach.reference,
        )
    session.execute(
        update(BreachAlert)
        .where(BreachAlert.breach_id == breach.id, BreachAlert.threshold_hours == hours)
        .values(recipients=len(officers))
    )
    audit.record(
        session,
        actor,
        "breach.alerted",
        entity=breach,
        organisation_id=breach.organisation_id,
        data={"reference": breach.reference, "hours": hours, "officers": len(officers)},
    )
    return Alert(breach.reference, breach.organisation_id, hours, len(officers))


def _alerts(session: Session, breach_id: uuid.UUID) -> list[BreachAlert]:
    return list(session.scalars(select(BreachAlert).where(BreachAlert.breach_id == breach_id)))
