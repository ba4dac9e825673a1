"""What reaches a client controller outside its instruction: the webhook post of a forwarded request (tried
again until delivered), and the follow-ups of a client late with its instruction (R-102)."""

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, keystore, mail, outbound, processing, staff
from lawful.actor import Actor

from . import rules
from .models import Forwarding
from .service import client_of, contact, instruction_url, list_forwardings, mail_client


def payload(keys: keystore.Keys, row: Forwarding, base_url: str) -> dict[str, object]:
    """What the client's webhook receives: the request, who asked, and where to send the instruction."""
    return {
        "event": "rights_request.forwarded",
        "request_id": str(row.request_id),
        "reference": row.reference,
        "client": row.client,
        "kinds": list(row.kinds),
        "email": contact(keys, row),
        "received_on": row.received_on.isoformat(),
        "answer_by": row.remind_on.isoformat(),
        "instruction_url": instruction_url(base_url, row),
        "instructions": [str(i) for i in rules.Instruction],
    }


def deliver_webhook(
    db: Session, actor: Actor, keys: keystore.Keys, *, forwarding_id: uuid.UUID, base_url: str
) -> bool:
    """POST the forwarding to the client's webhook; a failure is counted and tried again by the sweep."""
    row = db.get(Forwarding, forwarding_id)
    if row is None or row.webhook != "pending":
        return False
    client = client_of(db, row.organisation_id, row.client)
    if not client.webhook:
        row.webhook = "none"
        return False
    row.webhook_attempts += 1
    try:
        response = outbound.post(client.webhook, json=payload(keys, row, base_url))
        delivered = outbound.delivered(response)
    except outbound.OutboundError as exc:
        delivered, category = False, exc.category
    else:
        category = "delivered" if delivered else f"http_{response.status_code}"
    if delivered:
        row.webhook = "delivered"
    audit.record(
        db,
        actor,
        "clients.request_webhook",
        entity=row,
        organisation_id=row.organisation_id,
        outcome="ok" if delivered else "failed",
        data={"client": row.client, "attempt": row.webhook_attempts, "result": category},
    )
    return delivered


def pending_webhooks(db: Session) -> list[uuid.UUID]:
    return list(
        db.scalars(
            select(Forwarding.id).where(
                Forwarding.webhook == "pending", Forwarding.state == str(rules.State.FORWARDED)
            )
        )
    )


def follow_ups(
    db: Session, actor: Actor, keys: keystore.Keys, *, organisation_id: uuid.UUID, today: date, base_url: str
) -> dict[str, int]:
    """The client is reminded once it is late with its instruction, then the privacy officers hear of it."""
    done = {"reminded": 0, "escalated": 0}
    for row in list_forwardings(db, organisation_id=organisation_id, state=str(rules.State.FORWARDED)):
        plan = rules.Schedule(row.forward_by, row.remind_on, row.escalate_on)
        due = rules.follow_up(
            today,
            plan,
            instructed=row.instruction is not None,
            reminded=row.reminded_at is not None,
            escalated=row.escalated_at is not None,
        )
        if due is None:
            continue
        client = client_of(db, organisation_id, row.client)
        if due is rules.FollowUp.REMIND:
            row.reminded_at = clock.now()
            mail_client(db, keys, row, client, "reminder", base_url)
            done["reminded"] += 1
        else:
            row.escalated_at = clock.now()
            _escalate(db, keys, row, client)
            done["escalated"] += 1
        audit.record(
            db,
            actor,
            f"clients.request_{'reminded' if due is rules.FollowUp.REMIND else 'escalated'}",
            entity=row,
            organisation_id=organisation_id,
            data={"client": row.client, "reference": row.reference, "on": today.isoformat()},
        )
    return done


def post_to_client(db: Session, row: Forwarding, body: dict[str, object]) -> str:
    """Tell the client's webhook (if any) at once; the outcome is audited, never raised."""
    client = client_of(db, row.organisation_id, row.client)
    if not client.webhook:
        return "none"
    try:
        response = outbound.post(client.webhook, json=body)
        return "delivered" if outbound.delivered(response) else f"http_{response.status_code}"
    except outbound.OutboundError as exc:
        return exc.category


def _escalate(db: Session, keys: keystore.Keys, row: Forwarding, client: processing.Client) -> None:
    lang = mail.letterhead(db, row.organisation_id).language
    words = {
        "client": client.name,
        "reference": row.reference,
        "since": i18n.long_date(row.forwarded_at.date(), lang),
    }
    for officer in staff.list_staff(db, organisation_id=row.organisation_id):
        if "privacy_officer" in officer.roles and officer.active:
            mail.queue(
                db,
                keys,
                mail.Mail(
                    to=officer.email,
                    subject=i18n.t("mail.client_escalation.subject", lang, **words),
                    text=i18n.t("mail.client_escalation.body", lang, **words),
                ),
                kind="client_escalation",
                category="service",
                organisation_id=row.organisation_id,
            )
