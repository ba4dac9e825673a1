"""A person lawful has never seen: every row of their first collection, built at once.

Most intakes are new people (a form, an import, a staff entry). Their rows need no read and no
unit-of-work: the subject, its identities, the collection with its provenance, the encrypted values and
the audit entry are built here as plain rows and written together (lawful.db.insert_together), which on
PostgreSQL is one statement. The person's id comes with its data key already stored
(keystore.Keys.new_subject), so the key is durable before anything is encrypted with it.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Table

from lawful import audit, clock, crypto, keystore
from lawful.actor import Actor
from lawful.db import table_of

from . import rules
from .identity import IdentityKind
from .models import Collection, Identity, PersonalData, Subject
from .schemas import CollectionCreate

TABLES = {m: table_of(m) for m in (Subject, Identity, Collection, PersonalData)}


@dataclass
class NewPerson:
    subject_row: dict[str, Any]
    collection_row: dict[str, Any]
    changed: list[str]
    groups: list[tuple[Table, list[dict[str, Any]]]] = field(default_factory=list)

    @cached_property
    def subject(self) -> Subject:
        """Transient, for callers that want the model; the rows in `groups` are what is written."""
        return Subject(**self.subject_row)

    @cached_property
    def collection(self) -> Collection:
        return Collection(**self.collection_row)


def new_person(
    actor: Actor,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    subject_category: str,
    identities: dict[IdentityKind, str],
    values: dict[str, str],
    collection: CollectionCreate,
    language: str | None,
    country: str | None,
    client: str | None,
    now: datetime,
) -> NewPerson:
    """The rows of a first collection (R-15, R-16); identities are already normalised."""
    subject_id, key = keys.new_subject()
    collected_at = collection.collected_at or now
    subject = {
        "id": subject_id,
        "organisation_id": organisation_id,
        "categories": [subject_category],
        "language": language,
        "country": country,
        "role": "processor" if client else "controller",
        "client": client,
        "child": False,
        "art14_due": None
        if collection.provided_by_subject
        else rules.art14_due(clock.brussels_date(collected_at)),
        "created_at": now,
    }
    scope = f"@client:{client}" if client else ""
    identity_rows = [
        {
            "id": uuid.uuid4(),
            "subject_id": subject_id,
            "organisation_id": organisation_id,
            "kind": str(kind),
            "lookup": crypto.keyed_hash(keys.lookup, f"{kind}:{value}{scope}"),
            "value": seal(key, subject_id, f"identity:{kind}", value),
            "created_at": now,
        }
        for kind, value in identities.items()
    ]
    row = {
        "id": uuid.uuid4(),
        "subject_id": subject_id,
        "organisation_id": organisation_id,
        "activity": collection.activity,
        "channel": str(collection.channel),
        "source": str(collection.source),
        "source_name": collection.source_name,
        "form_key": collection.form_key,
        "register_number": collection.register_number,
        "notice_number": collection.notice_number,
        "language": collection.language,
        "provided_by_subject": collection.provided_by_subject,
        "referrer_subject_id": collection.referrer_subject_id,
        "document_ref": collection.document_ref,
        "collected_at": collected_at,
        "recorded_by": actor.label,
        "optout_offered": collection.optout_offered,
    }
    value_rows = [
        {
            "id": uuid.uuid4(),
            "subject_id": subject_id,
            "organisation_id": organisation_id,
            "category": category,
            "value": seal(key, subject_id, category, value),
            "version": 1,
            "collection_id": row["id"],
            "recorded_at": now,
            "superseded_at": None,
        }
        for category, value in values.items()
    ]
    entry = audit.entry(
        actor,
        "subjects.collected",
        entity_type="Collection",
        entity_id=row["id"],
        organisation_id=organisation_id,
        data={
            "subject_id": str(subject_id),
            "activity": row["activity"],
            "channel": row["channel"],
            "source": row["source"],
            "categories": sorted(values),
            "created": True,
        },
    )
    return NewPerson(
        subject_row=subject,
        collection_row=row,
        changed=list(values),
        groups=[
            (TABLES[Subject], [subject]),
            (TABLES[Identity], identity_rows),
            (TABLES[Collection], [row]),
            (TABLES[PersonalData], value_rows),
            (audit.TABLE, [entry]),
        ],
    )


def seal(key: bytes, subject_id: uuid.UUID, label: str, value: str) -> bytes:
    return crypto.encrypt(key, value.encode(), context=f"{subject_id}:{label}".encode())
