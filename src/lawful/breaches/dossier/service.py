"""The APD notification dossier of a case (R-96), in FR, NL or EN, as JSON and as a printable document:
the sections of the APD's form filled from the register and the case, every item not known yet marked
"to follow". `notify_authority` is the dossier as it is sent: the items Art. 33(3) requires are there or
declared to follow, a late one carries the reason for the delay, and producing it is on record."""

import uuid
from collections import Counter
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, clock, i18n, processing
from lawful.actor import Actor

from .. import rules as case_rules
from .. import service as cases
from ..letters.models import BreachLetter
from ..models import Breach, BreachDecision
from ..scope import service as scopes
from . import rules
from .errors import DossierRefused


def build(
    db: Session, *, organisation_id: uuid.UUID, reference: str, lang: str, now: datetime | None = None
) -> dict[str, Any]:
    """The dossier as it stands: every item known, the rest marked "to follow" (a draft to read)."""
    breach = cases.get(db, organisation_id=organisation_id, reference=reference)
    items, head = _items(db, breach, lang, now or clock.now(), late_reason=None)
    return head | rules.marked(items) | {"to_follow": sorted(k for k, v in items.items() if rules.missing(v))}


def notify_authority(
    db: Session,
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    reference: str,
    lang: str,
    to_follow: Collection[str] = (),
    late_reason: str | None = None,
    on_instruction: bool = False,
) -> dict[str, Any]:
    """R-96: the dossier to send. Refused, naming each item, when one Art. 33(3) requires is neither known
    nor declared to follow, or when it is late without its reason; a processor's case (R-103) only on the
    client controller's instruction."""
    breach = cases.get(db, organisation_id=organisation_id, reference=reference)
    if breach.client_controller and not on_instruction:
        raise DossierRefused(
            f"{breach.reference} concerns {breach.client_controller}'s data: we are its processor; the "
            "controller notifies the authority, we do so only on its instruction (R-103)",
            problems=[
                {"path": "on_instruction", "message": "the client controller's instruction is required"}
            ],
        )
    now = clock.now()
    items, head = _items(db, breach, lang, now, late_reason=late_reason)
    timing = items["timing"]
    problems = rules.problems(
        items, to_follow=to_follow, late=timing["late"], late_reason=timing["late_reason"]
    )
    if problems:
        raise DossierRefused(
            "the notification is not complete: " + ", ".join(p["path"] for p in problems), problems=problems
        )
    items = rules.declared(items, to_follow)
    dossier = (
        head
        | rules.marked(items)
        | {"to_follow": sorted(k for k, v in items.items() if rules.missing(v) or k in to_follow)}
    )
    audit.record(
        db,
        actor,
        "breach.dossier_produced",
        entity=breach,
        organisation_id=organisation_id,
        data={
            "reference": breach.reference,
            "lang": lang,
            "phase": head["phase"],
            "to_follow": dossier["to_follow"],
        },
    )
    return dossier


