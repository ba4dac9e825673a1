"""T-16 from outside: a bought list imported through the API never reaches a soft-opt-in campaign, and
the soft opt-in needs the opt-out offered when the customer gave the address (R-34)."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import keystore, marketing
from tests.factories import bearer, make_api_key, make_person, make_register
from tests.registers import people

BOUGHT = "user.contact.email,user.name\nbought1@example.test,One\nbought2@example.test,Two\n"


@pytest.mark.parametrize("source", ["aggregator", "partner", "subject"])
def test_a_list_imported_under_the_sales_activity_is_left_out_of_a_soft_opt_in_campaign(
    client: TestClient, db: Session, keys: keystore.Keys, source: str
) -> None:
    org = make_register(db, people()).organisation_id
    buyer = make_person(
        db,
        keys,
        org,
        email="buyer@example.test",
        category="customer",
        activity="customer_service",
        optout_offered=True,
    ).subject.id
    token = make_api_key(db, org, ["subjects:write", "marketing:send"])

    imported = client.post(
        "/api/imports?activity=customer_service&subject_category=customer"
        f"&source={source}&source_name=List%20broker",
        content=BOUGHT,
        headers=bearer(token) | {"Content-Type": "text/csv"},
    )
    audience = client.post("/api/audiences", json={"purpose": "customer_offers"}, headers=bearer(token))

    assert imported.status_code == 201, imported.text
    assert imported.json()["imported"] == 2
    assert audience.status_code == 200, audience.text
    assert audience.json() == {
        "purpose": "customer_offers",
        "members": 1,
        "bases": {"soft_opt_in": 1},
        "excluded": {"no_eprivacy_basis": 2},
    }
    assert buyer


def test_a_customer_not_offered_the_opt_out_at_collection_gets_no_soft_opt_in(
    db: Session, keys: keystore.Keys
) -> None:
    org = make_register(db, people()).organisation_id
    offered = make_person(
        db,
        keys,
        org,
        email="a@example.test",
        category="customer",
        activity="customer_service",
        optout_offered=True,
    ).subject.id
    make_person(db, keys, org, email="b@example.test", category="customer", activity="customer_service")

    audience = marketing.build(db, keys, organisation_id=org, purpose="customer_offers")

    assert audience.members == [(offered, "soft_opt_in")]
    assert audience.excluded == {"no_eprivacy_basis": 1}


def test_the_opt_out_offered_is_kept_on_the_collection_record(
    client: TestClient, db: Session, keys: keystore.Keys
) -> None:
    org = make_register(db, people()).organisation_id
    token = make_api_key(db, org, ["subjects:write", "marketing:send"])
    body = {
        "email": "counter@example.test",
        "subject_category": "customer",
        "collection": {"activity": "customer_service", "channel": "in_person", "optout_offered": True},
    }

    created = client.post("/api/subjects", json=body, headers=bearer(token))
    audience = client.post("/api/audiences", json={"purpose": "customer_offers"}, headers=bearer(token))

    assert created.status_code == 201, created.text
    assert audience.json()["bases"] == {"soft_opt_in": 1}
    assert isinstance(org, uuid.UUID)
