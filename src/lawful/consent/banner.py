"""The cookie banner: its configuration from the tracker inventory, and each choice as proof (R-25..R-29).

A choice is kept under a random consent id with what was shown (texts hash, inventory version, cookie
notice version, language) and, per category, a ledger event; the address is kept only as its network.
"""

import hashlib
import ipaddress
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, notices, processing
from lawful.actor import Actor
from lawful.db import insert_together, table_of
from lawful.errors import NotFound, RuleViolation

from .models import ConsentEvent, CookieChoice
from .rules import EventKind

NECESSARY = "strictly_necessary"
ORDER = (NECESSARY, "preferences", "analytics", "marketing", "social_media")
GPC_REFUSES = ("marketing", "social_media")  # "do not sell or share": advertising and social tracking
TEXT_KEYS = (
    "title",
    "body",
    "accept_all",
    "refuse_all",
    "manage",
    "save",
    "close_manage",
    "always_on",
    "gpc",
    "load_content",
    "blocked",
)


class UnknownCategory(RuleViolation):
    code = "unknown_category"


@dataclass(frozen=True)
class BannerConfig:
    organisation_id: uuid.UUID
    data: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.data["version"])


def inventory_version(register: processing.Register) -> str:
    """Changes exactly when a consent-requiring tracker or its category changes: then we ask again (R-29)."""
    optional = sorted(
        (t.key, str(t.category), t.provider, t.recipient or "", t.duration, t.name)
        for t in register.trackers
        if t.category != NECESSARY
    )
    return hashlib.sha256(json.dumps(optional).encode()).hexdigest()[:16]


_configs: dict[tuple[uuid.UUID, str, str, int, int | None], BannerConfig] = {}


def config(
    db: Session, *, organisation_id: uuid.UUID, lang: str, base_url: str, lifetime_days: int
) -> BannerConfig:
    """Built once per register version, language and cookie notice; both are immutable once stored."""
    version_id = processing.current_version_id(db, organisation_id=organisation_id)
    key = (version_id, lang, base_url, lifetime_days, _cookie_notice(db, organisation_id))
    cached = _configs.get(key)
    if cached is None:
        if len(_configs) > 256:
            _configs.clear()
        register = processing.register_by_id(db, version_id=version_id)
        cached = _configs[key] = _build(register, organisation_id, lang, base_url, lifetime_days, key[4])
    return cached


def _build(
    register: processing.Register,
    organisation_id: uuid.UUID,
    lang: str,
    base_url: str,
    lifetime_days: int,
    notice_number: int | None,
) -> BannerConfig:
    org = register.organisation
    language = lang if lang in org.languages else org.authoritative_language
    present = {str(t.category) for t in register.trackers} | {NECESSARY}
    categories = []
    for key in ORDER:
        if key not in present:
            continue
        trackers = [
            {
                "name": t.name,
                "provider": t.provider,
                "duration": notices.lifetime(register, t, language),
            }
            for t in register.trackers
            if str(t.category) == key
        ]
        categories.append(
            {
                "key": key,
                "label": i18n.t(f"category.{key}", language),
                "description": i18n.t(f"category.{key}.description", language),
                "required": key == NECESSARY,
                "trackers": trackers,
            }
        )
    texts = {name: i18n.t(f"banner.{name}", language) for name in TEXT_KEYS}
    texts |= {
        "privacy": i18n.t("footer.privacy", language),
        "cookies": i18n.t("footer.cookies", language),
        "manage_link": i18n.t("cookies.manage", language),
    }
    data = {
        "notice_number": notice_number,
        "version": inventory_version(register),
        "language": language,
        "languages": list(org.languages),
        "lifetime_days": lifetime_days,
        "texts": texts,
        "links": {
            "privacy": f"{base_url}/privacy?lang={language}",
            "cookies": f"{base_url}/cookies?lang={language}",
        },
        "categories": categories,
        "gpc_refuses": [c for c in GPC_REFUSES if c in present],
        "endpoint": f"{base_url}/api/banner/consents",
    }
    data["texts_hash"] = hashlib.sha256(
        json.dumps(
            {"texts": data["texts"], "categories": data["categories"]}, sort_keys=True, ensure_ascii=False
        ).encode()
    ).hexdigest()
    return BannerConfig(organisation_id, data)


@dataclass(frozen=True)
class Written:
    """The rows one choice writes: the choice, its ledger events, its audit entry."""

    choice: dict[str, Any]
    events: list[dict[str, Any]]
    audit: dict[str, Any]

    def groups(self) -> list[tuple[Table, list[dict[str, Any]]]]:
        return [(_CHOICES, [self.choice]), (_EVENTS, self.events), (_AUDIT, [self.audit])]


_CHOICES, _EVENTS, _AUDIT = (table_of(m) for m in (CookieChoice, ConsentEvent, audit.AuditEntry))


