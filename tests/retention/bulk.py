"""Many people at once, built by subjects.new_person (the rows intake writes for a new person) and inserted
a chunk at a time: the crash test's 10,000 expiring prospects and the benchmark's 100,000 people."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table

from lawful import db, keystore, subjects
from lawful.actor import Actor, ActorKind

ACTOR = Actor(ActorKind.CLI, label="cli:bulk")
ACTIVITY = "request_followup"  # people(): prospects_3y, three years after the last inbound contact
CHUNK = 2000


@dataclass(frozen=True)
class Seeded:
    expiring: list[uuid.UUID]
    kept: list[uuid.UUID]


def email_of(index: int) -> str:
    return f"bulk-{index:06d}@example.test"


def seed(
    url: str, keys: keystore.Keys, organisation_id: uuid.UUID, *, count: int, expiring: int, now: datetime
) -> Seeded:
    """`count` prospects who wrote through the contact form; the first `expiring` four years before `now`
    (past their three years), the others a year before."""
    engine = db.make_engine(url)
    ids: list[uuid.UUID] = []
    try:
        for start in range(0, count, CHUNK):
            groups: dict[Table, list[dict[str, Any]]] = {}
            for index in range(start, min(start + CHUNK, count)):
                at = now - timedelta(days=4 * 365 if index < expiring else 365, minutes=index % 1440)
                person = _person(keys, organisation_id, index, at)
                ids.append(person.subject_row["id"])
                for table, rows in person.groups:
                    groups.setdefault(table, []).extend(rows)
            with engine.begin() as connection:
                db.insert_together(connection, _ordered(groups))
    finally:
        engine.dispose()
    return Seeded(expiring=ids[:expiring], kept=ids[expiring:])


def _person(keys: keystore.Keys, organisation_id: uuid.UUID, index: int, at: datetime) -> subjects.NewPerson:
    email = email_of(index)
    return subjects.new_person(
        ACTOR,
        keys,
        organisation_id=organisation_id,
        subject_category="prospect",
        identities={subjects.IdentityKind.EMAIL: email},
        values={
            "user.contact.email": email,
            "user.name": f"Person {index}",
            "user.content.private": "Call me back.",
        },
        collection=subjects.CollectionCreate(
            activity=ACTIVITY, channel=subjects.Channel.WEB_FORM, form_key="contact", collected_at=at
        ),
        language="en",
        country=None,
        client=None,
        now=at,
    )


def _ordered(groups: dict[Table, list[dict[str, Any]]]) -> Sequence[tuple[Table, list[dict[str, Any]]]]:
    """Parents before children (subjects, identities, collections, personal data, audit)."""
    return list(groups.items())
