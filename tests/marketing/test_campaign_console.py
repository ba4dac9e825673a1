"""The console does on campaigns what the API and the CLI do: queue, show who was left out and why, cancel;
a person's record links to the campaigns that reached them."""

import json
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import consent, keystore, staff
from lawful.actor import Actor
from tests.conftest import Lawful
from tests.factories import bearer, log_in, make_api_key, make_register
from tests.marketing import world
from tests.registers import as_yaml

NOW = "2026-12-07T10:00:00+01:00"


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, world.register()).organisation_id


def test_a_campaign_queued_in_the_console_shows_its_exclusions_and_can_be_cancelled(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    stays = world.subscriber(db, keys, actor, org, "stays@example.test")
    leaves = world.subscriber(db, keys, actor, org, "leaves@example.test")
    log_in(client, db, keys, org, staff.Role.MARKETING, now=NOW)
    form = {"purpose": "newsletter", "key": "spring", "subject": "Spring", "text": "Hi {unsubscribe_url}"}

    queued = client.post("/console/campaigns", data=form, headers={"X-Lawful-Now": NOW})
    consent.optin.unsubscribe(
        db, actor, keys, token=consent.optin.unsubscribe_token(keys, leaves, "newsletter")
    )
    db.commit()
    cancelled = client.post("/console/campaigns/spring/cancel", headers={"X-Lawful-Now": NOW})
    person = client.get(f"/console/campaigns/people/{stays}", headers={"X-Lawful-Now": NOW})

    assert queued.status_code == cancelled.status_code == 200  # followed to the campaign's page
    assert "unsubscribed: 1" in cancelled.text and "campaign_cancelled: 1" in cancelled.text
    assert "spring" in person.text and "cancelled (campaign_cancelled)" in person.text


def test_the_api_lists_shows_and_cancels_campaigns_as_the_console_does(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    person = world.subscriber(db, keys, actor, org, "api@example.test")
    token = make_api_key(db, org, ["marketing:send", "subjects:read"])
    body = {"purpose": "newsletter", "campaign": "api-1", "subject": "News", "text": "{unsubscribe_url}"}

    first = client.post("/api/campaigns", json=body, headers=bearer(token))
    again = client.post("/api/campaigns", json=body, headers=bearer(token))
    listed = client.get("/api/campaigns", headers=bearer(token))
    cancelled = client.post("/api/campaigns/api-1/cancel", headers=bearer(token))
    shown = client.get("/api/campaigns/api-1", headers=bearer(token))
    sends = client.get(f"/api/subjects/{person}/campaigns", headers=bearer(token))
    missing = client.get("/api/campaigns/nope", headers=bearer(token))

    assert first.status_code == 202 and first.json()["queued"] == 1
    assert again.status_code == 409 and again.json()["error"] == "campaign_exists"
    assert [c["key"] for c in listed.json()] == ["api-1"]
    assert cancelled.json()["outcomes"] == {"cancelled": 1} == shown.json()["outcomes"]
    assert [(s["campaign"], s["outcome"]) for s in sends.json()] == [("api-1", "cancelled")]
    assert missing.status_code == 404


def test_lawful_marketing_campaign_queues_lists_shows_and_cancels(lawful: Lawful, tmp_path: Path) -> None:
    lawful.apply_register(tmp_path, as_yaml(world.register()))
    text = tmp_path / "mail.txt"
    text.write_text("Our news. {unsubscribe_url}", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("no way out", encoding="utf-8")

    queued = lawful(
        "marketing",
        "campaign",
        "queue",
        "cli-1",
        "--purpose",
        "newsletter",
        "--subject",
        "News",
        "--text",
        str(text),
    )
    refused = lawful(
        "marketing",
        "campaign",
        "queue",
        "cli-2",
        "--purpose",
        "newsletter",
        "--subject",
        "News",
        "--text",
        str(bad),
    )
    listed = lawful("marketing", "campaign", "list", "--json")
    cancelled = lawful("marketing", "campaign", "cancel", "cli-1")
    shown = lawful("marketing", "campaign", "show", "cli-1", "--json")
    missing = lawful("marketing", "campaign", "show", "nope")

    assert queued.exit_code == 0 and "0 message(s) queued" in queued.output
    assert refused.exit_code != 0 and "unsubscribe_url" in refused.output
    assert [c["key"] for c in json.loads(listed.output)] == ["cli-1"]
    assert cancelled.exit_code == 0 and json.loads(shown.output)["cancelled_at"] is not None
    assert missing.exit_code != 0
