"""A register with two newsletters, a contest and a talent pool, all on consent; people who gave them."""

import uuid
from typing import Any

from sqlalchemy.orm import Session

from lawful import consent, keystore
from lawful.actor import Actor
from tests.factories import make_person
from tests.registers import label, people

MARKETING = ("newsletter", "product_news")
OTHERS = ("talent_pool", "contest")  # consents that no unsubscribe or marketing objection touches


def register() -> dict[str, Any]:
    document = people()
    by_key = {a["key"]: a for a in document["activities"]}
    news = by_key["newsletter"]
    document["activities"].append(
        news | {"key": "product_news", "name": label("Product news"), "purpose": label("Our products.")}
    )
    by_key["contest"]["data_use"] = "essential.service"  # taking part is the service asked for, no marketing
    document["activities"].append(
        news
        | {
            "key": "talent_pool",
            "name": label("Talent pool"),
            "purpose": label("Keeping your application for later vacancies."),
            "data_use": "employment.recruitment",
            "recipients": [],
        }
    )
    return document


def give(db: Session, actor: Actor, org: uuid.UUID, subject_id: uuid.UUID, *purposes: str) -> None:
    proof = consent.Proof(text="Yes", text_version="1", language="en", channel="web_form", element="x")
    for purpose in purposes:
        consent.record(
            db,
            actor,
            organisation_id=org,
            subject_id=subject_id,
            purpose=purpose,
            kind=consent.EventKind.GIVEN,
            proof=proof,
        )


def subscriber(db: Session, keys: keystore.Keys, actor: Actor, org: uuid.UUID, email: str) -> uuid.UUID:
    """Someone who gave all four consents."""
    person = make_person(db, keys, org, email=email).subject
    give(db, actor, org, person.id, *MARKETING, *OTHERS)
    return person.id


def states(db: Session, org: uuid.UUID, subject_id: uuid.UUID) -> dict[str, str]:
    return {
        p: str(consent.states(db, organisation_id=org, subject_ids=[subject_id], purpose=p).get(subject_id))
        for p in (*MARKETING, *OTHERS)
    }
