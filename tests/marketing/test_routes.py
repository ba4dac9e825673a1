"""The API of audience uploads and call lists: 201s, and 4xx naming the field when refused."""

import uuid

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import keystore
from lawful.actor import Actor
from tests.conftest import Receiver
from tests.factories import bearer, make_api_key, make_person, make_register
from tests.marketing.documents import give, phoning, social

SEND = ["marketing:send"]


def test_an_audience_upload_through_the_api_reaches_the_platform(
    client: TestClient, db: Session, keys: keystore.Keys, actor: Actor, receiver: Receiver
) -> None:
    org = make_register(db, social(receiver.url)).organisation_id
    give(db, actor, org, make_person(db, keys, org).subject.id, "social_audiences")

    response = client.post(
        "/api/audiences/uploads",
        json={"purpose": "social_audiences", "recipient": "meta"},
        headers=bearer(make_api_key(db, org, SEND)),
    )

    assert response.status_code == 201, response.text
    assert (response.json()["people"], response.json()["recipient_type"]) == (1, "joint_controller")
    assert len(receiver.received) == 1


def test_a_disabled_upload_is_a_409_naming_the_recipient(
    client: TestClient, db: Session, receiver: Receiver
) -> None:
    org = make_register(db, social(receiver.url, enabled=False)).organisation_id

    response = client.post(
        "/api/audiences/uploads",
        json={"purpose": "social_audiences", "recipient": "meta"},
        headers=bearer(make_api_key(db, org, SEND)),
    )

    assert response.status_code == 409
    assert response.json()["error"] == "audience_upload_disabled"
    assert response.json()["detail"].startswith("recipient: ")


def test_an_upload_for_an_unknown_purpose_is_a_404(client: TestClient, db: Session) -> None:
    org = make_register(db, social("http://127.0.0.1:9/x")).organisation_id

    response = client.post(
        "/api/audiences/uploads",
        json={"purpose": "nope", "recipient": "meta"},
        headers=bearer(make_api_key(db, org, SEND)),
    )

    assert response.status_code == 404 and "nope" in response.json()["detail"]


def _phone_org(db: Session) -> tuple[uuid.UUID, dict[str, str]]:
    org = make_register(db, phoning()).organisation_id
    return org, bearer(make_api_key(db, org, SEND))


def test_import_then_call_list_through_the_api(client: TestClient, db: Session, keys: keystore.Keys) -> None:
    org, headers = _phone_org(db)
    make_person(db, keys, org, values={"user.contact.phone_number": "+32470000001"})
    make_person(db, keys, org, values={"user.contact.phone_number": "+32470000002"})

    imported = client.post(
        "/api/phone/dncm-imports", json={"source": "dncm.txt", "content": "0470000001\n"}, headers=headers
    )
    listed = client.post("/api/phone/call-lists", json={"purpose": "phone_prospecting"}, headers=headers)

    assert imported.status_code == 201 and imported.json()["numbers"] == 1
    assert listed.status_code == 201, listed.text
    assert [c["number"] for c in listed.json()["calls"]] == ["+32470000002"]
    assert listed.json()["excluded"] == {"do_not_call_me": 1} and listed.json()["dncm_stale"] is False


def test_a_malformed_register_file_is_a_422_naming_the_row(client: TestClient, db: Session) -> None:
    _, headers = _phone_org(db)

    response = client.post(
        "/api/phone/dncm-imports", json={"source": "x.csv", "content": "+32470000001\n12\n"}, headers=headers
    )

    assert response.status_code == 422
    assert (response.json()["error"], response.json()["detail"][:6]) == ("dncm_file_invalid", "row 2:")


def test_a_call_list_when_phone_marketing_is_disabled_is_a_409(client: TestClient, db: Session) -> None:
    org = make_register(db, phoning(enabled=False)).organisation_id

    response = client.post(
        "/api/phone/call-lists",
        json={"purpose": "phone_prospecting"},
        headers=bearer(make_api_key(db, org, SEND)),
    )

    assert response.status_code == 409 and response.json()["error"] == "phone_marketing_disabled"
