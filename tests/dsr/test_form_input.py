"""The privacy center's form is checked against the register: a forged category or activity creates nothing."""

import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import dsr
from tests.factories import make_notice, make_register
from tests.registers import people


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


@pytest.mark.parametrize(
    ("form", "path"),
    [
        (
            {"kinds": ["rectification"], "field": "user.shoe_size", "value": "44"},
            "field",
        ),
        (
            {"kinds": ["objection"], "scope": "legitimate_interest", "activity": "mind_reading"},
            "activity",
        ),
    ],
)
def test_a_forged_category_or_activity_is_refused_naming_the_field_and_creates_nothing(
    client: TestClient, db: Session, org: uuid.UUID, form: dict[str, object], path: str
) -> None:
    before = db.scalar(select(func.count()).select_from(dsr.Request))

    refused = client.post("/rights", data={"email": "x@example.test", "lang": "fr"} | form)

    invalid = re.search(rf'<select id="{path}"[^>]*>', refused.text)  # the step again, the error by the field
    assert refused.status_code == 422 and invalid is not None and 'aria-invalid="true"' in invalid.group(0)
    assert f'id="e-{path}"' in refused.text and "mind_reading" not in refused.text
    assert db.scalar(select(func.count()).select_from(dsr.Request)) == before
