"""The proof of a consent that ended loses its link to the person after its period, keeps what proves it
(R-82, T-08), and the ledger's fold still holds. Each step commits in its own session, as the retention run
does, and the outcome is read back from another session."""

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lawful import audit, consent, keystore, subjects
from lawful.actor import Actor, ActorKind
from tests.conftest import empty
from tests.factories import make_person, make_register
from tests.registers import people

WITHDRAWN = datetime(2021, 3, 10, 10, 0, tzinfo=UTC)
PROOF = consent.Proof(
    text="Yes, send me the newsletter",
    text_version="7",
    language="fr",
    channel="web_form",
    element="form:contact",
)
PROOF_FIELDS = (
    "kind",
    "purpose",
    "occurred_at",
    "text_hash",
    "text_version",
    "language",
    "channel",
    "element",
)


@dataclass
class World:
    engine: Engine
    keys: keystore.Keys
    organisation_id: uuid.UUID

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def person(self, *, at: datetime) -> uuid.UUID:
        with time_machine.travel(at, tick=False), self.session() as db:
            subject_id = make_person(db, self.keys, self.organisation_id).subject.id
            db.commit()
        return subject_id

    def record(
        self, subject_id: uuid.UUID, kind: consent.EventKind, *, at: datetime, actor: Actor
    ) -> uuid.UUID:
        with time_machine.travel(at, tick=False), self.session() as db:
            event = consent.record(
                db,
                actor,
                organisation_id=self.organisation_id,
                subject_id=subject_id,
                purpose="newsletter",
                kind=kind,
                proof=PROOF,
            )
            db.commit()
        return event.id

    def run(self, now: datetime, actor: Actor) -> consent.Pseudonymised:
        with self.session() as db:
            done = consent.pseudonymise_evidence(db, actor, now=now)
            db.commit()
        return done

    def events(self, *ids: uuid.UUID) -> list[dict[str, Any]]:
        with self.session() as db:
            rows = db.scalars(select(consent.ConsentEvent).where(consent.ConsentEvent.id.in_(ids)))
            return [
                {c.key: getattr(row, c.key) for c in consent.ConsentEvent.__table__.columns} for row in rows
            ]

    def state(self, subject_id: uuid.UUID) -> consent.ConsentStatus:
        """The fold over the person's events, and the materialised state must agree."""
        with self.session() as db:
            folded = consent.current_state(
                [e for e in consent.history(db, subject_id=subject_id) if e.purpose == "newsletter"]
            )
            stored = db.scalar(
                select(consent.ConsentState.state).where(
                    consent.ConsentState.subject_id == subject_id,
                    consent.ConsentState.purpose == "newsletter",
                )
            )
        assert folded == consent.ConsentStatus(stored or "never_given")
        return folded


@pytest.fixture
def world(engine: Engine, keys: keystore.Keys) -> Iterator[World]:
    with Session(engine) as db:
        organisation_id = make_register(db, people()).organisation_id
        db.commit()
    yield World(engine, keys, organisation_id)
    empty(engine)


def _withdrawn(world: World, actor: Actor, *, at: datetime = WITHDRAWN) -> tuple[uuid.UUID, list[uuid.UUID]]:
    subject_id = world.person(at=at - timedelta(days=400))
    own = Actor(ActorKind.PUBLIC, label=f"subject:{subject_id}")  # the person, through their update link
    given = world.record(subject_id, consent.EventKind.GIVEN, at=at - timedelta(days=365), actor=own)
    withdrawn = world.record(subject_id, consent.EventKind.WITHDRAWN, at=at, actor=actor)
    return subject_id, [given, withdrawn]


def test_after_its_period_the_proof_keeps_what_proves_it_and_nothing_that_points_to_the_person(
    world: World, actor: Actor
) -> None:
    subject_id, events = _withdrawn(world, actor)
    before = world.events(*events)

    done = world.run(WITHDRAWN.replace(year=2026), actor)

    after = world.events(*events)
    assert done == consent.Pseudonymised(consents=1, events=2)
    assert [{k: e[k] for k in PROOF_FIELDS} for e in after] == [
        {k: e[k] for k in PROOF_FIELDS} for e in before
    ]
    assert {e["text_hash"] for e in after} == {hashlib.sha256(PROOF.text.encode()).hexdigest()}
    assert [(e["subject_id"], e["consent_id"]) for e in after] == [(None, None), (None, None)]
    assert sorted(e["actor_label"] for e in after) == ["cli:test", "subject"]
    assert str(subject_id) not in repr(after)
    assert world.state(subject_id) is consent.ConsentStatus.NEVER_GIVEN
    with world.session() as db:
        assert subjects.get(db, subject_id=subject_id).id == subject_id  # the person is still a customer


