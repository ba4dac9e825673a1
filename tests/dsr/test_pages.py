"""The privacy center over HTTP: ask without login, confirm with the emailed code, follow, download."""

import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import dsr, keystore, mail
from lawful.actor import SYSTEM
from lawful.config import Settings
from tests.conftest import Mailbox
from tests.factories import make_notice, make_person, make_register, run_steps
from tests.registers import people


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def test_the_form_is_in_the_visitors_language_and_needs_no_login(client: TestClient, org: uuid.UUID) -> None:
    page = client.get("/rights?lang=nl")

    assert page.status_code == 200 and "Een kopie van mijn gegevens" in page.text
    assert "set-cookie" not in page.headers


def test_a_request_is_confirmed_by_the_code_and_answered(
    client: TestClient, db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    make_person(db, keys, org, email="me@example.test")

    asked = client.post(
        "/rights",
        data={"email": "me@example.test", "lang": "fr", "kinds": ["access"]},
        follow_redirects=False,
    )
    status_url = asked.headers["location"]
    mail.deliver_due(db, keys, settings)
    code = re.search(r"\b(\d{6})\b", smtp.wait_for(1)[0].get_content())
    assert code is not None
    confirmed = client.post(
        status_url.split("?")[0] + "/code", data={"code": code.group(1)}, follow_redirects=False
    )
    request = dsr.get(db, request_id=dsr.request_from_token(keys, status_url.split("/")[2].split("?")[0]))
    run_steps(db, SYSTEM, keys, request, base_url="")
    page = client.get(status_url)
    answer = client.get(f"/rights/{dsr.steps.download_token(keys, request.id)}/answer")

    assert "me@example" not in status_url and confirmed.status_code == 303
    assert 'data-status="completed"' in page.text
    assert answer.status_code == 200 and "access.json" in answer.text


def test_an_unknown_request_type_is_refused(client: TestClient, org: uuid.UUID) -> None:
    response = client.post("/rights", data={"email": "me@example.test", "lang": "fr", "kinds": ["telepathy"]})

    assert response.status_code == 422


def test_a_forged_status_link_is_404(client: TestClient, org: uuid.UUID) -> None:
    assert client.get("/rights/forged-token").status_code == 404
    assert client.get("/rights/forged-token/answer").status_code == 404
