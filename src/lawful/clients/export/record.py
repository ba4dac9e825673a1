"""The Art. 30(2) record of the processing carried out as a processor, per client controller (pure).

Built from the Art. 30(1)/(2) rows of `processing.record`, so both records say the same thing about an
activity; this one groups them by client and adds each controller's name and contact (Art. 30(2)(a)).
"""

from typing import Any

from lawful import processing

COLUMNS = (
    "client",
    "client_name",
    "client_contact",
    "client_country",
    "dpa",
    "activity",
    "name",
    "categories_of_processing",
    "data_categories",
    "subject_categories",
    "sub_processors",
    "transfers",
    "security_measures",
)


def record(register: processing.Register, lang: str, *, client: str | None = None) -> dict[str, Any]:
    """Art. 30(2)(a)-(d): processor, each client controller, categories of processing, transfers, security."""
    base = processing.record(register, lang)
    rows = {row["key"]: row for row in base["processor_activities"]}
    recipients = {r.key: r for r in register.recipients}
    clients = []
    for found in register.clients:
        if client is not None and found.key != client:
            continue
        keys = [a.key for a in register.activities if a.on_behalf_of == found.key and a.key in rows]
        clients.append(
            {
                "key": found.key,
                "name": found.name,
                "country": found.country,
                "contact_email": found.contact_email,
                "privacy_policy_url": found.privacy_policy_url,
                "dpa": {
                    "reference": found.dpa.reference,
                    "version": found.dpa.version,
                    "starts_on": found.dpa.starts_on.isoformat(),
                    "ends_on": found.dpa.ends_on.isoformat() if found.dpa.ends_on else None,
                    "authorisation": str(found.dpa.authorisation),
                    "locations": found.dpa.locations,
                },
                "sub_processors": [
                    {"key": k, "name": recipients[k].name, "countries": recipients[k].countries}
                    for k in found.dpa.sub_processors
                    if k in recipients
                ],
                "activities": [_activity(rows[k], found.dpa, lang) for k in keys],
            }
        )
    return {"processor": base["controller"], "language": lang, "clients": clients}


def _activity(row: dict[str, Any], dpa: processing.Dpa, lang: str) -> dict[str, Any]:
    nature = dpa.nature.get(lang) or dpa.nature.en or ""
    return {
        "key": row["key"],
        "name": row["name"],
        "categories_of_processing": f"{row['purpose']} ({nature})" if nature else row["purpose"],
        "data_categories": row["data_categories"],
        "subject_categories": row["subject_categories"],
        "recipients": row["recipients"],
        "transfers": row["transfers"],
        "security_measures": row["security_measures"],
    }


def rows(data: dict[str, Any]) -> list[dict[str, str]]:
    """One row per client and activity (a client without activity yet still has its row)."""
    found = []
    for client in data["clients"]:
        common = {
            "client": client["key"],
            "client_name": client["name"],
            "client_contact": client["contact_email"],
            "client_country": client["country"],
            "dpa": f"{client['dpa']['reference']} v{client['dpa']['version']}",
            "sub_processors": "; ".join(
                f"{s['name']} ({'/'.join(s['countries'])})" for s in client["sub_processors"]
            ),
        }
        for activity in client["activities"] or [None]:
            found.append(common | _cells(activity))
    return found


def _cells(activity: dict[str, Any] | None) -> dict[str, str]:
    if activity is None:
        return dict.fromkeys(
            ("activity", "name", "categories_of_processing", "data_categories", "subject_categories"), ""
        ) | {"transfers": "", "security_measures": ""}
    return {
        "activity": activity["key"],
        "name": activity["name"],
        "categories_of_processing": activity["categories_of_processing"],
        "data_categories": "; ".join(activity["data_categories"]),
        "subject_categories": "; ".join(activity["subject_categories"]),
        "transfers": "; ".join(
            f"{t['recipient']}: {'/'.join(t['countries'])} {t['mechanism']} ({t['reference']})"
            for t in activity["transfers"]
        )
        or "none outside the EEA",
        "security_measures": "; ".join(activity["security_measures"]),
    }
