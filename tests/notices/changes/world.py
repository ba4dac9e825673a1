"""A register with two activities, people collected for each, and a first privacy notice in force."""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from lawful import keystore, notices, subjects
from lawful.actor import Actor, ActorKind
from tests.factories import make_notice, make_register
from tests.registers import label, minimal

ACTOR = Actor(ActorKind.CLI, label="cli:notice-change-tests")
NOW = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)


def two_activities() -> dict[str, Any]:
    document = minimal()
    deliveries = {**document["activities"][0], "key": "deliveries", "name": label("Deliveries")}
    deliveries["purpose"] = label("Delivering orders")
    document["activities"].append(deliveries)
    return document


def reworded() -> dict[str, Any]:
    """customer_service's purpose says something new, in every language: material (T-38)."""
    document = two_activities()
    for lang in ("fr", "en", "nl"):
        document["activities"][0]["purpose"][lang] += " and offering them a loyalty card"
    return document


def person(
    db: Session, keys: keystore.Keys, org: uuid.UUID, email: str, lang: str, activity: str
) -> uuid.UUID:
    made = subjects.new_person(
        ACTOR,
        keys,
        organisation_id=org,
        subject_category="customer",
        identities={subjects.IdentityKind.EMAIL: email},
        values={"user.contact.email": email},
        collection=subjects.CollectionCreate(
            activity=activity, channel=subjects.Channel.EMAIL, collected_at=NOW
        ),
        language=lang,
        country="BE",
        client=None,
        now=NOW,
    )
    for table, group in made.groups:
        db.execute(insert(table), group)
    db.flush()
    return uuid.UUID(str(made.subject_row["id"]))


def erase(db: Session, keys: keystore.Keys, subject_id: uuid.UUID) -> None:
    """What an erasure leaves: no row, no key."""
    db.execute(delete(subjects.Subject).where(subjects.Subject.id == subject_id))
    keys.store.destroy(keystore.subject_owner(subject_id))


def world(db: Session, keys: keystore.Keys) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    org = make_register(db, two_activities()).organisation_id
    make_notice(db, org)
    people = {
        "fr": person(db, keys, org, "anne@example.test", "fr", "customer_service"),
        "nl": person(db, keys, org, "bart@example.test", "nl", "customer_service"),
        "en": person(db, keys, org, "carl@example.test", "en", "customer_service"),
        "de": person(db, keys, org, "dora@example.test", "de", "customer_service"),  # no German notice: fr
        "other": person(db, keys, org, "olga@example.test", "nl", "deliveries"),
        "erased": person(db, keys, org, "emma@example.test", "en", "customer_service"),
    }
    erase(db, keys, people["erased"])
    return org, people


__all__ = ["ACTOR", "NOW", "erase", "notices", "person", "reworded", "two_activities", "world"]