@pytest.mark.parametrize(
    ("withdrawn", "now", "unlinked"),
    [
        (WITHDRAWN, datetime(2026, 3, 9, 10, 0, tzinfo=UTC), False),  # the day before
        (WITHDRAWN, datetime(2026, 3, 10, 9, 59, tzinfo=UTC), False),
        (WITHDRAWN, datetime(2026, 3, 10, 10, 0, tzinfo=UTC), True),  # the day of, at the hour it ended
        (datetime(2020, 2, 29, 12, 0, tzinfo=UTC), datetime(2025, 2, 28, 11, 0, tzinfo=UTC), False),
        (
            datetime(2020, 2, 29, 12, 0, tzinfo=UTC),
            datetime(2025, 2, 28, 12, 0, tzinfo=UTC),
            True,
        ),  # leap day
    ],
)
def test_the_period_runs_from_the_end_of_the_consent_on_the_calendar(
    world: World, actor: Actor, withdrawn: datetime, now: datetime, unlinked: bool
) -> None:
    subject_id, events = _withdrawn(world, actor, at=withdrawn)

    world.run(now, actor)

    assert [e["subject_id"] is None for e in world.events(*events)] == [unlinked, unlinked]
    expected = consent.ConsentStatus.NEVER_GIVEN if unlinked else consent.ConsentStatus.WITHDRAWN
    assert world.state(subject_id) is expected


def test_a_consent_in_force_or_given_again_keeps_its_whole_history_linked(world: World, actor: Actor) -> None:
    in_force = world.person(at=datetime(2015, 1, 1, tzinfo=UTC))
    kept = world.record(in_force, consent.EventKind.GIVEN, at=datetime(2015, 1, 2, tzinfo=UTC), actor=actor)
    again, history = _withdrawn(world, actor, at=datetime(2016, 1, 1, tzinfo=UTC))
    history.append(
        world.record(again, consent.EventKind.GIVEN, at=datetime(2017, 1, 1, tzinfo=UTC), actor=actor)
    )

    done = world.run(datetime(2030, 1, 1, tzinfo=UTC), actor)

    assert done == consent.Pseudonymised()
    assert [e["subject_id"] for e in world.events(kept)] == [in_force]
    assert [e["subject_id"] for e in world.events(*history)] == [again, again, again]
    assert world.state(again) is consent.ConsentStatus.GIVEN


def test_a_person_under_a_legal_hold_keeps_the_proof_linked(world: World, actor: Actor) -> None:
    subject_id, events = _withdrawn(world, actor)
    with world.session() as db:
        subjects.place_hold(
            db,
            actor,
            subject_id=subject_id,
            case_ref="C-7",
            reason="claim about the newsletter",
            purpose="newsletter",
            review_on=datetime.now(UTC).date() + timedelta(days=30),
        )
        db.commit()

    done = world.run(datetime(2027, 1, 1, tzinfo=UTC), actor)

    assert done == consent.Pseudonymised()
    assert {e["subject_id"] for e in world.events(*events)} == {subject_id}


def test_the_register_sets_the_period(world: World, actor: Actor, engine: Engine) -> None:
    document = people()
    document["organisation"]["records"] = {"consent_evidence": "P1Y"}
    with Session(engine) as db:
        make_register(db, document)
        db.commit()
    _, events = _withdrawn(world, actor)

    world.run(datetime(2022, 3, 10, 10, 0, tzinfo=UTC), actor)

    assert [e["subject_id"] for e in world.events(*events)] == [None, None]


def test_it_is_audited_once_with_counts_only_and_a_second_run_changes_nothing(
    world: World, actor: Actor
) -> None:
    subject_id, _ = _withdrawn(world, actor)
    now = datetime(2027, 1, 1, tzinfo=UTC)
    world.run(now, actor)

    second = world.run(now, actor)

    with world.session() as db:
        entries = audit.list_entries(db, action="consent.evidence_pseudonymised")
    assert second == consent.Pseudonymised()
    assert [(e.organisation_id, e.actor_label, e.data) for e in entries] == [
        (world.organisation_id, "cli:test", {"consents": 1, "events": 2, "period": "P5Y"})
    ]
    assert str(subject_id) not in repr(entries[0].data) and entries[0].entity_id is None


def test_the_person_may_consent_again_and_the_new_proof_is_theirs(world: World, actor: Actor) -> None:
    subject_id, _ = _withdrawn(world, actor)
    world.run(datetime(2027, 1, 1, tzinfo=UTC), actor)

    new = world.record(subject_id, consent.EventKind.GIVEN, at=datetime(2027, 2, 1, tzinfo=UTC), actor=actor)

    with world.session() as db:
        history = consent.history(db, subject_id=subject_id)
    assert [e.id for e in history] == [new]
    assert world.state(subject_id) is consent.ConsentStatus.GIVEN
