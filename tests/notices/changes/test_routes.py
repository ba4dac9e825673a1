"""Notice changes through the API and the public page: a material change published with a key mails the
people concerned in the same unit of work, is listed with its classification, and /privacy shows the
upcoming version with its date beside the one in force until that date (T-38)."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import clock, keystore, mail
from tests.factories import bearer, make_api_key, make_register

from .world import NOW, reworded, world


@pytest.fixture(autouse=True)
def _pinned_clock() -> object:
    with clock.pinned(NOW):
        yield


@pytest.fixture
def org(db: Session, keys: keystore.Keys) -> uuid.UUID:
    org, _ = world(db, keys)
    make_register(db, reworded())
    return org


def test_publishing_a_material_change_queues_its_mail_and_lists_it(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["notice:publish", "register:read"])

    created = client.post(
        "/api/notices/privacy/versions", json={"changelog": "loyalty"}, headers=bearer(token)
    )
    listed = client.get("/api/notices/changes", headers=bearer(token))
    again = client.post("/api/notices/changes/privacy/2/mail", headers=bearer(token))

    assert created.status_code == 201 and created.json()["effective_from"] == "2026-06-19"
    [change] = listed.json()
    assert (change["number"], change["material"], change["mailed"]) == (2, True, 4)
    assert change["concerned"] == {"everyone": False, "activities": ["customer_service"]}
    assert change["by_language"] == {"fr": 2, "nl": 1, "en": 1}
    assert again.status_code == 200 and again.json()["queued"] == 0
    queued = (
        select(func.count()).select_from(mail.OutboxMessage).where(mail.OutboxMessage.kind == "notice_change")
    )
    assert db.scalar(queued) == 4


def test_another_organisations_key_finds_no_change(client: TestClient, db: Session, org: uuid.UUID) -> None:
    mine = make_api_key(db, org, ["notice:publish", "register:read"])
    client.post("/api/notices/privacy/versions", json={"changelog": "loyalty"}, headers=bearer(mine))
    document = reworded()
    document["organisation"]["slug"] = "other"
    theirs = make_api_key(db, make_register(db, document).organisation_id, ["register:read"])

    assert client.get("/api/notices/changes/privacy/2", headers=bearer(theirs)).status_code == 404
    assert client.get("/api/notices/changes", headers=bearer(theirs)).json() == []


@pytest.mark.parametrize(
    ("day", "shown"), [(NOW.replace(month=6, day=18), "1"), (NOW.replace(month=6, day=19), "2")]
)
def test_privacy_shows_the_upcoming_version_beside_the_current_one_until_it_takes_effect(
    client: TestClient, db: Session, org: uuid.UUID, day: object, shown: str
) -> None:
    token = make_api_key(db, org, ["notice:publish"])
    client.post("/api/notices/privacy/versions", json={"changelog": "loyalty"}, headers=bearer(token))

    with clock.pinned(day):  # type: ignore[arg-type]
        page = client.get("/privacy?lang=nl").text

    assert f'data-version="{shown}"' in page
    if shown == "1":
        assert 'data-upcoming="2" data-effective="2026-06-19"' in page
        assert "Een nieuwe versie van deze verklaring (versie 2) geldt vanaf 19 juni 2026." in page
        assert 'href="/privacy/versions/2?lang=nl"' in page
    else:
        assert "data-upcoming" not in page
