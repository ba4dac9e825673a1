"""An organisation with the `people()` register whose HubSpot endpoint is a real HTTP server on loopback."""

import uuid

import pytest
from sqlalchemy.orm import Session

from tests.conftest import Receiver
from tests.connectors.conftest import chinook  # noqa: F401  (a real Chinook database, SQLite and PostgreSQL)
from tests.factories import make_register
from tests.registers import people


@pytest.fixture
def org(db: Session, receiver: Receiver) -> uuid.UUID:
    document = people()
    next(r for r in document["recipients"] if r["key"] == "hubspot")["endpoint"] = receiver.url
    return make_register(db, document).organisation_id
