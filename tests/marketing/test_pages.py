"""The console's audience builder offers the upload to an enabled social network (R-40)."""

from datetime import datetime

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import keystore, staff
from lawful.actor import Actor
from tests.conftest import Receiver
from tests.factories import PASSWORD, make_person, make_register, make_staff
from tests.marketing.documents import give, social

NOW = "2026-03-02T10:00:00+00:00"
HEADERS = {"X-Lawful-Now": NOW}


def test_the_audience_builder_uploads_consenters_to_the_platform_and_says_so(
    client: TestClient, db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    org = make_register(db, social(receiver.url)).organisation_id
    give(db, actor, org, make_person(db, keys, org).subject.id, "social_audiences")
    created = make_staff(db, keys, org, [staff.Role.MARKETING])
    code = pyotp.TOTP(created.totp_secret).at(datetime.fromisoformat(NOW))
    client.post(
        "/console/login",
        data={"email": created.user.email, "password": PASSWORD, "code": code},
        headers=HEADERS,
    )

    builder = client.get("/console/audiences?purpose=social_audiences", headers=HEADERS)
    done = client.post(
        "/console/audiences/uploads",
        data={"purpose": "social_audiences", "recipient": "meta"},
        headers=HEADERS,
    )

    assert builder.status_code == 200 and 'value="meta"' in builder.text
    assert done.status_code == 200 and "1 people sent to meta (HTTP 204)" in done.text
    assert len(receiver.received) == 1
