"""An overdue notice to a client controller (R-103): the privacy officers hear by mail once per case and
client, as for the 72-hour clock; the claim is the row's `overdue_alerted_at`, set by one UPDATE, so two
workers running the job at once send one alert."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, keystore, mail, staff
from lawful.actor import Actor

from ..models import Breach
from ..rules import Status
from . import service
from .models import BreachClientNotice


@dataclass(frozen=True)
class Overdue:
    reference: str
    organisation_id: uuid.UUID
    client: str
    officers: int


def send_overdue(
    session: Session, actor: Actor, keys: keystore.Keys, *, now: datetime, base_url: str
) -> list[Overdue]:
    """Every notice to a client past its DPA deadline and not sent, for every organisation: one alert each."""
    found = []
    open_cases = select(Breach).where(Breach.status != str(Status.CLOSED)).order_by(Breach.deadline_at)
    for breach in session.scalars(open_cases):
        for concern in service.concerned(session, keys, breach):
            if concern.due_at >= now or not _claim(session, breach, concern, now):
                continue
            found.append(_mail(session, actor, keys, breach, concern, base_url=base_url))
    return found


def _claim(session: Session, breach: Breach, concern: service.Concern, now: datetime) -> bool:
    values = {
        "id": uuid.uuid4(),
        "breach_id": breach.id,
        "client": concern.client.key,
        "due_at": concern.due_at,
        "facts": {},
    }
    session.execute(service.db_insert(session, values))
    claimed = session.execute(
        update(BreachClientNotice)
        .where(
            BreachClientNotice.breach_id == breach.id,
            BreachClientNotice.client == concern.client.key,
            BreachClientNotice.sent_at.is_(None),
            BreachClientNotice.overdue_alerted_at.is_(None),
        )
        .values(overdue_alerted_at=now)
        .returning(BreachClientNotice.id)
    ).scalar()
    return claimed is not None


def _mail(
    session: Session,
    actor: Actor,
    keys: keystore.Keys,
    breach: Breach,
    concern: service.Concern,
    *,
    base_url: str,
) -> Overdue:
    lang = mail.letterhead(session, breach.organisation_id).language
    values = {
        "reference": breach.reference,
        "client": concern.client.name,
        "deadline": concern.due_at.astimezone(clock.BRUSSELS).strftime("%Y-%m-%d %H:%M"),
        "url": f"{base_url.rstrip('/')}/console/breaches/{breach.reference}/clients",
    }
    officers = [
        u
        for u in staff.list_staff(session, organisation_id=breach.organisation_id)
        if str(staff.Role.PRIVACY_OFFICER) in u.roles and u.active
    ]
    for officer in officers:
        mail.queue(
            session,
            keys,
            mail.Mail(
                to=officer.email,
                subject=i18n.t("breaches.client.overdue.subject", lang, **values),
                text=i18n.t("breaches.client.overdue.body", lang, **values),
            ),
            kind="breach_alert",
            category="service",
            organisation_id=breach.organisation_id,
            about=breach.reference,
        )
    audit.record(
        session,
        actor,
        "breach.client_notice_overdue",
        entity=breach,
        organisation_id=breach.organisation_id,
        data={"reference": breach.reference, "client": concern.client.key, "officers": len(officers)},
    )
    return Overdue(breach.reference, breach.organisation_id, concern.client.key, len(officers))


def overdue_rows(
    session: Session, *, organisation_id: uuid.UUID, now: datetime
) -> list[tuple[str, str, datetime]]:
    """(case reference, client, due) of every notice past its deadline and not sent (the compliance check)."""
    query = (
        select(Breach.reference, BreachClientNotice.client, BreachClientNotice.due_at)
        .join(Breach, Breach.id == BreachClientNotice.breach_id)
        .where(
            Breach.organisation_id == organisation_id,
            Breach.status != str(Status.CLOSED),
            BreachClientNotice.sent_at.is_(None),
            BreachClientNotice.due_at < now,
        )
        .order_by(BreachClientNotice.due_at)
    )
    return [(r, c, d) for r, c, d in session.execute(query)]
