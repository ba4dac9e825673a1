"""The analytics tools the site runs, with their minimisation settings and the consent category they fire
under (R-30, R-24, R-26): read from the register, as the banner enforces it, and changed only through a
new register version that passes the same checks as `lawful register check`.

Settings refused at configuration time: IP truncation off, vendor data sharing on, advertising features on
for a tool not declared under marketing, retention above MAX_ANALYTICS_MONTHS. Nothing here is about a
person: the configuration is public, as the cookie notice is.
"""

import copy
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from lawful import audit, processing
from lawful.actor import Actor
from lawful.errors import NotFound, RuleViolation

from .banner import NECESSARY, ORDER, inventory_version

FIELDS = {  # the register's names for the settings, and how this configuration calls them
    "ip_truncation": "ip_anonymisation",
    "vendor_data_sharing": "vendor_sharing",
    "advertising_features": "advertising_features",
    "retention": "retention_months",
}


class AnalyticsRefused(RuleViolation):
    code = "analytics_settings_refused"


class NoAnalyticsTool(NotFound):
    code = "no_analytics_tool"


@dataclass(frozen=True)
class Change:
    """What `set_settings` changes; None leaves the setting as it is."""

    ip_anonymisation: bool | None = None
    vendor_sharing: bool | None = None
    advertising_features: bool | None = None
    retention_months: int | None = None


def config(register: processing.Register) -> dict[str, Any]:
    """Which trackers run under which consent category (the banner's), and each analytics tool's settings."""
    trackers = list(register.trackers)
    categories = {
        key: sorted(t.name for t in trackers if str(t.category) == key)
        for key in ORDER
        if key == NECESSARY or any(str(t.category) == key for t in trackers)
    }
    return {
        "banner_version": inventory_version(register),
        "max_retention_months": processing.MAX_ANALYTICS_MONTHS,
        "categories": categories,
        "analytics": [_tool(register, key) for key in _tools(register)],
    }


def _tools(register: processing.Register) -> list[str]:
    """The recipients that receive analytics measurements: a known analytics tracker or one filed under
    analytics names them."""
    found = []
    for tracker in register.trackers:
        known = processing.identify_tracker(tracker)
        analytics = (known is not None and known.analytics) or str(tracker.category) == "analytics"
        if analytics and tracker.recipient and tracker.recipient not in found:
            found.append(tracker.recipient)
    return found


def _tool(register: processing.Register, key: str) -> dict[str, Any]:
    recipient = next(r for r in register.recipients if r.key == key)
    own = [t for t in register.trackers if t.recipient == key]
    known = next((k for k in map(processing.identify_tracker, own) if k is not None and k.analytics), None)
    settings = recipient.analytics
    return {
        "recipient": key,
        "name": recipient.name,
        "tool": known.tool if known else None,
        "fires_under": sorted({str(t.category) for t in own}),
        "trackers": [{"name": t.name, "kind": str(t.kind), "category": str(t.category)} for t in own],
        "settings": None
        if settings is None
        else {
            "ip_anonymisation": settings.ip_truncation,
            "vendor_sharing": settings.vendor_data_sharing,
            "advertising_features": settings.advertising_features,
            "retention_months": _months(settings.retention),
            "retention": settings.retention,
        },
    }


def _months(period: str) -> int:
    years, months, _, _ = processing.period_parts(period)
    return years * 12 + months


def set_settings(
    db: Session, actor: Actor, *, organisation_id: uuid.UUID, recipient: str | None, change: Change
) -> dict[str, Any]:
    """Record new settings of an analytics tool as the next register version, or refuse them naming the
    setting (R-30), nothing stored. The tool's configuration as it now stands."""
    version = processing.get_version(db, organisation_id=organisation_id)
    register = processing.register_of(version)
    key = _which(register, recipient)
    document = copy.deepcopy(version.document)
    entry = next(r for r in document["recipients"] if r["key"] == key)
    current = entry.get("analytics") or {
        "ip_truncation": True,
        "vendor_data_sharing": False,
        "retention": "P14M",
    }
    updates = {
        "ip_truncation": change.ip_anonymisation,
        "vendor_data_sharing": change.vendor_sharing,
        "advertising_features": change.advertising_features,
        "retention": None if change.retention_months is None else f"P{change.retention_months}M",
    }
    entry["analytics"] = current | {k: v for k, v in updates.items() if v is not None}
    index = next(i for i, r in enumerate(register.recipients) if r.key == key)
    _ensure_minimised(json.dumps(document), f"recipients[{index}].analytics")
    stored, _ = processing.apply(db, actor, text=json.dumps(document), source=f"lawful analytics set ({key})")
    audit.record(
        db,
        actor,
        "consent.analytics_set",
        entity_type="Recipient",
        entity_id=key,
        organisation_id=organisation_id,
        data={"settings": entry["analytics"], "register": stored.number},
    )
    return _tool(processing.register_of(stored), key)


def _which(register: processing.Register, recipient: str | None) -> str:
    tools = _tools(register)
    if recipient is None and len(tools) == 1:
        return tools[0]
    if recipient is None:
        names = ", ".join(tools) or "none"
        raise NoAnalyticsTool(f"recipient: name the analytics tool to configure ({names})")
    if recipient not in tools:
        raise NoAnalyticsTool(f"recipient: {recipient!r} receives no analytics tracker of the register")
    return recipient


def _ensure_minimised(text: str, path: str) -> None:
    """The register's own checks of these settings (known_trackers), as `register check` runs them."""
    _, problems = processing.check(text)
    refused = [p for p in problems if p.severity == "error" and p.path.startswith(path)]
    if refused:
        named = [(FIELDS.get(p.path.removeprefix(path + "."), p.path), p.message) for p in refused]
        raise AnalyticsRefused(
            "; ".join(f"{field}: {message}" for field, message in named),
            problems=[{"path": field, "message": message} for field, message in named],
        )
