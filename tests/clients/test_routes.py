"""GET /api/clients: each client controller with its DPA and sub-processors (R-99, R-104)."""

import uuid

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import bearer, make_api_key, make_register
from tests.registers import example


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, yaml.safe_load(example("qualifio"))).organisation_id


def test_the_brand_is_listed_with_its_dpa_and_sub_processors(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["register:read"])

    response = client.get("/api/clients", headers=bearer(token))

    assert response.status_code == 200
    [brand] = response.json()
    assert (brand["key"], brand["name"], brand["activities"]) == (
        "acme_brands",
        "Acme Brands SA",
        ["client_campaigns"],
    )
    assert (brand["dpa"]["rights_forwarding_days"], brand["dpa"]["breach_notice"]) == (2, "PT24H")
    assert [(s["key"], s["countries"]) for s in brand["sub_processors"]] == [
        ("campaign_subprocessors", ["BE"])
    ]


def test_without_register_read_the_clients_are_403(client: TestClient, db: Session, org: uuid.UUID) -> None:
    token = make_api_key(db, org, ["decisions:ask"])

    assert client.get("/api/clients", headers=bearer(token)).status_code == 403
