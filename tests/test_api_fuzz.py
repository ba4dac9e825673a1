"""Generated requests against every operation of /openapi.json: bad input is a 4xx, never a 500."""

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from pydantic import SecretStr
from sqlalchemy.orm import Session

from lawful import staff
from lawful.app import create_app
from lawful.config import Settings
from lawful.db import upgrade_to_head
from tests.conftest import MASTER_KEY
from tests.factories import bearer, make_api_key, make_notice, make_register
from tests.registers import people

# The app only describes its API at import time, so it has a database of its own, migrated by the fixture
# (it answers through its own sessions, as in production). Its key store goes to a directory of its own:
# the default ./lawful-data is the demo's, and a key store left there under the tests' master key made
# `scripts/demo` fail after a test run in the same checkout.
FUZZ_DIR = Path(tempfile.mkdtemp(prefix="lawful-fuzz-"))
app = create_app(
    Settings(
        database_url=f"sqlite:///{FUZZ_DIR / 'fuzz.db'}",
        data_dir=FUZZ_DIR,
        master_key=SecretStr(MASTER_KEY),
        test_mode=True,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
SCOPES = sorted(staff.PERMISSIONS)  # every operation reached past its permission check


@pytest.fixture(scope="module")
def token() -> str:
    engine = app.state.engine
    upgrade_to_head(engine)
    with Session(engine) as db:
        org = make_register(db, people()).organisation_id
        make_notice(db, org)
        made = make_api_key(db, org, SCOPES)
        db.commit()
    return made


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_causes_a_server_error(case: schemathesis.Case[Any], token: str) -> None:
    response = case.call(headers=bearer(token))

    assert response.status_code < 500, f"{case.method} {case.formatted_path} -> {response.status_code}"
