"""Test data for the scope, the dossier and the letters of a breach: a case, many people built in bulk
(rows as `subjects.collect` writes them), their newsletter consent, and a real export of them to HubSpot."""

import uuid
import zlib
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from lawful import breaches, clock, consent, keystore, marketing, subjects
from lawful.actor import Actor, ActorKind
from lawful.db import table_of

ACTOR = Actor(ActorKind.CLI, label="cli:breach-tests")
AWARE = datetime.fromisoformat("2026-03-04T09:00:00+01:00")
LANGUAGES = ("fr", "nl", "en")


def make_case(db: Session, organisation_id: uuid.UUID, **facts: Any) -> breaches.Breach:
    body = {"title": "Marketing export lost", "aware_at": AWARE} | facts
    return breaches.open_case(
        db, ACTOR, organisation_id=organisation_id, facts=breaches.BreachCreate.model_validate(body)
    )


def make_people(
    db: Session,
    keys: keystore.Keys,
    organisation_id: uuid.UUID,
    count: int,
    *,
    prefix: str = "p",
    consented: bool = False,
    at: datetime | None = None,
    phone: bool = False,
    email: bool = True,
    category: str = "prospect",
    client: str | None = None,
) -> list[uuid.UUID]:
    """`count` people in one write per table, languages in turn FR, NL, EN; with their newsletter consent."""
    now = at or clock.now()
    rows: dict[Table, list[dict[str, Any]]] = defaultdict(list)
    made = []
    for index in range(count):
        address = f"{prefix}-{index:05d}@example.test"
        values = {"user.name": f"Person {prefix} {index}"}
        identities = {}
        if email:
            values["user.contact.email"] = address
            identities[subjects.IdentityKind.EMAIL] = address
        if phone:
            number = f"+3247{zlib.crc32(prefix.encode()) % 100:02d}{index:05d}"
            values["user.contact.phone_number"] = number
            identities[subjects.IdentityKind.PHONE] = number
        person = subjects.new_person(
            ACTOR,
            keys,
            organisation_id=organisation_id,
            subject_category=category,
            identities=identities,
            values=values,
            collection=subjects.CollectionCreate(
                activity="request_followup", channel=subjects.Channel.EMAIL, collected_at=now
            ),
            language=LANGUAGES[index % 3],
            country="BE" if index % 2 else "FR",
            client=client,  # a client controller's segregated space (processor mode)
            now=now,
        )
        for table, group in person.groups:
            rows[table].extend(group)
        made.append(person.subject_row["id"])
        if consented:
            _consent(rows, organisation_id, person.subject_row["id"], now)
    for table, group in rows.items():
        for start in range(0, len(group), 2000):
            db.execute(insert(table), group[start : start + 2000])
    db.flush()
    return made


def _consent(
    rows: dict[Table, list[dict[str, Any]]], org: uuid.UUID, subject_id: uuid.UUID, at: datetime
) -> None:
    event_id = uuid.uuid4()
    rows[table_of(consent.ConsentEvent)].append(
        {
            "id": event_id,
            "organisation_id": org,
            "subject_id": subject_id,
            "consent_id": None,
            "purpose": "newsletter",
            "kind": "given",
            "text_hash": "0" * 64,
            "text_version": "1",
            "language": "en",
            "notice_number": None,
            "channel": "web_form",
            "element": "form:contact#marketing_consent",
            "occurred_at": at,
            "actor_label": "public",
            "recipients": [],
        }
    )
    rows[table_of(consent.ConsentState)].append(
        {
            "id": uuid.uuid4(),
            "organisation_id": org,
            "subject_id": subject_id,
            "purpose": "newsletter",
            "state": "given",
            "event_id": event_id,
            "updated_at": at,
        }
    )


def export_to_hubspot(
    db: Session, keys: keystore.Keys, organisation_id: uuid.UUID
) -> marketing.AudienceUpload:
    """The newsletter audience sent to HubSpot through the real export (its endpoint: a `receiver`)."""
    marketing.export(
        db, ACTOR, keys, organisation_id=organisation_id, purpose="newsletter", recipient="hubspot"
    )
    from sqlalchemy import select

    upload = marketing.AudienceUpload
    found = db.scalars(
        select(upload).where(upload.organisation_id == organisation_id).order_by(upload.uploaded_at.desc())
    )
    return found.first()  # type: ignore[return-value]


def ids(values: Sequence[uuid.UUID]) -> set[str]:
    return {str(v) for v in values}
