"""A Qualifio register with a new print house as sub-processor and a mailing run for Acme (R-104, R-107)."""

import copy
from typing import Any

import yaml

from tests.registers import example

PRINT_HOUSE = {
    "key": "print_house",
    "name": "Imprimerie Exemple SRL",
    "label": {"en": "Print house", "fr": "Imprimerie", "nl": "Drukkerij"},
    "type": "sub_processor",
    "countries": ["BE"],
    "dpa_ref": "SUB-DPA-PRINT-2026",
    "fields": ["user.name", "user.contact.email"],
}


def processor_register(*, endpoint: str, webhook: str | None) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(example("qualifio"))
    document["recipients"].append(PRINT_HOUSE | {"endpoint": endpoint})
    acme = document["clients"][0]
    acme["webhook"] = webhook
    acme["dpa"]["sub_processors"].append("print_house")
    campaigns = next(a for a in document["activities"] if a["key"] == "client_campaigns")
    mailing = copy.deepcopy(campaigns) | {
        "key": "acme_mailing",
        "data_use": "marketing.communications.email",
        "data_categories": ["user.name", "user.contact.email"],
        "recipients": ["print_house"],
    }
    mailing["name"] = {"en": "Acme's mailing", "fr": "Envoi d'Acme", "nl": "Mailing van Acme"}
    document["activities"].append(mailing)
    return document


def with_client(document: dict[str, Any]) -> dict[str, Any]:
    """A register built on tests.registers.people() with one client, `brand`, and a print house (R-104, R-107)."""
    label = {"en": "Text", "fr": "Texte", "nl": "Tekst"}
    document["recipients"].append(
        {key: value for key, value in PRINT_HOUSE.items() if key != "fields"} | {"label": label}
    )
    dpa = {
        "reference": "DPA-1",
        "version": "1",
        "signed_on": "2026-01-05",
        "starts_on": "2026-01-05",
        "subject_matter": label,
        "duration": label,
        "nature": label,
        "purposes": label,
        "data_categories": ["user.contact.email"],
        "subject_categories": ["prospect"],
        "instructions": [label],
        "sub_processors": ["print_house"],
        "locations": ["BE"],
        "end_of_contract": {"return_format": "json", "deletion": label},
    }
    document["clients"] = [
        {
            "key": "brand",
            "name": "Marque Exemple SA",
            "country": "BE",
            "contact_email": "dpo@brand.example.test",
            "privacy_policy_url": "https://brand.example.test/privacy",
            "dpa": dpa,
        }
    ]
    return document
