"""A processor's breach notices to its client controllers (R-103): which clients a case concerns, each one's
deadline and status, and the notice itself, by mail to the client's contact address through the outbox and
to its webhook when it has one. Each client is told once per case: its row is claimed before anything goes
out, in the caller's unit of work, so a second worker finds it claimed and sends nothing."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lawful import audit, clock, db, keystore, outbound, processing, subjects
from lawful.actor import Actor

from .. import service as cases
from ..errors import BreachClosed
from ..letters.wording import contact
from ..models import Breach
from ..rules import Status
from ..scope import AffectedListGone, BreachScope, affected
from . import rules, wording
from .errors import ClientNoticeRefused
from .models import BreachClientNotice
from .schemas import ClientNoticeRead

CHUNK = 1000


@dataclass(frozen=True)
class Concern:
    client: processing.Client
    share: rules.Share
    due_at: datetime


def concerned(db: Session, keys: keystore.Keys, breach: Breach) -> list[Concern]:
    """Every client controller whose data the case reached, with its share and its DPA deadline."""
    register = processing.current_register(db, organisation_id=breach.organisation_id)[1]
    clients = {c.key: c for c in register.clients}
    if not clients:
        return []
    activity_clients = {
        a.key: a.on_behalf_of for a in register.activities if a.role == "processor" and a.on_behalf_of
    }
    scoped = db.scalars(select(BreachScope.definition).where(BreachScope.breach_id == breach.id))
    activities = {a for definition in scoped for a in definition.get("activities") or []}
    found = rules.shares(
        clients=clients,
        activity_clients=activity_clients,
        scoped_activities=activities,
        people=_client_people(db, keys, breach),
        named=[breach.client_controller] if breach.client_controller else [],
    )
    return [
        Concern(
            clients[key], share, rules.due_at(breach.aware_at, rules.hours(clients[key].dpa.breach_notice))
        )
        for key, share in sorted(found.items())
    ]


def _client_people(db: Session, keys: keystore.Keys, breach: Breach) -> list[tuple[str, dict[str, Any]]]:
    """The affected people of a client's segregated space, each with its client (none once destroyed)."""
    try:
        entries = [e for e in affected(keys, breach) if e.get("subject")]
    except AffectedListGone:
        return []
    model = subjects.Subject
    found: list[tuple[str, dict[str, Any]]] = []
    for start in range(0, len(entries), CHUNK):
        chunk = {str(e["subject"]): e for e in entries[start : start + CHUNK]}
        ids = [uuid.UUID(s) for s in chunk]
        query = select(model.id, model.client).where(
            model.organisation_id == breach.organisation_id,
            model.id.in_(ids),
            model.client.is_not(None),
        )
        found.extend((str(client), chunk[str(subject_id)]) for subject_id, client in db.execute(query))
    return found


def notices(db: Session, keys: keystore.Keys, breach: Breach, *, now: datetime) -> list[ClientNoticeRead]:
    """Each client concerned (or already told) with its deadline and status, what it was told and how."""
    rows = {n.client: n for n in _rows(db, breach.id)}
    shown = []
    for concern in concerned(db, keys, breach):
        shown.append(
            _read(
                concern.client.key,
                concern.client.name,
                concern.due_at,
                concern.share,
                rows.pop(concern.client.key, None),
                now,
            )
        )
    for key, row in rows.items():  # told, and no longer in the scope: still shown, as it was told
        shown.append(_read(key, str(row.facts.get("client_name", key)), row.due_at, None, row, now))
    return shown


