"""The scope through the API, from outside: each request in the app's own session, read back through
another (R-98): the numbers in the case, the list sealed, bad input refused by name with nothing written."""

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import keystore
from lawful.breaches import Breach, scope
from tests.breaches.affected import export_to_hubspot, ids, make_people
from tests.factories import bearer, make_api_key

AWARE = "2026-03-04T09:00:00+01:00"
NOW = {"X-Lawful-Now": "2026-03-04T12:00:00+01:00"}


def _case(client: TestClient, token: str) -> None:
    opened = client.post(
        "/api/breaches", json={"title": "Export lost", "aware_at": AWARE}, headers=bearer(token) | NOW
    )
    assert opened.status_code == 201, opened.text


def test_the_scope_of_an_export_is_computed_into_the_case_and_shown_again(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    exported = make_people(db, keys, org, 4, consented=True)
    make_people(db, keys, org, 3, prefix="other")
    upload = export_to_hubspot(db, keys, org)
    token = make_api_key(db, org, ["breaches:read", "breaches:write"])
    _case(client, token)

    response = client.post(
        "/api/breaches/B-1/scope", json={"exports": [str(upload.id)]}, headers=bearer(token) | NOW
    )
    shown = client.get("/api/breaches/B-1/scope", headers=bearer(token))

    assert response.status_code == 200, response.text
    assert (response.json()["people"], shown.json()["people"], shown.json()["sealed"]) == (4, 4, True)
    breach = db.scalars(select(Breach)).one()
    assert (breach.affected_count, breach.approx_subjects) == (4, 4)
    assert {e["subject"] for e in scope.affected(keys, breach)} == ids(exported)


def test_an_unknown_datastore_or_an_empty_window_is_refused_naming_the_field_and_nothing_is_written(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["breaches:read", "breaches:write"])
    _case(client, token)

    unknown = client.post(
        "/api/breaches/B-1/scope", json={"datastores": [{"key": "erp"}]}, headers=bearer(token) | NOW
    )
    empty = client.post(
        "/api/breaches/B-1/scope",
        json={
            "systems": ["lawful"],
            "since": "2026-03-02T00:00:00+01:00",
            "until": "2026-03-01T00:00:00+01:00",
        },
        headers=bearer(token) | NOW,
    )

    assert (unknown.status_code, [p["path"] for p in unknown.json()["problems"]]) == (
        422,
        ["datastores[0].key"],
    )
    assert (empty.status_code, [p["path"] for p in empty.json()["problems"]]) == (422, ["until"])
    assert db.scalar(select(func.count()).select_from(scope.BreachScope)) == 0
    assert db.scalars(select(Breach)).one().affected_key_id is None


def test_reading_the_register_is_not_enough_to_compute_a_scope(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    writer = make_api_key(db, org, ["breaches:read", "breaches:write"])
    reader = make_api_key(db, org, ["breaches:read"])
    _case(client, writer)

    response = client.post(
        "/api/breaches/B-1/scope", json={"systems": ["lawful"]}, headers=bearer(reader) | NOW
    )

    assert response.status_code == 403
    assert (
        client.get("/api/breaches/B-1/scope", headers=bearer(reader)).status_code == 404
    )  # none computed yet
