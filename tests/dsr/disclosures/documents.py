"""A register with the recipients of R-89, and the people and requests the disclosure tests share."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import clock, keystore, subjects
from lawful.actor import Actor, ActorKind
from lawful.dsr import disclosures
from tests.registers import label, people

OFFICER = Actor(ActorKind.CLI, label="cli:legal")
ORDER = "Art. 46bis Code of Criminal Procedure, order of the investigating judge"


def register() -> dict[str, Any]:
    """The people register, plus police (no field list: the activity that names it says what it may get)
    and a debt collector whose field list is name and email."""
    document = people()
    document["recipients"] += [
        {
            "key": "police",
            "name": "Police services",
            "label": label("Police services, for their legal tasks"),
            "type": "public_authority",
            "countries": ["BE"],
        },
        {
            "key": "collector",
            "name": "Recouvre SA",
            "label": label("Debt collection"),
            "type": "third_party",
            "countries": ["BE"],
            "fields": ["user.name", "user.contact.email"],
        },
    ]
    document["activities"].append(
        {
            "key": "authority_disclosures",
            "name": label("Disclosures to the police"),
            "purpose": label("Answering the police when the law requires it."),
            "data_use": "third_party_sharing.legal_obligation",
            "legal_basis": "legal_obligation",
            "subjects": ["customer", "prospect"],
            "retention": "prospects_3y",
            "data_categories": ["user.name", "user.contact.email", "user.contact.phone_number"],
            "recipients": ["police"],
            "security_measures": ["encryption"],
            "requirement": {"kind": "statutory"},
        }
    )
    return document


def person(
    db: Session, keys: keystore.Keys, org: uuid.UUID, *, email: str, language: str = "en"
) -> subjects.Subject:
    """Someone who wrote to us, with a name, an address and a phone number, speaking `language`."""
    return subjects.collect(
        db,
        OFFICER,
        keys,
        organisation_id=org,
        subject_category="prospect",
        identities={subjects.IdentityKind.EMAIL: email},
        values={
            "user.name": "Anne Martin",
            "user.contact.email": email,
            "user.contact.phone_number": "+32470123456",
            "user.content.private": "Please call me back.",
        },
        collection=subjects.CollectionCreate(activity="request_followup", channel=subjects.Channel.EMAIL),
        language=language,
    ).subject


def asked(db: Session, org: uuid.UUID, subject_id: uuid.UUID, **overrides: Any) -> disclosures.Disclosure:
    """A police request for name, email and phone, received today, recorded by legal."""
    fields: dict[str, Any] = {
        "requester_kind": "police",
        "recipient": "police",
        "requester": "Police zone Midi",
        "legal_basis": ORDER,
        "reference": "PV 2026/1234",
        "subject_ids": [subject_id],
        "categories": ["user.name", "user.contact.email", "user.contact.phone_number"],
        "received_on": clock.today(),
    } | overrides
    return disclosures.create(db, OFFICER, organisation_id=org, **fields)


def body(subject_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    """The same request as the API takes it."""
    return {
        "requester_kind": "police",
        "recipient": "police",
        "requester": "Police zone Midi",
        "legal_basis": ORDER,
        "reference": "PV 2026/1234",
        "subject_ids": [str(subject_id)],
        "categories": ["user.name", "user.contact.email", "user.contact.phone_number"],
        "received_on": date.isoformat(clock.today()),
    } | overrides


def count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(disclosures.Disclosure)) or 0
