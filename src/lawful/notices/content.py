"""What a notice says, resolved for one language: plain values for the templates (pure).

Every text comes from a keyed label of the register or a key of the catalogue, so each language
version states the same facts (R-121).
"""

from dataclasses import dataclass, field
from typing import Any

from babel import Locale
from babel.units import format_unit

from lawful import i18n
from lawful.processing import EEA, Label, Register, Tracker, TrackerKind, bases, client_of, is_special

from .rules import NoticeKind

_UNITS = (("Y", "duration-year"), ("M", "duration-month"), ("W", "duration-week"), ("D", "duration-day"))


def text(label: Label | None, lang: str, fallback: str) -> str:
    if label is None:
        return ""
    return label.get(lang) or label.get(fallback) or ""


def countries(codes: list[str], lang: str) -> list[str]:
    """ISO codes as country names in the reader's language ("US" → "United States" / "États-Unis")."""
    names = Locale(lang).territories
    return [str(names.get(code, code)) for code in codes]


def period(iso: str, lang: str) -> str:
    """`P10Y` → "10 years" / "10 ans" / "10 jaar" (Babel's CLDR units)."""
    body, parts = iso[1:], []
    for letter, unit in _UNITS:
        if letter in body:
            number, body = body.split(letter, 1)
            parts.append(format_unit(int(number), unit, length="long", locale=lang))
    return " ".join(parts)


@dataclass
class Context:
    kind: NoticeKind
    lang: str
    authoritative: str
    languages: list[str]
    org: dict[str, Any]
    sections: dict[str, Any] = field(default_factory=dict)


def build(register: Register, kind: NoticeKind, lang: str) -> Context:
    org = register.organisation
    fb = org.authoritative_language
    context = Context(kind, lang, fb, list(org.languages), _org(register, lang, fb))
    if kind is NoticeKind.PRIVACY:
        context.sections = _privacy(register, lang, fb)
    else:
        context.sections = _cookies(register, lang, fb)
    return context


def _org(register: Register, lang: str, fb: str) -> dict[str, Any]:
    org = register.organisation
    return {
        "legal_name": org.legal_name,
        "legal_form": org.legal_form,
        "office": org.registered_office,
        "correspondence": org.correspondence_address,
        "company_number": org.company_number,
        "website": org.website,
        "contact": [
            {"kind": str(c.kind), "value": c.value, "label": text(c.label, lang, fb)} for c in org.contact
        ],
        "dpo": org.dpo,
        "joint": [
            {"name": j.name, "contact": j.contact, "arrangement": text(j.arrangement, lang, fb)}
            for j in org.joint_controllers
        ],
        "automated": text(org.automated_decisions, lang, fb),
        "portability": str(org.portability.scope),  # what the portability right promises
    }


def _privacy(register: Register, lang: str, fb: str) -> dict[str, Any]:
    subjects = {s.key: text(s.label, lang, fb) for s in register.subject_categories}
    categories = {c.key: c for c in register.data_categories}
    recipients = {r.key: r for r in register.recipients}
    retention = {r.key: r for r in register.retention_rules}
    activities = []
    for activity in register.activities:
        rule = retention[activity.retention]
        activities.append(
            {
                "key": activity.key,
                "name": text(activity.name, lang, fb),
                "purpose": text(activity.purpose, lang, fb),
                "processor_for": _controller(register, activity.key),
                "bases": [{"subjects": subjects[s], "basis": str(b)} for s, b in bases(activity).items()],
                "interest": text(activity.legitimate_interest.interest, lang, fb)
                if activity.legitimate_interest
                else "",
                "data": [
                    {"label": text(categories[k].label, lang, fb), "special": is_special(categories[k])}
                    for k in activity.data_categories
                ],
                "people": [subjects[k] for k in activity.subjects],
                "recipients": [text(recipients[k].label, lang, fb) for k in activity.recipients],
                "retention": {
                    "label": text(rule.label, lang, fb),
                    "period": period(rule.duration, lang) if rule.duration else "",
                    "review": period(rule.review_every, lang) if rule.review_every else "",
                    "action": str(rule.action),
                },
                "requirement": str(activity.requirement.kind),
                "consequence": text(activity.requirement.consequence, lang, fb),
                "sources": [str(s) for s in activity.sources if s != "subject"],
                "automated": activity.automated_decisions,
            }
        )
    used = {key for activity in register.activities for key in activity.recipients}
    shown = [r for r in register.recipients if r.key in used]
    return {
        "activities": activities,
        "interests": [a for a in activities if a["interest"]],
        "recipients": [
            {
                "name": r.name,
                "type": str(r.type),
                "label": text(r.label, lang, fb),
                "countries": countries(r.countries, lang),
                "fields": [text(categories[f].label, lang, fb) for f in r.fields if f in categories],
            }
            for r in shown
        ],
        "transfers": [
            {
                "name": r.name,
                "countries": countries(sorted(set(r.countries) - EEA), lang),
                "mechanism": str(r.transfer.mechanism),
                "reference": r.transfer.reference,
                "copy": text(r.transfer.obtain_copy, lang, fb),
            }
            for r in shown
            if r.transfer is not None and set(r.countries) - EEA
        ],
        "sourced": [a for a in activities if a["sources"]],
        "automated": [a for a in activities if a["automated"]],
    }


def _cookies(register: Register, lang: str, fb: str) -> dict[str, Any]:
    recipients = {r.key: r for r in register.recipients}
    groups: dict[str, list[dict[str, Any]]] = {}
    for tracker in register.trackers:
        recipient = recipients.get(tracker.recipient or "")
        groups.setdefault(str(tracker.category), []).append(
            {
                "name": tracker.name,
                "kind": str(tracker.kind),
                "party": tracker.party,
                "provider": tracker.provider,
                "purpose": text(tracker.purpose, lang, fb),
                "duration": lifetime(register, tracker, lang),
                "countries": countries(recipient.countries, lang) if recipient else [],
            }
        )
    order = ("strictly_necessary", "preferences", "analytics", "marketing", "social_media")
    return {"groups": [(category, groups[category]) for category in order if category in groups]}


_STORED = frozenset({TrackerKind.COOKIE, TrackerKind.LOCAL_STORAGE, TrackerKind.SESSION_STORAGE})


def lifetime(register: Register, tracker: Tracker, lang: str) -> str:
    """How long what a tracker stores stays on the device, as the visitor reads it (Planet49, R-23).

    A script that stores nothing under its own name ('none') is described by what it sets: the gtag
    script lasts as long as its _ga cookie, not "until you close your browser"."""
    if tracker.duration == "session":
        return i18n.t("cookies.session", lang)
    if tracker.duration != "none":
        return period(tracker.duration, lang)
    sets = [
        t
        for t in register.trackers
        if tracker.recipient is not None and t.recipient == tracker.recipient and t.kind in _STORED
    ]
    if not sets:
        return i18n.t("cookies.stores_nothing", lang)
    listed = ", ".join(f"{t.name} ({lifetime(register, t, lang)})" for t in sets)
    return i18n.t("cookies.sets", lang, cookies=listed)


def _controller(register: Register, activity_key: str) -> str | None:
    """The client controller a processor activity acts for, by name (R-101)."""
    client = client_of(register, activity_key)
    return client.name if client else None
