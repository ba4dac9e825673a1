"""A small, valid register as a dict, for tests to copy and change; and the example registers."""

import copy
import json
from pathlib import Path
from typing import Any

import yaml

EXAMPLES = Path(__file__).parent.parent / "examples"


def label(text: str) -> dict[str, str]:
    return {"en": text, "fr": f"{text} (fr)", "nl": f"{text} (nl)"}


_MINIMAL: dict[str, Any] = {
    "format": 1,
    "organisation": {
        "slug": "acme",
        "legal_name": "Acme SRL",
        "legal_form": "SRL",
        "registered_office": {
            "street": "Rue de Test 1",
            "postcode": "1000",
            "city": "Bruxelles",
            "country": "BE",
        },
        "company_number": "0123.456.789",
        "contact": [{"kind": "privacy_email", "value": "privacy@acme.example.test"}],
        "languages": ["fr", "en", "nl"],
        "authoritative_language": "fr",
    },
    "subject_categories": [{"key": "customer", "label": label("Customers")}],
    "data_categories": [
        {"key": "user.name", "label": label("Name")},
        {"key": "user.contact.email", "label": label("Email address")},
    ],
    "recipients": [
        {
            "key": "hosting",
            "name": "Host SA",
            "label": label("Hosting"),
            "type": "processor",
            "countries": ["BE"],
            "dpa_ref": "DPA-2025-01",
            "fields": ["user.name", "user.contact.email"],
        }
    ],
    "retention_rules": [
        {
            "key": "contract_plus_5",
            "label": label("5 years after the contract ends"),
            "trigger": "contract_end",
            "duration": "P5Y",
            "action": "delete",
        }
    ],
    "security_measures": [
        {"key": "encryption", "label": label("Encryption"), "owner": "CTO", "last_tested": "2026-01-10"}
    ],
    "activities": [
        {
            "key": "customer_service",
            "name": label("Customer service"),
            "purpose": label("Answering customers"),
            "data_use": "essential.service",
            "legal_basis": "contract",
            "data_categories": ["user.name", "user.contact.email"],
            "subjects": ["customer"],
            "recipients": ["hosting"],
            "retention": "contract_plus_5",
            "security_measures": ["encryption"],
            "requirement": {"kind": "contractual", "consequence": label("We cannot serve you")},
        }
    ],
    "trackers": [
        {
            "key": "consent",
            "name": "lawful_consent",
            "kind": "cookie",
            "party": "first",
            "provider": "Acme",
            "category": "strictly_necessary",
            "purpose": label("Remembers your cookie choice"),
            "duration": "P6M",
        }
    ],
}


def minimal() -> dict[str, Any]:
    return copy.deepcopy(_MINIMAL)


def measured(analytics: dict[str, Any] | None = None) -> dict[str, Any]:
    """The minimal register plus audience measurement on consent, through a Google Analytics recipient
    configured as R-30 asks (or with `analytics` as given; None leaves the settings out)."""
    document = minimal()
    document["subject_categories"].append({"key": "visitor", "label": label("Visitors")})
    document["data_categories"].append({"key": "user.device.cookie_id", "label": label("Cookie id")})
    document["recipients"].append(
        {
            "key": "google_analytics",
            "name": "Google Ireland Limited",
            "label": label("Google Analytics"),
            "type": "processor",
            "countries": ["IE"],
            "dpa_ref": "Google Ads Data Processing Terms",
            "fields": ["user.device.cookie_id"],
        }
        | ({"analytics": analytics} if analytics is not None else {})
    )
    document["activities"].append(
        {
            "key": "statistics",
            "name": label("Audience measurement"),
            "purpose": label("Counting visits"),
            "data_use": "analytics.reporting",
            "legal_basis": "consent",
            "data_categories": ["user.device.cookie_id"],
            "subjects": ["visitor"],
            "recipients": ["google_analytics"],
            "retention": "contract_plus_5",
            "security_measures": ["encryption"],
            "requirement": {"kind": "voluntary"},
        }
    )
    return document


MINIMISED = {
    "ip_truncation": True,
    "vendor_data_sharing": False,
    "advertising_features": False,
    "retention": "P14M",
}


