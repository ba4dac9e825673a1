"""Qualifio with two client brands (Acme and Beta), each with its contest, webhook and DPA, and helpers
to enter a contest, ask through the API, run a request's steps and read what the mail server received."""

import copy
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import yaml
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import dsr, keystore, mail
from lawful.actor import Actor, ActorKind
from lawful.clients import forwarding
from lawful.config import Settings
from lawful.subjects import Subject
from tests.factories import bearer, make_api_key, make_notice, make_register
from tests.registers import example

WORKER = Actor(ActorKind.SYSTEM, label="system:tests")
ACME, BETA = "acme_brands", "beta_foods"
ACME_NAME, BETA_NAME = "Acme Brands SA", "Beta Foods NV"
ACME_MAIL, BETA_MAIL = "privacy@acme-brands.example.test", "dpo@beta-foods.example.test"


def qualifio(webhook: str | None, slug: str = "qualifio") -> dict[str, Any]:
    """The example register, Acme posting to `webhook`, plus a second brand with its own contest."""
    document: dict[str, Any] = yaml.safe_load(example("qualifio"))
    document["organisation"]["slug"] = slug
    [acme] = document["clients"]
    acme["webhook"] = webhook
    beta = copy.deepcopy(acme) | {"key": BETA, "name": BETA_NAME, "contact_email": BETA_MAIL, "webhook": None}
    beta["dpa"] = copy.deepcopy(acme["dpa"]) | {"reference": "DPA-BETA-2026-03", "sub_processors": []}
    document["clients"].append(beta)
    activity = next(a for a in document["activities"] if a.get("on_behalf_of") == ACME)
    document["activities"].append(
        copy.deepcopy(activity) | {"key": "beta_campaigns", "on_behalf_of": BETA, "recipients": []}
    )
    form = next(f for f in document["forms"] if f["key"] == "acme_contest")
    document["forms"].append(copy.deepcopy(form) | {"key": "beta_contest", "activity": "beta_campaigns"})
    return document


@dataclass(frozen=True)
class World:
    org: uuid.UUID
    staff: str  # dsr:write, dsr:read: the company's own systems registering requests
    brand: str  # clients:instruct: the key the brands' systems use


def world(db: Session, webhook: str | None, slug: str = "qualifio") -> World:
    org = make_register(db, qualifio(webhook, slug)).organisation_id
    make_notice(db, org)
    return World(
        org=org,
        staff=make_api_key(db, org, ["dsr:write", "dsr:read"]),
        brand=make_api_key(db, org, ["clients:instruct"]),
    )


def enter(client: TestClient, form: str, email: str) -> None:
    fields = {"first_name": "Anne", "email": email, "answer": "Blue"}
    response = client.post(f"/api/forms/{form}/submissions", json={"fields": fields, "language": "en"})
    assert response.status_code == 201, response.text


def ask(client: TestClient, token: str, email: str, kinds: list[str], **extra: Any) -> dict[str, Any]:
    body = {"kinds": kinds, "email": email, "language": "fr", "channel": "email"} | extra
    response = client.post("/api/dsr", json=body, headers=bearer(token))
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


def forwardings(db: Session, client: str | None = None) -> list[forwarding.Forwarding]:
    db.expire_all()
    query = select(forwarding.Forwarding).order_by(forwarding.Forwarding.client)
    if client is not None:
        query = query.where(forwarding.Forwarding.client == client)
    return list(db.scalars(query))


def run_steps(db: Session, keys: keystore.Keys, request_id: uuid.UUID, base_url: str) -> list[str]:
    ran = []
    while (
        step := dsr.steps.run_next(db, WORKER, keys, request_id=request_id, base_url=base_url)
    ) is not None:
        db.commit()
        ran.append(step.kind)
    return ran


def deliver(db: Session, keys: keystore.Keys, settings: Settings) -> None:
    mail.deliver_due(db, keys, settings)
    db.commit()


def to(messages: list[EmailMessage], address: str) -> list[EmailMessage]:
    return [m for m in messages if m["To"] == address]


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


NAME = {"en": "Your name", "fr": "Votre nom", "nl": "Uw naam"}
EMAIL = {"en": "Your email", "fr": "Votre e-mail", "nl": "Uw e-mail"}


def with_client(
    document: dict[str, Any], key: str = "brand", name: str = "Brand SA", webhook: str | None = None
) -> dict[str, Any]:
    """Any test register plus one client controller with its DPA, a processor activity and a contest form."""
    label = {"en": "Contest", "fr": "Concours", "nl": "Wedstrijd"}
    document["clients"] = [
        {
            "key": key,
            "name": name,
            "country": "BE",
            "contact_email": f"privacy@{key}.example.test",
            "privacy_policy_url": f"https://{key}.example.test/privacy",
            "webhook": webhook,
            "dpa": {
                "reference": f"DPA-{key.upper()}-1",
                "version": "1",
                "signed_on": "2026-01-01",
                "starts_on": "2026-01-01",
                "subject_matter": label,
                "duration": label,
                "nature": label,
                "purposes": label,
                "data_categories": ["user.name", "user.contact.email"],
                "subject_categories": ["customer"],
                "instructions": [label],
                "locations": ["BE"],
                "end_of_contract": {"return_format": "json", "deletion": label},
            },
        }
    ]
    document["activities"].append(
        {
            "key": f"{key}_campaigns",
            "name": label,
            "purpose": label,
            "data_use": "essential.service",
            "role": "processor",
            "on_behalf_of": key,
            "data_categories": ["user.name", "user.contact.email"],
            "subjects": ["customer"],
            "recipients": [],
            "retention": "contract_plus_5",
            "security_measures": ["encryption"],
            "requirement": {"kind": "voluntary"},
        }
    )
    document.setdefault("forms", []).append(
        {
            "key": f"{key}_contest",
            "name": label,
            "activity": f"{key}_campaigns",
            "subject_category": "customer",
            "fields": [
                {"key": "name", "category": "user.name", "required": True, "label": NAME},
                {
                    "key": "email",
                    "category": "user.contact.email",
                    "type": "email",
                    "required": True,
                    "label": EMAIL,
                },
            ],
        }
    )
    return document


def instruct(client: TestClient, token: str, brand: str, request_id: object, what: str) -> Any:
    """The brand's instruction on a forwarded request, as its systems send it."""
    return client.post(
        f"/api/clients/{brand}/requests/{request_id}/instruction",
        json={"instruction": what},
        headers=bearer(token),
    )


def people_of(db: Session, brand: str) -> int:
    """How many people the brand's space holds, read afresh."""
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(Subject).where(Subject.client == brand)) or 0)
