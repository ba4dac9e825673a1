"""The banner's configuration and its choices as proof (R-25..R-29), over HTTP."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, notices
from lawful.consent import ConsentEvent, CookieChoice, banner
from tests.factories import make_notice
from tests.registers import example

CRMS = example("crms")


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    from lawful import processing
    from lawful.actor import Actor, ActorKind

    version, _ = processing.apply(db, Actor(ActorKind.CLI, label="cli:test"), text=CRMS, source="crms")
    make_notice(db, version.organisation_id, notices.NoticeKind.COOKIES)
    return version.organisation_id


def _config(client: TestClient, lang: str = "fr") -> dict[str, Any]:
    response = client.get(f"/api/banner/config?lang={lang}")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def _choose(client: TestClient, config: dict[str, Any], **choices: bool) -> dict[str, Any]:
    response = client.post(
        "/api/banner/consents",
        json={"choices": choices, "language": config["language"], "version": config["version"]},
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


@pytest.mark.parametrize(
    ("lang", "accept"), [("fr", "Tout accepter"), ("nl", "Alles aanvaarden"), ("en", "Accept all")]
)
def test_the_banner_speaks_the_visitors_language(
    client: TestClient, org: uuid.UUID, lang: str, accept: str
) -> None:
    config = _config(client, lang)

    assert (config["language"], config["texts"]["accept_all"]) == (lang, accept)
    assert config["texts"]["refuse_all"] and config["texts"]["manage"]


def test_categories_come_from_the_tracker_inventory(client: TestClient, org: uuid.UUID) -> None:
    config = _config(client, "en")

    keys = [(c["key"], c["required"]) for c in config["categories"]]
    analytics = next(c for c in config["categories"] if c["key"] == "analytics")
    assert keys[0] == ("strictly_necessary", True) and ("analytics", False) in keys
    assert any(t["name"].startswith("_ga") for t in analytics["trackers"])


def test_refusing_takes_one_request_and_is_recorded_with_proof(
    client: TestClient, org: uuid.UUID, db: Session
) -> None:
    config = _config(client)

    result = _choose(client, config, analytics=False)

    row = db.scalars(select(CookieChoice).where(CookieChoice.consent_id == result["consent_id"])).one()
    assert result["choices"] == {"analytics": False, "social_media": False}  # what was not chosen is refused
    assert (row.version, row.language, row.notice_number, len(row.text_hash)) == (
        config["version"],
        "fr",
        1,
        64,
    )
    assert audit.latest(db, action="consent.cookie_choice") is not None


def test_withdrawing_keeps_the_grant_and_appends_a_withdrawal(
    client: TestClient, org: uuid.UUID, db: Session
) -> None:
    config = _config(client)
    first = _choose(client, config, analytics=True)

    client.post(
        "/api/banner/consents",
        json={
            "consent_id": first["consent_id"],
            "choices": {"analytics": False},
            "language": "fr",
            "version": config["version"],
        },
    )

    kinds = db.scalars(
        select(ConsentEvent.kind)
        .where(ConsentEvent.consent_id == first["consent_id"], ConsentEvent.purpose == "cookies:analytics")
        .order_by(ConsentEvent.occurred_at)
    ).all()
    proof = client.get(f"/api/banner/consents/{first['consent_id']}").json()
    assert kinds == ["given", "withdrawn"]
    assert [p["choices"]["analytics"] for p in proof] == [True, False]


@pytest.mark.parametrize(
    ("client_address", "kept"),
    [("203.0.113.57", "203.0.113.0/24"), ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"), ("testclient", None)],
)
def test_only_the_network_of_the_address_is_kept(client_address: str, kept: str | None) -> None:
    assert banner.network_of(client_address) == kept


def test_global_privacy_control_refuses_sale_and_sharing_categories(
    client: TestClient, org: uuid.UUID
) -> None:
    config = _config(client)
    everything = {c["key"]: True for c in config["categories"] if not c["required"]}

    response = client.post(
        "/api/banner/consents",
        headers={"Sec-GPC": "1"},
        json={"choices": everything, "language": "fr", "version": config["version"]},
    )

    choices = response.json()["choices"]
    assert all(choices[k] is False for k in config["gpc_refuses"] if k in choices)
    assert choices.get("analytics") is True


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"choices": {"analytics": "yes"}, "language": "fr", "version": "x"}, "choices.analytics"),
        ({"choices": {}, "language": "fr", "version": "x", "tracking": True}, "tracking"),
        ({"choices": {}, "language": "de", "version": "x"}, "language"),
        ({"consent_id": "not-hex", "choices": {}, "language": "fr", "version": "x"}, "consent_id"),
    ],
)
def test_a_malformed_choice_is_422_and_writes_nothing(
    client: TestClient, org: uuid.UUID, db: Session, body: dict[str, Any], path: str
) -> None:
    response = client.post("/api/banner/consents", json=body)

    assert response.status_code == 422 and path in [p["path"] for p in response.json()["problems"]]
    assert db.scalars(select(CookieChoice)).all() == []


def test_an_unknown_category_is_422_naming_it(client: TestClient, org: uuid.UUID, db: Session) -> None:
    response = client.post(
        "/api/banner/consents", json={"choices": {"telepathy": True}, "language": "fr", "version": "x"}
    )

    assert response.status_code == 422 and response.json()["problems"][0]["path"] == "choices.telepathy"
    assert db.scalars(select(ConsentEvent)).all() == []


def test_ledger_events_cannot_be_changed_over_http(client: TestClient, org: uuid.UUID) -> None:
    result = _choose(client, _config(client), analytics=True)

    assert client.delete(f"/api/banner/consents/{result['consent_id']}").status_code == 405
    assert client.put(f"/api/banner/consents/{result['consent_id']}", json={}).status_code == 405
