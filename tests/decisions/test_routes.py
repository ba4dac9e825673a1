"""POST /api/decisions: allow or deny with reasons; batch; reading data through the gate is audited."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import audit, consent, crypto, keystore, subjects
from lawful.actor import Actor
from tests.factories import bearer, make_api_key, make_person, make_register
from tests.registers import people

FULL = ["decisions:ask", "subjects:read", "personal_data:read"]


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, people()).organisation_id


def _ask(
    client: TestClient, token: str, email: str, purpose: str, fields: list[str] | None = None
) -> dict[str, object]:
    response = client.post(
        "/api/decisions",
        json={"subject": {"email": email}, "purpose": purpose, "fields": fields or []},
        headers=bearer(token),
    )
    assert response.status_code == 200, response.text
    result: dict[str, object] = response.json()
    return result


def test_a_prospect_may_be_answered_but_not_sent_the_newsletter(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    make_person(db, keys, org, email="p@example.test")
    token = make_api_key(db, org, FULL)

    followup = _ask(client, token, "P@example.test", "request_followup", ["user.contact.email"])
    newsletter = _ask(client, token, "p@example.test", "newsletter")

    assert (followup["decision"], followup["fields"], followup["basis"]) == (
        "allow",
        ["user.contact.email"],
        "contract",
    )
    assert (newsletter["decision"], newsletter["reasons"]) == ("deny", ["no_consent"])


def test_consent_then_withdrawal_flips_the_decision(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    person = make_person(db, keys, org, email="c@example.test").subject
    token = make_api_key(db, org, FULL)
    proof = consent.Proof(
        text="Yes please", text_version="1", language="en", channel="web_form", element="form:x"
    )
    consent.record(
        db,
        actor,
        organisation_id=org,
        subject_id=person.id,
        purpose="newsletter",
        kind=consent.EventKind.GIVEN,
        proof=proof,
    )
    allowed = _ask(client, token, "c@example.test", "newsletter")["decision"]

    consent.record(
        db,
        actor,
        organisation_id=org,
        subject_id=person.id,
        purpose="newsletter",
        kind=consent.EventKind.WITHDRAWN,
        proof=proof,
    )

    assert (allowed, _ask(client, token, "c@example.test", "newsletter")["reasons"]) == (
        "allow",
        ["consent_withdrawn"],
    )


def test_an_unknown_person_is_denied_as_unknown(client: TestClient, db: Session, org: uuid.UUID) -> None:
    token = make_api_key(db, org, FULL)

    assert _ask(client, token, "nobody@example.test", "request_followup")["reasons"] == ["unknown_subject"]


def test_without_the_subjects_scope_a_deny_does_not_reveal_who_exists(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    make_person(db, keys, org, email="known@example.test")
    token = make_api_key(db, org, ["decisions:ask"])

    known = _ask(client, token, "known@example.test", "newsletter")
    unknown = _ask(client, token, "unknown@example.test", "newsletter")

    assert known == unknown == {"decision": "deny", "reasons": ["denied"], "fields": [], "basis": None}


def test_an_unknown_purpose_is_404_naming_it(client: TestClient, db: Session, org: uuid.UUID) -> None:
    token = make_api_key(db, org, FULL)

    response = client.post(
        "/api/decisions",
        json={"subject": {"email": "a@example.test"}, "purpose": "selling"},
        headers=bearer(token),
    )

    assert response.status_code == 404 and "selling" in response.json()["detail"]


def test_two_identities_in_one_reference_are_422(client: TestClient, db: Session, org: uuid.UUID) -> None:
    token = make_api_key(db, org, FULL)

    response = client.post(
        "/api/decisions",
        json={"subject": {"email": "a@example.test", "phone": "+32470000000"}, "purpose": "newsletter"},
        headers=bearer(token),
    )

    assert response.status_code == 422 and response.json()["problems"][0]["path"] == "body.subject"


def test_a_batch_answers_in_order_and_counts(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    restricted = make_person(db, keys, org, email="r@example.test").subject
    make_person(db, keys, org, email="ok@example.test")
    subjects.restrict(
        db, actor, subject_id=restricted.id, ground=subjects.RestrictionGround.LEGAL_CLAIMS, reason="claim"
    )
    token = make_api_key(db, org, FULL)

    response = client.post(
        "/api/decisions/batch",
        json={
            "purpose": "request_followup",
            "subjects": [
                {"email": "ok@example.test"},
                {"email": "r@example.test"},
                {"email": "x@example.test"},
            ],
        },
        headers=bearer(token),
    )

    body = response.json()
    assert (body["allowed"], body["denied"]) == (1, 2)
    assert [r["reasons"] for r in body["results"]] == [[], ["restricted"], ["unknown_subject"]]


def test_a_batch_finds_people_by_any_identity_in_one_look_up(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    by_id = make_person(db, keys, org, email="id@example.test").subject
    make_person(db, keys, org, email="mail@example.test")
    token = make_api_key(db, org, FULL)
    refs = [
        {"email": " MAIL@example.test"},
        {"subject_id": str(by_id.id)},
        {"email": "not an address"},
        {"phone": "+32 470 00 00 00"},
        {"subject_id": str(uuid.uuid4())},
        {"email": "mail@example.test"},
    ]

    response = client.post(
        "/api/decisions/batch", json={"purpose": "request_followup", "subjects": refs}, headers=bearer(token)
    )

    assert response.status_code == 200, response.text
    assert [r["decision"] for r in response.json()["results"]] == [
        "allow",
        "allow",
        "deny",
        "deny",
        "deny",
        "allow",
    ]
    assert {r["reasons"][0] for r in response.json()["results"][2:5]} == {"unknown_subject"}


def test_reading_through_the_gate_returns_allowed_fields_and_is_audited(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    person = make_person(db, keys, org, email="read@example.test", values={"user.name": "Ré"}).subject
    token = make_api_key(db, org, FULL)

    response = client.post(
        "/api/subjects/read",
        json={
            "subject": {"email": "read@example.test"},
            "purpose": "request_followup",
            "fields": ["user.name"],
        },
        headers=bearer(token),
    )

    assert [(v["category"], v["value"], v["channel"]) for v in response.json()["values"]] == [
        ("user.name", "Ré", "email")
    ]
    entry = audit.latest(db, action="decisions.read")
    assert entry is not None and (entry.entity_id, entry.purpose, entry.outcome) == (
        str(person.id),
        "request_followup",
        "allowed",
    )


def test_a_denied_read_is_403_and_audited_as_denied(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    make_person(db, keys, org, email="deny@example.test")
    token = make_api_key(db, org, FULL)

    response = client.post(
        "/api/subjects/read",
        json={"subject": {"email": "deny@example.test"}, "purpose": "newsletter"},
        headers=bearer(token),
    )

    assert response.status_code == 422 and "no_consent" in response.json()["detail"]
    assert audit.latest(db, action="decisions.read").outcome == "denied"  # type: ignore[union-attr]


def test_the_fast_lane_answers_like_the_route_and_leaves_errors_to_it(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    """The first call of a key goes through the route (and caches the key); later ones take the lane."""
    person = make_person(db, keys, org, email="lane@example.test").subject
    token = make_api_key(db, org, FULL)
    by_route = _ask(client, token, "lane@example.test", "newsletter")
    app = client.app
    assert app.state.api_keys.get(crypto.token_digest(token)) is not None  # type: ignore[attr-defined]

    assert _ask(client, token, "LANE@example.test ", "newsletter") == by_route
    by_id = client.post(
        "/api/decisions",
        json={"subject": {"subject_id": str(person.id)}, "purpose": "newsletter"},
        headers=bearer(token),
    )
    assert by_id.json() == by_route
    assert _ask(client, token, "nobody@example.test", "request_followup")["reasons"] == ["unknown_subject"]
    batch = client.post(
        "/api/decisions/batch",
        json={
            "subjects": [
                {"subject_id": str(person.id)},
                {"email": "lane@example.test"},
                {"email": "x@example.test"},
            ],
            "purpose": "newsletter",
        },
        headers=bearer(token),
    ).json()
    assert (batch["allowed"], batch["denied"]) == (0, 3)
    assert batch["results"][:2] == [by_route, by_route]
    assert batch["results"][2]["reasons"] == ["unknown_subject"]
    bad_batch = client.post(
        "/api/decisions/batch", json={"subjects": [], "purpose": "newsletter"}, headers=bearer(token)
    )
    assert bad_batch.status_code == 422 and bad_batch.json()["problems"][0]["path"] == "body.subjects"

    unknown = client.post(
        "/api/decisions",
        json={"subject": {"email": "lane@example.test"}, "purpose": "nope"},
        headers=bearer(token),
    )
    assert unknown.status_code == 404 and "nope" in unknown.json()["detail"]
    invalid = client.post(
        "/api/decisions",
        json={"subject": {"email": "lane@example.test"}, "purpos": "x"},
        headers=bearer(token),
    )
    assert invalid.status_code == 422
    assert {p["path"] for p in invalid.json()["problems"]} >= {"body.purpose", "body.purpos"}
    stranger = client.post(
        "/api/decisions",
        json={"subject": {"email": "lane@example.test"}, "purpose": "newsletter"},
        headers=bearer("x" * 40),
    )
    assert stranger.status_code == 401
