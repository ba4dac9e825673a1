"""Duplicate requests (R-43, R-45): the same person asking the same right while their request for it is
open joins that request as a receipt, not a second case; the public answer reads the same either way, and
only the code sent to the address tells the person which request is in progress."""

import json
import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import db, dsr, keystore, mail
from lawful.config import Settings
from lawful.dsr.models import Receipt
from tests.conftest import Lawful, Mailbox
from tests.factories import bearer, make_api_key, make_notice, make_register
from tests.registers import people

NOW = "2026-03-05T10:00:00+01:00"
REFERENCE = re.compile(r"R-[A-Z2-9]{8}")


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def _ask(client: TestClient, email: str, kinds: list[str]) -> str:
    asked = client.post(
        "/rights",
        data={"email": email, "lang": "nl", "kinds": kinds},
        headers={"X-Lawful-Now": NOW},
        follow_redirects=False,
    )
    assert asked.status_code == 303
    return str(asked.headers["location"])


def _page(client: TestClient, location: str) -> str:
    """The page as a visitor reads it, its reference and link token (different for every request) blanked."""
    text = client.get(location, headers={"X-Lawful-Now": NOW}).text
    return REFERENCE.sub("R-XXXXXXXX", text).replace(location.split("/")[2].split("?")[0], "TOKEN")


def test_asking_twice_for_the_same_right_joins_the_open_request_and_reads_the_same_in_public(
    client: TestClient, db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    first = _ask(client, "An.Peeters@Example.test", ["access"])
    second = _ask(client, "an.peeters@example.test", ["access"])  # the same address, typed differently
    someone_else = _ask(client, "bert@example.test", ["access"])
    pages = [_page(client, first), _page(client, second), _page(client, someone_else)]
    mail.deliver_due(db, keys, settings)
    to_an = [m for m in smtp.wait_for(3) if m["To"] == "an.peeters@example.test"]
    request = dsr.get(db, request_id=dsr.request_from_token(keys, first.split("/")[2].split("?")[0]))
    joined_mail = to_an[-1].get_content()
    code = re.search(r"\b(\d{6})\b", joined_mail)
    assert code is not None
    confirmed = client.post(
        second.split("?")[0] + "/code",
        data={"code": code.group(1)},
        headers={"X-Lawful-Now": NOW},
        follow_redirects=False,
    )
    after = client.get(second, headers={"X-Lawful-Now": NOW}).text
    cases = db.scalar(select(func.count()).select_from(dsr.Request).where(dsr.Request.organisation_id == org))
    receipts = db.scalars(select(Receipt)).all()

    assert pages[0] == pages[1] == pages[2]  # nothing tells a visitor that a request was joined
    assert "an.peeters" not in second and "uiterlijk op 7 april 2026" in pages[1]
    assert cases == 2  # An's request and Bert's: An's second request is no second case
    assert [r.request_id for r in receipts] == [request.id]
    assert request.reference in joined_mail and "7 april 2026" in joined_mail  # told to the address only
    assert confirmed.status_code == 303 and "error" not in confirmed.headers["location"]
    assert request.reference in after and "al een verzoek in behandeling" in after and "7 april 2026" in after
    assert 'name="code"' not in after


def test_another_right_or_a_closed_request_opens_a_new_case(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    _ask(client, "cas@example.test", ["access"])
    _ask(client, "cas@example.test", ["erasure"])  # another right: its own case
    _ask(client, "cas@example.test", ["access", "portability"])  # asks more than the open request

    cases = db.scalar(select(func.count()).select_from(dsr.Request).where(dsr.Request.organisation_id == org))

    assert cases == 3 and db.scalars(select(Receipt)).all() == []


def test_a_wrong_code_on_a_joined_receipt_is_refused_like_a_requests(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    _ask(client, "dee@example.test", ["erasure"])
    second = _ask(client, "dee@example.test", ["erasure"])

    wrong = client.post(
        second.split("?")[0] + "/code",
        data={"code": "000000"},
        headers={"X-Lawful-Now": NOW},
        follow_redirects=False,
    )
    page = client.get(wrong.headers["location"], headers={"X-Lawful-Now": NOW}).text

    assert wrong.status_code == 303 and "error=code" in wrong.headers["location"]
    assert 'name="code"' in page and "al een verzoek in behandeling" not in page


def _register(client: TestClient, token: str, email: str, kinds: list[str]) -> tuple[int, dict[str, object]]:
    answer = client.post(
        "/api/dsr",
        json={"kinds": kinds, "email": email, "channel": "email", "language": "fr"},
        headers={**bearer(token), "X-Lawful-Now": NOW},
    )
    return answer.status_code, answer.json()


def test_staff_registering_the_same_request_again_join_it_and_are_told_which(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    """A person who wrote, then phoned about the same access request: staff register both, one case."""
    token = make_api_key(db, org, ["dsr:read", "dsr:write"])

    first_status, first = _register(client, token, "Dup@Example.test", ["access"])
    again_status, again = _register(client, token, "dup@example.test ", ["access"])
    other_status, other = _register(client, token, "dup@example.test", ["erasure"])

    assert (first_status, again_status, other_status) == (201, 200, 201)
    assert again["id"] == first["id"] and REFERENCE.fullmatch(str(again["joined"]))
    assert first["joined"] is None and other["id"] != first["id"]
    receipts = db.scalars(select(Receipt).where(Receipt.request_id == uuid.UUID(str(first["id"])))).all()
    assert [(r.reference, r.confirmed_at is not None) for r in receipts] == [(again["joined"], True)]
    assert db.scalar(select(func.count()).select_from(dsr.Request)) == 2


def test_the_cli_joins_a_request_registered_twice(lawful: Lawful, fresh_url: str) -> None:
    with db.open_session(fresh_url) as session:
        make_register(session, people())
        session.commit()

    add = ("dsr", "add", "twice@example.test", "--types", "access", "--channel", "phone", "--json")
    first = json.loads(lawful(*add).stdout)
    second = json.loads(lawful(*add).stdout)

    assert second["id"] == first["id"] and "joined" not in first
    assert REFERENCE.fullmatch(second["joined"]) and second["joined"] != first["reference"]
