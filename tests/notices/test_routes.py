"""The notices API: publish with a scoped key, 4xx with problems, read versions."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import audit
from tests.factories import bearer, make_api_key, make_register
from tests.registers import minimal


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db).organisation_id


def test_publishing_needs_the_publish_scope(client: TestClient, db: Session, org: uuid.UUID) -> None:
    token = make_api_key(db, org, ["register:read"])

    assert client.post("/api/notices/privacy/versions", json={}, headers=bearer(token)).status_code == 403


def test_publish_then_read_back(client: TestClient, db: Session, org: uuid.UUID) -> None:
    token = make_api_key(db, org, ["notice:publish", "register:read"])

    created = client.post("/api/notices/privacy/versions", json={}, headers=bearer(token))
    listed = client.get("/api/notices/privacy/versions", headers=bearer(token))
    detail = client.get("/api/notices/privacy/versions/1", headers=bearer(token))

    assert created.status_code == 201 and created.json()["number"] == 1
    assert [v["number"] for v in listed.json()] == [1]
    assert set(detail.json()["texts"]) == {"en", "fr", "nl"}


def test_an_incomplete_notice_is_409_naming_what_is_missing(client: TestClient, db: Session) -> None:
    document = minimal()
    document["organisation"]["contact"] = []
    org = make_register(db, document).organisation_id
    token = make_api_key(db, org, ["notice:publish"])
    before = audit.count(db)

    response = client.post("/api/notices/privacy/versions", json={}, headers=bearer(token))

    assert response.status_code == 409
    assert response.json()["error"] == "notice_incomplete"
    assert [p["element"] for p in response.json()["problems"]] == ["controller_contact"]
    assert audit.count(db) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"effective_from": "tomorrow"}, "body.effective_from"),
        ({"material": "maybe"}, "body.material"),
        ({"colour": "red"}, "body.colour"),
    ],
)
def test_bad_publish_input_is_422_naming_the_field(
    client: TestClient, db: Session, org: uuid.UUID, body: dict[str, str], field: str
) -> None:
    token = make_api_key(db, org, ["notice:publish"])

    response = client.post("/api/notices/privacy/versions", json=body, headers=bearer(token))

    assert response.status_code == 422
    assert [p["path"] for p in response.json()["problems"]] == [field]


def test_an_unknown_notice_kind_is_422(client: TestClient, db: Session, org: uuid.UUID) -> None:
    token = make_api_key(db, org, ["notice:publish"])

    assert client.post("/api/notices/terms/versions", json={}, headers=bearer(token)).status_code == 422
