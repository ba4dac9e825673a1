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
