"""What each recipient hears of a rectification, erasure, restriction or objection (Art. 19, R-56, T-41):
the scope (which activities, which categories) and never more personal data than it already received."""

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import clock, i18n, outbound, processing

from .notices.models import RecipientNotice

IDENTIFIER = "user.contact.email"  # how a recipient finds the person, when it received the address
MARKETING_USES = ("marketing", "personalize")


def scope(
    register: processing.Register, *, kinds: Iterable[str], details: Mapping[str, Any], held: set[str]
) -> set[str]:
    """The activities a request touches: one activity objected to, marketing for a marketing objection,
    else every activity the person's data serve (`held`)."""
    found: set[str] = set()
    for kind in kinds:
        if kind == "objection" and details.get("scope", "direct_marketing") == "direct_marketing":
            found |= {a.key for a in register.activities if a.data_use.startswith(MARKETING_USES)} & held
        elif kind == "objection" and details.get("activity"):
            found.add(str(details["activity"]))
        elif kind in ("rectification", "erasure", "restriction", "objection"):
            found |= held
    return found


def payloads(
    register: processing.Register,
    *,
    reference: str,
    events: list[str],
    activities: set[str],
    email: str,
    values: Mapping[str, str] | None = None,
) -> dict[str, dict[str, Any] | None]:
    """One message per recipient of those activities, by name; None when it received no identifier."""
    found: dict[str, dict[str, Any] | None] = {}
    for recipient in register.recipients:
        served = sorted(
            a.key for a in register.activities if a.key in activities and recipient.key in a.recipients
        )
        if not served:
            continue
        shared = {c for a in register.activities if a.key in served for c in a.data_categories}
        received = sorted(set(recipient.fields) & shared)  # what it was allowed to receive (marketing sync)
        if IDENTIFIER not in received:
            found[recipient.name] = None
            continue
        payload: dict[str, Any] = {
            "event": events,
            "reference": reference,
            "email": email,
            "scope": {"activities": served, "categories": received},
        }
        corrected = {k: v for k, v in (values or {}).items() if k in received}
        if corrected:
            payload["values"] = corrected
        found[recipient.name] = payload
    return found


def tell(register: processing.Register, messages: Mapping[str, dict[str, Any] | None]) -> dict[str, str]:
    """Post each message to its recipient's endpoint once; the outcome per recipient, or why it was not told.
    (Requests go through notices.send, which retries and hands what fails to staff.)"""
    endpoints = {r.name: r.endpoint for r in register.recipients}
    outcomes = {}
    for name, payload in messages.items():
        endpoint = endpoints.get(name)
        if endpoint is None:
            outcomes[name] = "no endpoint: to be told by hand"
        elif payload is None:
            outcomes[name] = "received no identifier: to be told by hand"
        else:
            error = deliver(endpoint, payload)
            outcomes[name] = "delivered" if error is None else f"not delivered: {error}"
    return outcomes


def deliver(endpoint: str, payload: dict[str, Any]) -> str | None:
    """POST one message; None when the recipient took it, else why not as a category (never the network's
    own words): "server error 503", "rejected 400", "unreachable" (refused, timed out), "refused_address"."""
    try:
        response = outbound.post(endpoint, json=payload, timeout=15)
    except outbound.OutboundError as exc:
        return exc.category
    if outbound.delivered(response):
        return None
    return f"server error {response.status_code}" if response.is_server_error else "rejected"


def outcomes(db: Session, request_id: uuid.UUID, lang: str | None = None) -> list[dict[str, Any]]:
    """Art. 19, second sentence: which recipients were told of the request, when and how, or why not; what
    the person is told when they ask (an access or erasure answer reads this). Recipients still being
    tried or waiting for staff are listed with `outcome` None. With `lang`, each has a sentence to show."""
    query = (
        select(RecipientNotice)
        .where(RecipientNotice.request_id == request_id)
        .order_by(RecipientNotice.created_at, RecipientNotice.recipient)
    )
    found = []
    for notice in db.scalars(query):
        entry: dict[str, Any] = {
            "recipient": notice.recipient,
            "outcome": notice.outcome,  # told, impossible, disproportionate; None: not yet
            "told_at": notice.told_at.isoformat() if notice.told_at else None,
            "method": notice.method,  # api, email, letter, phone, portal
            "reason": notice.note if notice.outcome in ("impossible", "disproportionate") else None,
        }
        if lang is not None:
            entry["text"] = describe(entry, lang)
        found.append(entry)
    return found


def describe(entry: Mapping[str, Any], lang: str) -> str:
    """One recipient's outcome as a sentence in the person's language (locale/staff_tasks.yaml)."""
    outcome = entry.get("outcome")
    if outcome == "told":
        day = i18n.long_date(clock.brussels_date(datetime.fromisoformat(entry["told_at"])), lang)
        how = i18n.t(f"recipients.method.{entry['method']}", lang)
        return i18n.t("recipients.told", lang, recipient=entry["recipient"], date=day, method=how)
    if outcome in ("impossible", "disproportionate"):
        return i18n.t(
            f"recipients.{outcome}", lang, recipient=entry["recipient"], reason=entry.get("reason") or ""
        )
    return i18n.t("recipients.pending", lang, recipient=entry["recipient"])
