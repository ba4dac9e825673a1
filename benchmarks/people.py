"""Seed many people in seconds: the `people()` register through the service, the people themselves in bulk.

Calling the intake service once per person would take minutes for 100,000 people, so the rows it writes
(subjects, identities, collections, personal data, data keys) are built here exactly as
`subjects.collect` builds them and inserted with SQLAlchemy Core executemany. Audit entries are not
written for them. `verify` then reads a few of them back through the real services.
"""

import hashlib
import random
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert, text
from sqlalchemy.orm import Session
from tests.registers import as_yaml, people

from lawful import clock, consent, crypto, db, decisions, keystore, notices, processing, staff, subjects
from lawful.actor import Actor, ActorKind
from lawful.config import Settings

ACTOR = Actor(ActorKind.CLI, label="cli:benchmark")
PURPOSE = "request_followup"
CONSENT_PURPOSE = "newsletter"
SCOPES = ["decisions:ask", "subjects:read", "subjects:write"]
CONSENT_EVERY = 10  # about 10 % of people consented to the newsletter
RESTRICT_EVERY = 100  # about 1 % are restricted (Art. 18)
CHUNK = 5000
HISTORY_DAYS = 700  # collected within the last two years: inside the 3-year retention of request_followup


@dataclass(frozen=True)
class Population:
    organisation_id: uuid.UUID
    token: str
    subject_ids: list[uuid.UUID]
    emails: list[str]  # the normalised address of subject_ids[i]
    consented: int
    restricted: int
    timings: dict[str, float] = field(default_factory=dict)

    def restricted_at(self, index: int) -> bool:
        return index % RESTRICT_EVERY == 1


def email_of(index: int) -> str:
    return f"person-{index:06d}@example.test"