def as_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def example(name: str) -> str:
    return (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")


def lia() -> dict[str, Any]:
    return {
        "interest": label("Improving our service"),
        "necessity": "needed",
        "impact": "low",
        "safeguards": "opt-out",
        "outcome": "balanced",
        "reviewer": "DPO",
        "reviewed_on": "2026-01-01",
    }


def people() -> dict[str, Any]:
    """The minimal register plus what intake and the purpose gate need: prospects, forms, consent."""
    document = minimal()
    document["subject_categories"].append({"key": "prospect", "label": label("Prospects")})
    document["data_categories"] += [
        {"key": "user.contact.phone_number", "label": label("Phone")},
        {"key": "user.content.private", "label": label("Message")},
        {"key": "user.demographic.date_of_birth", "label": label("Date of birth")},
        {"key": "user.contact.address.country", "label": label("Country")},
    ]
    document["retention_rules"].append(
        {
            "key": "prospects_3y",
            "label": label("3 years after your last message"),
            "trigger": "last_inbound_contact",
            "duration": "P3Y",
            "action": "delete",
        }
    )
    base = {"recipients": [], "security_measures": ["encryption"], "requirement": {"kind": "voluntary"}}
    document["activities"] += [
        base
        | {
            "key": "request_followup",
            "name": label("Answering requests"),
            "purpose": label("Answering you."),
            "data_use": "sales",
            "legal_basis": "contract",
            "subjects": ["prospect"],
            "retention": "prospects_3y",
            "data_categories": [
                "user.name",
                "user.contact.email",
                "user.contact.phone_number",
                "user.content.private",
            ],
        },
        base
        | {
            "key": "newsletter",
            "name": label("Newsletter"),
            "purpose": label("Sending our news."),
            "data_use": "marketing.communications.email",
            "legal_basis": "consent",
            "subjects": ["customer", "prospect"],
            "retention": "prospects_3y",
            "data_categories": ["user.name", "user.contact.email"],
        },
        base
        | {
            "key": "contest",
            "name": label("Contests"),
            "purpose": label("Running our contests."),
            "data_use": "marketing",
            "legal_basis": "consent",
            "subjects": ["prospect"],
            "retention": "prospects_3y",
            "data_categories": [
                "user.name",
                "user.contact.email",
                "user.demographic.date_of_birth",
                "user.contact.address.country",
            ],
        },
    ]
    document["subject_categories"].append(
        {"key": "referred_friend", "label": label("Friends referred to us")}
    )
    document["activities"].append(
        base
        | {
            "key": "referral",
            "name": label("Tell a friend"),
            "purpose": label("Sending one invitation."),
            "data_use": "marketing.communications.email",
            "legal_basis": "legitimate_interests",
            "legitimate_interest": lia(),
            "subjects": ["referred_friend"],
            "retention": "prospects_3y",
            "data_categories": ["user.contact.email", "user.content.private", "user.name"],
        }
    )
    document["forms"] = [
        {
            "key": "contact",
            "name": label("Contact us"),
            "activity": "request_followup",
            "subject_category": "prospect",
            "marketing_consent": "newsletter",
            "fields": [
                {"key": "name", "category": "user.name", "required": True, "label": label("Name")},
                {
                    "key": "email",
                    "category": "user.contact.email",
                    "type": "email",
                    "required": True,
                    "label": label("Email"),
                },
                {
                    "key": "phone",
                    "category": "user.contact.phone_number",
                    "type": "phone",
                    "label": label("Phone"),
                },
                {
                    "key": "message",
                    "category": "user.content.private",
                    "type": "textarea",
                    "required": True,
                    "label": label("Message"),
                },
            ],
        },
        {
            "key": "contest",
            "name": label("Win a prize"),
            "activity": "contest",
            "subject_category": "prospect",
            "fields": [
                {
                    "key": "email",
                    "category": "user.contact.email",
                    "type": "email",
                    "required": True,
                    "label": label("Email"),
                },
                {
                    "key": "born",
                    "category": "user.demographic.date_of_birth",
                    "type": "date",
                    "required": True,
                    "label": label("Date of birth"),
                },
                {
                    "key": "country",
                    "category": "user.contact.address.country",
                    "type": "country",
                    "label": label("Country"),
                },
            ],
        },
    ]
    document["forms"].append(
        {
            "key": "tell_a_friend",
            "name": label("Tell a friend"),
            "activity": "referral",
            "subject_category": "referred_friend",
            "referral": True,
            "fields": [
                {
                    "key": "friend_email",
                    "category": "user.contact.email",
                    "type": "email",
                    "required": True,
                    "label": label("Your friend's email"),
                },
                {"key": "referrer_name", "category": "user.name", "label": label("Your name")},
                {
                    "key": "message",
                    "category": "user.content.private",
                    "type": "textarea",
                    "max_length": 300,
                    "label": label("Message"),
                },
            ],
        }
    )
    document["recipients"].append(
        {
            "key": "hubspot",
            "name": "HubSpot Inc.",
            "label": label("Email marketing platform"),
            "type": "processor",
            "countries": ["US"],
            "dpa_ref": "HubSpot DPA 2025",
            "fields": ["user.contact.email", "user.name"],
            "transfer": {"mechanism": "adequacy_dpf", "reference": "Decision (EU) 2023/1795"},
            "endpoint": "http://127.0.0.1:9/contacts",
        }
    )
    document["activities"].append(
        base
        | {
            "key": "customer_offers",
            "name": label("Offers to customers"),
            "purpose": label("Similar products."),
            "data_use": "marketing.communications.email",
            "legal_basis": "legitimate_interests",
            "legitimate_interest": lia(),
            "subjects": ["customer"],
            "retention": "prospects_3y",
            "recipients": ["hubspot"],
            "data_categories": ["user.name", "user.contact.email", "user.contact.phone_number"],
        }
    )
    next(a for a in document["activities"] if a["key"] == "newsletter")["recipients"] = ["hubspot"]
    document["retention_rules"].append(
        {
            "key": "invoices_10y",
            "label": label("10 years from 1 January after the invoice date"),
            "trigger": "document_date_next_january",
            "duration": "P10Y",
            "action": "delete",
        }
    )
    document["activities"].append(
        base
        | {
            "key": "invoicing",
            "name": label("Invoicing"),
            "purpose": label("Invoicing and accounting."),
            "data_use": "essential.legal_obligation",
            "legal_basis": "legal_obligation",
            "subjects": ["customer"],
            "retention": "invoices_10y",
            "data_categories": ["user.name", "user.contact.email"],
            "requirement": {"kind": "statutory", "consequence": label("We cannot invoice")},
        }
    )
    return document


def laughs(activities: int = 200_000) -> str:
    """The minimal register with its one activity repeated `activities` times through aliases: a few
    hundred kilobytes of YAML that stand for millions of values ("billion laughs")."""
    document = minimal()
    activity = document.pop("activities")[0]
    return as_yaml(document) + f"activities:\n  - &a {json.dumps(activity)}\n" + "  - *a\n" * (activities - 1)
