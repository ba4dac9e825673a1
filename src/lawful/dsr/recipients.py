"""What each recipient hears of a rectification, erasure, restriction or objection (Art. 19, R-56, T-41):
the scope (which activities, which categories) and never more personal data than it already received."""

from collections.abc import Iterable, Mapping
from typing import Any

from lawful import outbound, processing

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
    """Post each message to its recipient's endpoint; the outcome per recipient, or why it was not told."""
    endpoints = {r.name: r.endpoint for r in register.recipients}
    outcomes = {}
    for name, payload in messages.items():
        endpoint = endpoints.get(name)
        if endpoint is None:
            outcomes[name] = "no endpoint: to be told by hand"
        elif payload is None:
            outcomes[name] = "received no identifier: to be told by hand"
        else:
            try:
                delivered = outbound.delivered(outbound.post(endpoint, json=payload, timeout=15))
                outcomes[name] = "delivered" if delivered else "not delivered: rejected"
            except outbound.OutboundError as exc:  # a category, never the network's own words
                outcomes[name] = f"not delivered: {exc.category}"
    return outcomes
