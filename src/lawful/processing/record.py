"""The Article 30 record of processing, as plain rows, from a register (pure)."""

from typing import Any

from . import rules
from .clients import client_of
from .document import Activity, Label, Register


def _label(label: Label | None, lang: str, fallback: str) -> str:
    if label is None:
        return ""
    return label.get(lang) or label.get(fallback) or next(v for v in (label.en, label.fr, label.nl) if v)


def record(register: Register, lang: str) -> dict[str, Any]:
    """Art. 30(1)(a)-(g) for controller activities and Art. 30(2) for processor activities."""
    org = register.organisation
    fallback = org.authoritative_language
    return {
        "controller": {
            "legal_name": org.legal_name,
            "legal_form": org.legal_form,
            "registered_office": org.registered_office.model_dump() if org.registered_office else None,
            "company_number": org.company_number,
            "contact": [{"kind": str(c.kind), "value": c.value} for c in org.contact],
            "dpo": org.dpo.model_dump() if org.dpo else None,
            "joint_controllers": [j.name for j in org.joint_controllers],
        },
        "language": lang,
        "activities": [
            _row(register, a, lang, fallback) for a in register.activities if a.role == "controller"
        ],
        "processor_activities": [
            _row(register, a, lang, fallback) | {"on_behalf_of": _controller(register, a.key)}
            for a in register.activities
            if a.role == "processor"
        ],
    }


def _row(register: Register, activity: Activity, lang: str, fallback: str) -> dict[str, Any]:
    categories = {c.key: c for c in register.data_categories}
    subjects = {s.key: s for s in register.subject_categories}
    recipients = {r.key: r for r in register.recipients}
    retention = {r.key: r for r in register.retention_rules}[activity.retention]
    measures = {m.key: m for m in register.security_measures}
    used = [recipients[key] for key in activity.recipients]
    return {
        "key": activity.key,
        "name": _label(activity.name, lang, fallback),
        "purpose": _label(activity.purpose, lang, fallback),
        "data_use": activity.data_use,
        "legal_basis": {
            _label(subjects[s].label, lang, fallback): str(b) for s, b in rules.bases(activity).items()
        },
        "legitimate_interest": _label(activity.legitimate_interest.interest, lang, fallback)
        if activity.legitimate_interest
        else None,
        # pseudonymised data are still personal data (Art. 4(5), Recital 26): never recorded as anonymous
        "personal_data": True,
        "pseudonymised": activity.pseudonymised,
        "subject_categories": [_label(subjects[key].label, lang, fallback) for key in activity.subjects],
        "data_categories": [
            _label(categories[key].label, lang, fallback)
            + (" (Art. 9)" if rules.is_special(categories[key]) else "")
            for key in activity.data_categories
        ],
        "recipients": [{"name": r.name, "type": str(r.type), "countries": r.countries} for r in used],
        "transfers": [
            {
                "recipient": r.name,
                "countries": sorted(set(r.countries) - rules.EEA),
                "mechanism": str(r.transfer.mechanism),
                "reference": r.transfer.reference,
            }
            for r in used
            if r.transfer is not None and set(r.countries) - rules.EEA
        ],
        "retention": {
            "rule": _label(retention.label, lang, fallback),
            "trigger": str(retention.trigger),
            "duration": retention.duration,
            "action": str(retention.action),
        },
        "security_measures": [
            _label(measures[key].label, lang, fallback) for key in activity.security_measures
        ],
    }


CSV_COLUMNS = (
    "role",
    "activity",
    "name",
    "purpose",
    "subject_category",
    "legal_basis",
    "legitimate_interest",
    "data_categories",
    "recipients",
    "transfers",
    "retention",
    "security_measures",
    "on_behalf_of",
    "personal_data",
)
PERSONAL_DATA = {False: "yes", True: "yes, pseudonymised (Art. 4(5) GDPR)"}


def csv_rows(data: dict[str, Any]) -> list[dict[str, str]]:
    """One row per activity and subject category, so each row has exactly one legal basis."""
    rows = []
    for role, key in (("controller", "activities"), ("processor", "processor_activities")):
        for activity in data[key]:
            for subject, basis in activity["legal_basis"].items():
                rows.append(
                    {
                        "role": role,
                        "activity": activity["key"],
                        "name": activity["name"],
                        "purpose": activity["purpose"],
                        "subject_category": subject,
                        "legal_basis": basis,
                        "legitimate_interest": activity["legitimate_interest"] or "",
                        "data_categories": "; ".join(activity["data_categories"]),
                        "recipients": "; ".join(
                            f"{r['name']} ({r['type']}, {'/'.join(r['countries'])})"
                            for r in activity["recipients"]
                        ),
                        "transfers": "; ".join(
                            f"{t['recipient']}: {'/'.join(t['countries'])} {t['mechanism']} ({t['reference']})"
                            for t in activity["transfers"]
                        ),
                        "retention": activity["retention"]["rule"],
                        "security_measures": "; ".join(activity["security_measures"]),
                        "on_behalf_of": activity.get("on_behalf_of") or "",
                        "personal_data": PERSONAL_DATA[activity["pseudonymised"]],
                    }
                )
    return rows


def _controller(register: Register, activity_key: str) -> str | None:
    """Art. 30(2)(a): the client controller's name, as its DPA records it."""
    client = client_of(register, activity_key)
    return client.name if client else None