def record(
    db: Session,
    actor: Actor,
    banner: BannerConfig,
    *,
    consent_id: str | None,
    choices: dict[str, bool],
    gpc: bool,
    client: str | None,
    shown_version: str | None = None,
) -> CookieChoice:
    """Store one choice and its per-category ledger events; the consent id is new unless it is known."""
    previous = _latest(db, banner.organisation_id, consent_id) if consent_id else None
    written = prepare(
        actor,
        banner,
        previous=previous,
        choices=choices,
        gpc=gpc,
        client=client,
        shown_version=shown_version,
        now=clock.now(),
    )
    insert_together(db.connection(), written.groups())
    return CookieChoice(**written.choice)


def prepare(
    actor: Actor,
    banner: BannerConfig,
    *,
    previous: CookieChoice | None,
    choices: dict[str, bool],
    gpc: bool,
    client: str | None,
    shown_version: str | None,
    now: datetime,
) -> Written:
    """The rows of one choice, checked against the banner's categories; nothing is written here."""
    optional = {c["key"] for c in banner.data["categories"] if not c["required"]}
    unknown = sorted(set(choices) - optional)
    if unknown:
        raise UnknownCategory(
            f"not an optional category of this site: {', '.join(unknown)}",
            problems=[
                {"path": f"choices.{k}", "message": "unknown category", "rule": "unknown"} for k in unknown
            ],
        )
    final = {
        key: bool(choices.get(key)) and not (gpc and key in banner.data["gpc_refuses"])
        for key in sorted(optional)
    }
    choice = {
        "id": uuid.uuid4(),
        "organisation_id": banner.organisation_id,
        "consent_id": previous.consent_id if previous else _new_id(),
        "choices": final,
        "language": banner.data["language"],
        "version": shown_version or banner.version,
        "notice_number": banner.data["notice_number"],
        "text_hash": banner.data["texts_hash"],
        "gpc": gpc,
        "network": network_of(client),
        "created_at": now,
    }
    # a site with strictly necessary cookies only has nothing to record per category
    events = [_event(choice, key, on, previous, actor) for key, on in final.items()]
    entry = audit.entry(
        actor,
        "consent.cookie_choice",
        entity_type="CookieChoice",
        entity_id=choice["id"],
        organisation_id=banner.organisation_id,
        data={"choices": final, "gpc": gpc},
    )
    return Written(choice, events, entry)


def _event(
    choice: dict[str, Any], key: str, on: bool, previous: CookieChoice | None, actor: Actor
) -> dict[str, Any]:
    was_on = bool(previous and previous.choices.get(key))
    kind = EventKind.GIVEN if on else (EventKind.WITHDRAWN if was_on else EventKind.REFUSED)
    return {
        "id": uuid.uuid4(),
        "organisation_id": choice["organisation_id"],
        "subject_id": None,
        "consent_id": choice["consent_id"],
        "purpose": f"cookies:{key}",
        "kind": str(kind),
        "text_hash": choice["text_hash"],
        "text_version": choice["version"],
        "language": choice["language"],
        "notice_number": choice["notice_number"],
        "channel": "banner",
        "element": "banner",
        "occurred_at": choice["created_at"],
        "actor_label": actor.label,
    }


def _new_id() -> str:
    return secrets.token_hex(16)


def _cookie_notice(db: Session, organisation_id: uuid.UUID) -> int | None:
    return notices.current_number(db, organisation_id=organisation_id, kind=notices.NoticeKind.COOKIES)


def network_of(client: str | None) -> str | None:
    """R-28: never the full address; an IPv4 /24 or an IPv6 /48."""
    if not client:
        return None
    octets = client.split(".")
    if len(octets) == 4 and all(o.isdigit() and o == str(int(o)) and int(o) < 256 for o in octets):
        return f"{octets[0]}.{octets[1]}.{octets[2]}.0/24"  # the common case, without ipaddress's cost
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _latest(db: Session, organisation_id: uuid.UUID, consent_id: str) -> CookieChoice | None:
    query = (
        select(CookieChoice)
        .where(CookieChoice.organisation_id == organisation_id, CookieChoice.consent_id == consent_id)
        .order_by(CookieChoice.created_at.desc())
        .limit(1)
    )
    return db.scalars(query).first()


def proof(db: Session, *, organisation_id: uuid.UUID, consent_id: str) -> list[CookieChoice]:
    """Every choice made under a consent id, oldest first: what was shown and what was chosen."""
    query = (
        select(CookieChoice)
        .where(CookieChoice.organisation_id == organisation_id, CookieChoice.consent_id == consent_id)
        .order_by(CookieChoice.created_at)
    )
    found = list(db.scalars(query))
    if not found:
        raise NotFound("no choice under this consent id")
    return found


def expires_at(row: CookieChoice, lifetime_days: int) -> datetime:
    return row.created_at + timedelta(days=lifetime_days)
