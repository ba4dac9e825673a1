"""The gate refuses archived data to every operational and marketing purpose (R-73, R-75): one answer
whichever path asks (one person by identity, the batch, the per-person statement, the HTTP API)."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import clock, keystore, subjects
from lawful.actor import Actor
from lawful.decisions import Reason, facts, rules, service
from tests.archives import EXPECTED, NOW, PURPOSES, archive_register, population
from tests.factories import bearer, make_api_key, make_register


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, archive_register()).organisation_id


def _answer(decision: rules.Decision) -> str | tuple[str, ...]:
    return "allow" if decision.allow else tuple(str(r) for r in decision.reasons)


def test_each_archive_state_gets_the_same_answer_on_every_path(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    with clock.pinned(NOW):
        who = population(db, keys, org, actor)
        ids = list(who.values())
        for purpose in PURPOSES:
            batch = service.decide_each(db, organisation_id=org, purpose=purpose, subject_ids=ids)
            target = service.purpose_of(db, organisation_id=org, purpose=purpose)
            known = facts.by_ids(db, organisation_id=org, purpose=purpose, subject_ids=ids)
            one_by_one = [rules.decide(target, facts.person(known[i]), frozenset(), NOW) for i in ids]
            by_identity = [
                service.decide_for(
                    db,
                    keys,
                    service.Question(org, purpose, subjects.IdentityKind.EMAIL, f"{name}@example.test"),
                )
                for name in who
            ]

            assert batch == one_by_one == by_identity, purpose
            for name, decision in zip(who, batch, strict=True):
                wanted = EXPECTED[name].get(purpose)
                if wanted is not None:
                    assert _answer(decision) == wanted, (name, purpose)


def test_an_archived_activity_is_hidden_from_a_purpose_allowed_on_the_rest(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    with clock.pinned(NOW):
        who = population(db, keys, org, actor)
        offers = service.decide(
            db,
            organisation_id=org,
            purpose="customer_offers",
            subject_id=who["contract_archived_offers_live"],
        )
        invoicing = service.decide(
            db, organisation_id=org, purpose="invoicing", subject_id=who["invoice_archived"]
        )

    assert offers.allow and offers.hidden == ("customer_service",)
    assert invoicing.allow and invoicing.hidden == ()


def test_the_fast_lane_leaves_archived_people_to_the_full_path(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    with clock.pinned(NOW):
        population(db, keys, org, actor)
        service.purpose_of(db, organisation_id=org, purpose="customer_service")  # cached: the lane may answer
        connection = db.connection()
        driver = connection.connection.driver_connection
        live, archived = (
            service.decide_quick(
                driver,
                connection.dialect,
                keys,
                service.Question(
                    org, "customer_service", subjects.IdentityKind.EMAIL, f"{name}@example.test"
                ),
            )
            for name in ("live", "contract_archived")
        )

    assert live is not None and live.allow
    assert archived is None  # not a wrong "allow": the ordinary path, which reads the archive, answers


def test_the_api_answers_one_by_one_as_in_a_batch(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    with clock.pinned(NOW):
        who = population(db, keys, org, actor)
    token = make_api_key(db, org, ["decisions:ask", "subjects:read"])  # reasons are told with subjects:read
    now = {"X-Lawful-Now": NOW.isoformat()}
    people = [{"email": f"{name}@example.test"} for name in who]

    for purpose in PURPOSES:
        single = [
            client.post(
                "/api/decisions",
                json={"subject": person, "purpose": purpose},
                headers=bearer(token) | now,
            ).json()
            for person in people
        ]
        batch = client.post(
            "/api/decisions/batch",
            json={"subjects": people, "purpose": purpose},
            headers=bearer(token) | now,
        ).json()["results"]

        assert single == batch, purpose
        for name, answer in zip(who, single, strict=True):
            wanted = EXPECTED[name].get(purpose)
            if wanted is not None:
                got = "allow" if answer["decision"] == "allow" else tuple(answer["reasons"])
                assert got == wanted, (name, purpose)
    assert str(Reason.ARCHIVED) == "archived"