def seed(settings: Settings, count: int, *, rng: random.Random) -> Population:
    """Schema, register, notices and an API key through the services; then `count` people in bulk."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    engine = db.make_engine(settings.resolved_database_url())
    db.upgrade_to_head(engine)
    keys = keystore.open_keys(settings)
    with db.make_sessionmaker(engine)() as session:
        organisation_id, token, register_number, notice_number = _organisation(session, settings)
        session.commit()
    timings["schema, register, notices, API key"] = time.perf_counter() - started

    started = time.perf_counter()
    batch = _Rows(organisation_id, register_number, notice_number, keys, rng)
    for index in range(count):
        batch.person(index)
    timings[f"build and encrypt rows for {count:,} people"] = time.perf_counter() - started

    started = time.perf_counter()
    # The key store first, and committed: a data key is durable before anything is encrypted with it.
    with keys.store.engine.begin() as connection:
        _insert(connection, keystore.WrappedKey.__table__, batch.key_rows)
    timings[f"insert {len(batch.key_rows):,} wrapped keys"] = time.perf_counter() - started
    with engine.begin() as connection:
        for table, rows in batch.tables():
            started = time.perf_counter()
            _insert(connection, table, rows)
            timings[f"insert {len(rows):,} {table.name}"] = time.perf_counter() - started
    if engine.dialect.name == "postgresql":
        # Autovacuum would analyse the new rows within a minute or so; doing it now makes every run alike.
        # SQLite is left as lawful leaves it: never analysed.
        started = time.perf_counter()
        for target in (engine, keys.store.engine):
            with target.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE"))
        timings["ANALYZE (PostgreSQL)"] = time.perf_counter() - started
    engine.dispose()
    return Population(
        organisation_id=organisation_id,
        token=token,
        subject_ids=batch.subject_ids,
        emails=[email_of(index) for index in range(count)],
        consented=len(batch.consent_states),
        restricted=len(batch.restrictions),
        timings=timings,
    )


def _organisation(session: Session, settings: Settings) -> tuple[uuid.UUID, str, int, int | None]:
    version, _ = processing.apply(session, ACTOR, text=as_yaml(people()), source="benchmarks/people.py")
    organisation_id = version.organisation_id
    for kind in notices.NoticeKind:
        notices.publish(
            session, ACTOR, organisation_id=organisation_id, kind=kind, lead_days=settings.notice_lead_days
        )
    privacy = notices.get_current(session, organisation_id=organisation_id, kind=notices.NoticeKind.PRIVACY)
    _, token = staff.create_api_key(
        session, ACTOR, organisation_id=organisation_id, name="benchmark", scopes=SCOPES
    )
    return organisation_id, token, version.number, privacy.number


class _Rows:
    """The rows `subjects.collect` (and `consent.record`, `subjects.restrict`) would write, per table."""

    def __init__(
        self,
        organisation_id: uuid.UUID,
        register_number: int,
        notice_number: int | None,
        keys: keystore.Keys,
        rng: random.Random,
    ) -> None:
        self.organisation_id, self.register_number, self.notice_number = (
            organisation_id,
            register_number,
            notice_number,
        )
        self.keys, self.rng, self.now = keys, rng, clock.now()
        self.consent_text = hashlib.sha256(b"benchmark newsletter consent text").hexdigest()
        self.subject_ids: list[uuid.UUID] = []
        self.key_rows: list[dict[str, Any]] = []
        self.subjects: list[dict[str, Any]] = []
        self.identities: list[dict[str, Any]] = []
        self.collections: list[dict[str, Any]] = []
        self.personal_data: list[dict[str, Any]] = []
        self.consent_events: list[dict[str, Any]] = []
        self.consent_states: list[dict[str, Any]] = []
        self.restrictions: list[dict[str, Any]] = []

    def person(self, index: int) -> None:
        sid, email = uuid.uuid4(), email_of(index)
        org, at = self.organisation_id, self.now - timedelta(minutes=self.rng.randrange(HISTORY_DAYS * 1440))
        key = crypto.new_key()
        kek_id, wrapped = self.keys.store.keyring.wrap(key)
        owner = keystore.subject_owner(sid)
        self.subject_ids.append(sid)
        self.key_rows.append({"owner": owner, "kek_id": kek_id, "wrapped": wrapped, "created_at": at})
        self.subjects.append(
            {
                "id": sid,
                "organisation_id": org,
                "categories": ["prospect"],
                "language": "en",
                "country": None,
                "role": "controller",
                "client": None,
                "child": False,
                "created_at": at,
            }
        )
        self.identities.append(
            {
                "id": uuid.uuid4(),
                "subject_id": sid,
                "organisation_id": org,
                "kind": str(subjects.IdentityKind.EMAIL),
                "lookup": subjects.lookup_key(self.keys, subjects.IdentityKind.EMAIL, email),
                "value": _seal(key, sid, f"identity:{subjects.IdentityKind.EMAIL}", email),
                "created_at": at,
            }
        )
        collection_id = uuid.uuid4()
        self.collections.append(self._collection(collection_id, sid, at))
        values = {
            "user.name": f"Person {index}",
            "user.contact.email": email,
            "user.content.private": "Please call me back about your offer.",
        }
        for category, value in values.items():
            self.personal_data.append(
                {
                    "id": uuid.uuid4(),
                    "subject_id": sid,
                    "organisation_id": org,
                    "category": category,
                    "value": _seal(key, sid, category, value),
                    "version": 1,
                    "collection_id": collection_id,
                    "recorded_at": at,
                    "superseded_at": None,
                }
            )
        if index % CONSENT_EVERY == 0:
            self._consent(sid, at)
        if index % RESTRICT_EVERY == 1:
            self._restriction(sid, at)

    def _collection(self, collection_id: uuid.UUID, sid: uuid.UUID, at: datetime) -> dict[str, Any]:
        return {
            "id": collection_id,
            "subject_id": sid,
            "organisation_id": self.organisation_id,
            "activity": PURPOSE,
            "channel": str(subjects.Channel.WEB_FORM),
            "source": str(subjects.Source.SUBJECT),
            "source_name": None,
            "form_key": "contact",
            "register_number": self.register_number,
            "notice_number": self.notice_number,
            "language": "en",
            "provided_by_subject": True,
            "referrer_subject_id": None,
            "document_ref": None,
            "collected_at": at,
            "recorded_by": "public",
        }

    def _consent(self, sid: uuid.UUID, at: datetime) -> None:
        event_id = uuid.uuid4()
        self.consent_events.append(
            {
                "id": event_id,
                "organisation_id": self.organisation_id,
                "subject_id": sid,
                "consent_id": None,
                "purpose": CONSENT_PURPOSE,
                "kind": str(consent.EventKind.GIVEN),
                "text_hash": self.consent_text,
                "text_version": f"register-{self.register_number}",
                "language": "en",
                "notice_number": self.notice_number,
                "channel": str(subjects.Channel.WEB_FORM),
                "element": "form:contact#marketing_consent",
                "occurred_at": at,
                "actor_label": "public",
            }
        )
        self.consent_states.append(
            {
                "id": uuid.uuid4(),
                "organisation_id": self.organisation_id,
                "subject_id": sid,
                "purpose": CONSENT_PURPOSE,
                "state": str(consent.ConsentStatus.GIVEN),
                "event_id": event_id,
                "updated_at": at,
            }
        )

    def _restriction(self, sid: uuid.UUID, at: datetime) -> None:
        self.restrictions.append(
            {
                "id": uuid.uuid4(),
                "subject_id": sid,
                "organisation_id": self.organisation_id,
                "activity": None,
                "ground": str(subjects.RestrictionGround.ACCURACY_CONTESTED),
                "reason": "The person contests the accuracy of their data (benchmark seed).",
                "placed_at": at,
                "placed_by": ACTOR.label,
                "informed_at": None,
                "lifted_at": None,
                "lifted_by": None,
            }
        )

    def tables(self) -> Iterator[tuple[Table, list[dict[str, Any]]]]:
        """In foreign-key order."""
        yield _table(subjects.Subject), self.subjects
        yield _table(subjects.Identity), self.identities
        yield _table(subjects.Collection), self.collections
        yield _table(subjects.PersonalData), self.personal_data
        yield _table(consent.ConsentEvent), self.consent_events
        yield _table(consent.ConsentState), self.consent_states
        yield _table(subjects.Restriction), self.restrictions


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _seal(key: bytes, subject_id: uuid.UUID, label: str, value: str) -> bytes:
    """As `subjects.service._seal`: the subject id and the label are bound as associated data."""
    return crypto.encrypt(key, value.encode(), context=f"{subject_id}:{label}".encode())


def _insert(connection: Connection, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(table), list(rows[start : start + CHUNK]))


def verify(settings: Settings, population: Population) -> list[str]:
    """Read seeded people back through the real services: found by email, decided, decrypted."""
    engine: Engine = db.make_engine(settings.resolved_database_url())
    keys = keystore.open_keys(settings)
    org = population.organisation_id
    checks = []
    with db.make_sessionmaker(engine)() as session:
        for index, purpose, expected in ((2, PURPOSE, True), (1, PURPOSE, False), (0, CONSENT_PURPOSE, True)):
            email = population.emails[index]
            found = decisions.find_subject(
                session, keys, organisation_id=org, kind=subjects.IdentityKind.EMAIL, value=email
            )
            if found != population.subject_ids[index]:
                raise RuntimeError(f"seeded person {email} is not found by email")
            decision = decisions.decide(session, organisation_id=org, purpose=purpose, subject_id=found)
            if decision.allow is not expected:
                raise RuntimeError(f"{email} for {purpose}: expected allow={expected}, got {decision}")
            shown = "allow" if decision.allow else f"deny ({', '.join(decision.reasons)})"
            checks.append(f"{email}: found by email; {purpose}: {shown}")
        held = subjects.values(session, keys, subject_id=population.subject_ids[2])
        if {v.category: v.value for v in held}.get("user.contact.email") != population.emails[2]:
            raise RuntimeError("a seeded value does not decrypt with the person's data key")
        checks.append(f"{population.emails[2]}: {len(held)} values decrypt with the person's data key")
    engine.dispose()
    return checks