def _items(
    db: Session, breach: Breach, lang: str, now: datetime, *, late_reason: str | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    register = processing.current_register(db, organisation_id=breach.organisation_id)[1]
    decisions = list(
        db.scalars(
            select(BreachDecision)
            .where(BreachDecision.breach_id == breach.id)
            .order_by(BreachDecision.decided_at)
        )
    )
    told = [d for d in decisions if d.audience == case_rules.Audience.AUTHORITY and d.notify]
    head = {
        "reference": breach.reference,
        "title": breach.title,
        "language": lang,
        "phase": str(case_rules.Phase.FOLLOW_UP if told else case_rules.Phase.INITIAL),
        "produced_at": _iso(now),
        "authority": {k: i18n.t(f"apd.{k}", lang) for k in ("name", "address", "phone", "email", "website")},
        "controller": _controller(register),
    }
    notified = told[0].decided_at if told else now
    reason = late_reason or next((d.late_reason for d in told if d.late_reason), None)
    measures = {"taken": breach.measures_taken, "proposed": breach.measures_proposed}
    items: dict[str, Any] = {
        "contact": _contact(register),
        "timing": {
            "occurred_at": _iso(breach.occurred_at),
            "detected_at": _iso(breach.detected_at),
            "aware_at": _iso(breach.aware_at),
            "deadline": _iso(breach.deadline_at),
            "notified_at": _iso(notified),
            "late": case_rules.is_late(breach.aware_at, notified),
            "late_reason": reason,
        },
        "nature": _nature(breach, lang),
        "categories": _categories(breach, register, lang),
        "approx_subjects": breach.approx_subjects,
        "approx_records": breach.approx_records,
        "consequences": _consequences(breach, lang),
        "measures": rules.marked(measures) if any(measures.values()) else None,
        "communication": _communication(db, breach, decisions, lang),
        "cross_border": _cross_border(db, breach, register),
        "systems": {
            "systems": breach.systems,
            "datastores": breach.datastores,
            "recipients": breach.recipients,
        }
        if breach.systems or breach.datastores or breach.recipients
        else None,
    }
    return items, head


def _controller(register: processing.Register) -> dict[str, Any]:
    org = register.organisation
    office = org.correspondence_address or org.registered_office
    address = f"{office.street}, {office.postcode} {office.city}, {office.country}" if office else None
    return {"name": org.legal_name, "company_number": org.company_number, "address": address}


def _contact(register: processing.Register) -> dict[str, Any] | None:
    """Art. 33(3)(b): the DPO, else the organisation's privacy contact point."""
    org = register.organisation
    if org.dpo is not None:
        return {"role": "dpo", "name": org.dpo.name, "email": org.dpo.email, "phone": org.dpo.phone}
    points = {str(c.kind): c.value for c in org.contact}
    email = points.get("privacy_email") or points.get("email")
    if email is None:
        return None
    return {"role": "privacy_contact", "name": org.legal_name, "email": email, "phone": points.get("phone")}


def _nature(breach: Breach, lang: str) -> dict[str, Any] | None:
    if not breach.nature and not breach.summary.strip():
        return None
    return {
        "kinds": list(breach.nature),
        "labels": [i18n.t(f"breaches.dossier.nature.{n}", lang) for n in breach.nature],
        "summary": breach.summary or None,
        "cause": breach.cause,
    }


def _categories(breach: Breach, register: processing.Register, lang: str) -> dict[str, Any] | None:
    if not breach.data_categories and not breach.subject_categories:
        return None
    data = {c.key: c.label for c in register.data_categories}
    kinds = {c.key: c.label for c in register.subject_categories}

    def shown(rows: list[Any], labels: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {
                "key": r["key"],
                "label": labels[r["key"]].get(lang) if r["key"] in labels else r["key"],
                "approx": r.get("approx"),
            }
            for r in rows
        ]

    return {"data": shown(breach.data_categories, data), "subjects": shown(breach.subject_categories, kinds)}


def _consequences(breach: Breach, lang: str) -> dict[str, Any] | None:
    if rules.missing(breach.consequences):
        return None
    return {
        "text": breach.consequences,
        "risk": breach.risk,
        "risk_label": i18n.t(f"breaches.dossier.risk.{breach.risk}", lang) if breach.risk else None,
        "rationale": breach.risk_rationale,
    }


def _communication(
    db: Session, breach: Breach, decisions: list[BreachDecision], lang: str
) -> dict[str, Any] | None:
    """Art. 33(3)(c) with 34: whether the people are told, why, and what the letters did."""
    people = [d for d in decisions if d.audience == case_rules.Audience.PEOPLE]
    if not people:
        return None
    last = people[-1]
    letters = Counter(
        {
            f"{channel}:{status}": int(n)
            for channel, status, n in db.execute(
                select(BreachLetter.channel, BreachLetter.status, func.count())
                .where(BreachLetter.breach_id == breach.id)
                .group_by(BreachLetter.channel, BreachLetter.status)
            )
        }
    )
    exemption = last.exemption
    return {
        "notify": last.notify,
        "reasons": last.reasons,
        "decided_at": _iso(last.decided_at),
        "exemption": exemption,
        "exemption_label": i18n.t(f"breaches.dossier.exemption.{exemption[-2]}", lang) if exemption else None,
        "public_notice_url": last.public_notice_url,
        "letters": dict(sorted(letters.items())),
    }


def _cross_border(db: Session, breach: Breach, register: processing.Register) -> dict[str, Any] | None:
    made = scopes.latest(db, breach_id=breach.id)
    countries: dict[str, int] = dict(made.countries) if made else {}
    involved = [r for r in register.recipients if r.key in breach.recipients]
    if not countries and not involved:
        return None
    office = register.organisation.registered_office
    home = office.country if office else "BE"
    everywhere = set(countries) | {c for r in involved for c in r.countries}
    other, outside = rules.other_states(everywhere, home, processing.EEA)
    return {
        "countries": countries,
        "other_eea_states": other,
        "outside_eea": outside,
        "recipients": [{"key": r.key, "name": r.name, "countries": list(r.countries)} for r in involved],
    }


def _iso(instant: datetime | None) -> str | None:
    return instant.astimezone(clock.BRUSSELS).isoformat(timespec="minutes") if instant else None