def notify(
    db: Session,
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    reference: str,
    clients: Iterable[str] = (),
) -> list[ClientNoticeRead]:
    """R-103: tell each client concerned (or those named) that was not told yet; the notices sent now."""
    breach = cases.get(db, organisation_id=organisation_id, reference=reference)
    if breach.status == Status.CLOSED:
        raise BreachClosed(f"{breach.reference} is closed; its record is kept as it was closed")
    found = {c.client.key: c for c in concerned(db, keys, breach)}
    named = list(clients)
    problems = [
        {"path": f"clients.{i}", "message": "this case does not concern that client"}
        for i, key in enumerate(named)
        if key not in found
    ]
    if problems:
        raise ClientNoticeRefused(
            "no notice can be sent: " + ", ".join(p["path"] for p in problems), problems=problems
        )
    now = clock.now()
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    sent = []
    for key in named or sorted(found):
        concern = found[key]
        row = _claim(db, breach, concern, actor, now)
        if row is None:
            continue  # told already, by this or another worker
        row.facts = rules.facts(
            concern.share,
            reference=breach.reference,
            client_name=concern.client.name,
            dpa_reference=concern.client.dpa.reference,
            aware_at=breach.aware_at,
            occurred_at=breach.occurred_at,
            detected_at=breach.detected_at,
            due=concern.due_at,
            nature=[str(n) for n in breach.nature],
            consequences=breach.consequences,
            measures_taken=breach.measures_taken,
            measures_proposed=breach.measures_proposed,
            contact=contact(register),
        )
        row.mail_id = wording.queue(db, keys, breach, concern.client, row.facts, register).id
        if concern.client.webhook:
            row.webhook_status, row.webhook_error = _post(concern.client.webhook, row.facts)
        db.flush()
        audit.record(
            db,
            actor,
            "breach.client_notified",
            entity=row,
            organisation_id=organisation_id,
            data={
                "reference": breach.reference,
                "client": key,
                "people": concern.share.people,
                "late": now > concern.due_at,
                "webhook": row.webhook_status or row.webhook_error,
            },
        )
        sent.append(_read(key, concern.client.name, concern.due_at, concern.share, row, now))
    return sent


def _claim(
    db: Session, breach: Breach, concern: Concern, actor: Actor, now: datetime
) -> BreachClientNotice | None:
    """The client's row, marked sent by us; None when it was sent already (the UPDATE waits for a worker
    holding it, then finds it sent)."""
    values = {
        "id": uuid.uuid4(),
        "breach_id": breach.id,
        "client": concern.client.key,
        "due_at": concern.due_at,
        "facts": {},
    }
    db.execute(db_insert(db, values))
    claimed = db.execute(
        update(BreachClientNotice)
        .where(
            BreachClientNotice.breach_id == breach.id,
            BreachClientNotice.client == concern.client.key,
            BreachClientNotice.sent_at.is_(None),
        )
        .values(sent_at=now, sent_by=actor.label[:200], due_at=concern.due_at)
        .returning(BreachClientNotice.id)
    ).scalar()
    if claimed is None:
        return None
    row = db.get(BreachClientNotice, claimed, populate_existing=True)
    assert row is not None
    return row


def db_insert(session: Session, values: dict[str, Any]) -> Any:
    return db.insert_new(
        session.get_bind().dialect, BreachClientNotice, values, unique=["breach_id", "client"]
    )


def _post(url: str, facts: dict[str, Any]) -> tuple[int | None, str | None]:
    """The client's webhook: its HTTP status, or why nothing was delivered (a category, no details)."""
    try:
        response = outbound.post(url, json={"type": "breach_notice"} | facts, timeout=15)
    except outbound.OutboundError as exc:
        return None, exc.category
    return response.status_code, None if outbound.delivered(response) else f"http {response.status_code}"


def _rows(db: Session, breach_id: uuid.UUID) -> list[BreachClientNotice]:
    query = select(BreachClientNotice).where(BreachClientNotice.breach_id == breach_id)
    return list(db.scalars(query.order_by(BreachClientNotice.client)))


def _read(
    key: str,
    name: str,
    due: datetime,
    share: rules.Share | None,
    row: BreachClientNotice | None,
    now: datetime,
) -> ClientNoticeRead:
    sent = row is not None and row.sent_at is not None
    facts = row.facts if sent and row is not None else None
    webhook = None
    if row is not None and sent:
        webhook = (row.webhook_error and f"failed: {row.webhook_error}") or (
            "delivered" if row.webhook_status else None
        )
    return ClientNoticeRead(
        client=key,
        client_name=name,
        due_at=row.due_at if row is not None else due,
        status=rules.status(due, row.sent_at if row is not None else None, now),
        approx_subjects=(facts or {}).get("approx_subjects", share.people if share else 0),
        approx_records=(facts or {}).get("approx_records", share.records if share else 0),
        sent_at=row.sent_at if row is not None else None,
        sent_by=row.sent_by if row is not None else None,
        mail_queued=row is not None and row.mail_id is not None,
        webhook=webhook,
        facts=facts,
    )
