"""GET /api/connectors/retention/plan: the privacy officer's view of what leaves the datastores, and when."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.connectors.conftest import EMAIL, INVOICE, Chinook, count, dated
from tests.factories import bearer, make_api_key, make_register

URL = "/api/connectors/retention/plan"


@pytest.fixture
def officer(app: FastAPI, db: Session, chinook: Chinook) -> Iterator[dict[str, str]]:
    """A key with the plan's permission, in an organisation whose register maps Chinook."""
    served = app.state.settings
    app.state.settings = chinook.settings  # as a server started with LAWFUL_DATASTORES__CHINOOK
    dated(chinook, INVOICE, "2024-03-15 00:00:00")
    org = make_register(db, chinook.document).organisation_id
    yield bearer(make_api_key(db, org, ["retention:read"]))
    app.state.settings = served


@pytest.mark.parametrize(("day", "due"), [("2034-12-31", 249), ("2035-01-01", 332)])
def test_the_plan_counts_the_invoices_past_their_end_on_the_day_before_and_the_day_of(
    client: TestClient, chinook: Chinook, officer: dict[str, str], day: str, due: int
) -> None:
    response = client.get(URL, params={"now": day}, headers=officer)

    assert response.status_code == 200, response.text
    body = response.json()
    lines = {line["table"]: line for line in body["lines"]}
    invoice = lines[chinook.name("Invoice")]
    assert (body["today"], invoice["due"], invoice["held"], invoice["why_held"]) == (
        day,
        due,
        0,
        "legal_hold",
    )
    assert sum(invoice["months"].values()) == (332 - 249 if due == 249 else 0)
    assert count(chinook, "SELECT count(*) FROM {invoice}") == 412
    assert EMAIL not in response.text


@pytest.mark.parametrize("bad", ["2035-02-30", "tomorrow", "1999-12-31", "3000-01-01"])
def test_a_day_that_is_not_one_is_refused_naming_the_field(
    client: TestClient, officer: dict[str, str], bad: str
) -> None:
    response = client.get(URL, params={"now": bad}, headers=officer)

    assert response.status_code == 422
    assert "now" in response.text


def test_a_key_without_the_permission_is_refused(client: TestClient, db: Session, chinook: Chinook) -> None:
    org = make_register(db, chinook.document).organisation_id

    response = client.get(URL, headers=bearer(make_api_key(db, org, ["register:read", "personal_data:read"])))

    assert response.status_code == 403
