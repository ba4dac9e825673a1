"""One purpose at a time: the preference page, staff-recorded withdrawals (API, CLI, console) (R-22, R-36)."""

import hashlib
import html
import re
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import consent, keystore, staff
from lawful.actor import Actor
from tests.conftest import Lawful
from tests.factories import bearer, log_in, make_api_key, make_person, make_register
from tests.marketing import world
from tests.registers import as_yaml

NOW = "2026-12-07T10:00:00+01:00"


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, world.register()).organisation_id


def _page(client: TestClient, keys: keystore.Keys, subject_id: uuid.UUID, lang: str = "") -> tuple[str, str]:
    url = f"/u/preferences/{consent.preferences.token(keys, subject_id)}"
    return url, client.get(url + (f"?lang={lang}" if lang else "")).text


def test_the_preference_page_lists_each_consent_and_reading_it_changes_nothing(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    person = world.subscriber(db, keys, actor, org, "prefs@example.test")
    _, page = _page(client, keys, person)
    _, again = _page(client, keys, person, lang="nl")

    assert {"Newsletter", "Product news", "Talent pool", "Contests"} <= set(
        re.findall(r"<h2>([^<]+)</h2>", page)
    )
    assert "Mijn toestemming intrekken" in again and "Withdraw my consent" in page
    assert set(world.states(db, org, person).values()) == {"given"}


def test_withdrawing_one_purpose_on_the_page_keeps_the_others_and_giving_records_the_text_shown(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    person = world.subscriber(db, keys, actor, org, "chooser@example.test")
    url, _ = _page(client, keys, person)

    out = client.post(
        url, data={"action": "withdraw", "purpose": "talent_pool", "lang": "fr"}, follow_redirects=False
    )
    page = client.get(out.headers["location"]).text
    shown = re.search(r'data-purpose="talent_pool">.*?<p class="consent-text">([^<]+)</p>', page, re.S)
    back = client.post(
        url, data={"action": "give", "purpose": "talent_pool", "lang": "fr"}, follow_redirects=False
    )

    assert out.status_code == back.status_code == 303 and "Votre choix est enregistré" in page
    assert shown is not None
    assert world.states(db, org, person) == {
        "newsletter": "given",
        "product_news": "given",
        "talent_pool": "given",
        "contest": "given",
    }
    events = [e for e in consent.history(db, subject_id=person) if e.purpose == "talent_pool"]
    assert [e.kind for e in events] == ["given", "withdrawn", "given"]
    assert events[-1].text_hash == hashlib.sha256(html.unescape(shown.group(1)).encode()).hexdigest()
    assert (events[-1].language, events[-1].element) == ("fr", "preferences:give")


def test_the_page_refuses_a_forged_link_and_a_purpose_never_consented(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    person = make_person(db, keys, org, email="never@example.test").subject
    world.give(db, actor, org, person.id, "newsletter")
    url, _ = _page(client, keys, person.id)

    forged = client.get("/u/preferences/not-a-token")
    other = client.post(url, data={"action": "give", "purpose": "talent_pool"})

    assert forged.status_code == 404 and other.status_code == 422
    assert world.states(db, org, person.id)["talent_pool"] == "None"


def test_staff_record_a_withdrawal_by_phone_for_one_purpose_through_the_api(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    person = world.subscriber(db, keys, actor, org, "caller@example.test")
    token = make_api_key(db, org, ["subjects:write"])
    url = f"/api/subjects/{person}/consents/withdrawals"

    done = client.post(url, json={"purpose": "product_news", "channel": "phone"}, headers=bearer(token))
    twice = client.post(url, json={"purpose": "product_news", "channel": "phone"}, headers=bearer(token))
    bad = client.post(url, json={"purpose": "product_news", "channel": "pigeon"}, headers=bearer(token))

    assert done.status_code == 201 and done.json()["withdrawn"] is True
    assert twice.status_code == 422 and twice.json()["error"] == "consent_not_given"
    assert bad.status_code == 422 and "channel" in bad.text
    assert world.states(db, org, person)["product_news"] == "withdrawn"
    assert world.states(db, org, person)["newsletter"] == "given"
    [event] = [e for e in consent.history(db, subject_id=person) if e.kind == "withdrawn"]
    assert (event.channel, event.element) == ("phone", "staff:withdrawal")


def test_staff_record_a_withdrawal_in_the_console(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    person = world.subscriber(db, keys, actor, org, "desk@example.test")
    log_in(client, db, keys, org, staff.Role.SUPPORT, now=NOW)

    done = client.post(
        "/console/consent/withdrawals",
        data={"subject_id": str(person), "purpose": "contest", "channel": "letter"},
        headers={"X-Lawful-Now": NOW},
        follow_redirects=False,
    )

    assert done.status_code == 303
    assert world.states(db, org, person)["contest"] == "withdrawn"
    assert world.states(db, org, person)["talent_pool"] == "given"


def test_lawful_consent_withdraw_ends_one_purpose(
    lawful: Lawful, tmp_path: Path, fresh_url: str, keys: keystore.Keys
) -> None:
    lawful.apply_register(tmp_path, as_yaml(world.register()))
    added = lawful(
        "subjects",
        "add",
        "--category",
        "prospect",
        "--activity",
        "request_followup",
        "--email",
        "cli@example.test",
        "--channel",
        "phone",
    )
    assert added.exit_code == 0, added.output
    subject_id = re.search(r"[0-9a-f]{8}-[0-9a-f-]{27}", added.output)
    assert subject_id is not None

    refused = lawful(
        "consent",
        "withdraw",
        "--subject",
        subject_id.group(0),
        "--purpose",
        "newsletter",
        "--channel",
        "phone",
    )
    bad = lawful(
        "consent", "withdraw", "--subject", subject_id.group(0), "--purpose", "newsletter", "--channel", "fax"
    )

    assert refused.exit_code != 0 and "no consent in force" in refused.output
    assert bad.exit_code == 2
