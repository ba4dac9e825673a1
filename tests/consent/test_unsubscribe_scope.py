"""What an unsubscribe covers, seen from outside (R-36, R-22): the link in the mail and RFC 8058's one-click
POST stop all direct marketing; the mail's second link and the preference page narrow it to one newsletter.
"""

import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, consent, keystore, mail, marketing, processing
from lawful.actor import Actor
from lawful.config import Settings
from tests.conftest import Mailbox
from tests.factories import make_register
from tests.marketing import world

BASE = "https://acme.example.test"


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, world.register()).organisation_id


def _campaign(db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, key: str, purpose: str) -> None:
    marketing.send_campaign(
        db,
        actor,
        keys,
        organisation_id=org,
        purpose=purpose,
        campaign=key,
        subject_line=key,
        text="Our news. {unsubscribe_url}",
        base_url=BASE,
    )


def _received(db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox) -> list[str]:
    """Deliver what is due; the subjects of the messages the SMTP server received."""
    mail.deliver_due(db, keys, settings)
    return sorted(str(m["Subject"]) for m in smtp.wait_for(10, seconds=0.5))


def world_register(db: Session, org: uuid.UUID) -> processing.Register:
    return processing.current_register(db, organisation_id=org)[1]


def _links(message_text: str) -> list[str]:
    """The mail's links back to us, each once, in order: unsubscribe, this newsletter only, every choice."""
    found = [u.removeprefix(BASE) for u in re.findall(rf"{re.escape(BASE)}/u/[^\s]+", message_text)]
    return list(dict.fromkeys(found))


def test_the_link_in_a_newsletter_stops_every_marketing_purpose_and_says_so(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    actor: Actor,
) -> None:
    person = world.subscriber(db, keys, actor, org, "all@example.test")
    _campaign(db, actor, keys, org, "first", "newsletter")
    _received(db, keys, settings, smtp)
    [message] = smtp.messages
    default, narrowed, preferences = _links(message.get_content())

    page = client.get(default + "?lang=fr")
    _campaign(db, actor, keys, org, "products", "product_news")
    _campaign(db, actor, keys, org, "news", "newsletter")

    assert page.status_code == 200 and "plus aucune prospection" in page.text
    assert "/u/preferences/" in preferences and narrowed != default
    assert _received(db, keys, settings, smtp) == ["first"]  # nothing after the click
    assert world.states(db, org, person) == {
        "newsletter": "withdrawn",
        "product_news": "withdrawn",
        "talent_pool": "given",
        "contest": "given",
    }
    scopes = db.scalars(select(consent.Suppression.scope)).all()
    assert scopes == [consent.ALL_MARKETING]


def test_the_one_click_post_of_the_list_unsubscribe_header_stops_all_marketing(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    actor: Actor,
) -> None:
    person = world.subscriber(db, keys, actor, org, "rfc8058@example.test")
    _campaign(db, actor, keys, org, "first", "product_news")
    _received(db, keys, settings, smtp)
    [message] = smtp.messages
    header = str(message["List-Unsubscribe"]).strip("<>").removeprefix(BASE)

    answer = client.post(
        header,
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    _campaign(db, actor, keys, org, "news", "newsletter")

    assert str(message["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    assert (answer.status_code, answer.text) == (200, "unsubscribed")
    assert _received(db, keys, settings, smtp) == ["first"]
    assert world.states(db, org, person)["newsletter"] == "withdrawn"
    assert world.states(db, org, person)["talent_pool"] == "given"


def test_the_narrowed_link_of_the_mail_stops_only_its_newsletter(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    actor: Actor,
) -> None:
    person = world.subscriber(db, keys, actor, org, "one@example.test")
    _campaign(db, actor, keys, org, "first", "newsletter")
    _received(db, keys, settings, smtp)
    _, narrowed, _ = _links(smtp.messages[0].get_content())

    page = client.get(narrowed + "?lang=nl")
    _campaign(db, actor, keys, org, "products", "product_news")
    _campaign(db, actor, keys, org, "news", "newsletter")

    assert page.status_code == 200 and "Uw andere keuzes zijn niet gewijzigd" in page.text
    assert _received(db, keys, settings, smtp) == ["first", "products"]
    assert world.states(db, org, person) == {
        "newsletter": "withdrawn",
        "product_news": "given",
        "talent_pool": "given",
        "contest": "given",
    }


def test_giving_one_newsletter_back_on_the_preference_page_keeps_the_others_stopped(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    actor: Actor,
) -> None:
    person = world.subscriber(db, keys, actor, org, "back@example.test")
    client.get(f"/u/{consent.optin.unsubscribe_token(keys, person, 'newsletter')}")
    url = f"/u/preferences/{consent.preferences.token(keys, person)}"
    before = client.get(url).text

    back = client.post(url, data={"action": "give", "purpose": "product_news"}, follow_redirects=False)
    _campaign(db, actor, keys, org, "products", "product_news")
    _campaign(db, actor, keys, org, "news", "newsletter")

    assert before.count("Give my consent") == 2  # both newsletters listed as withdrawn
    assert back.status_code == 303
    assert _received(db, keys, settings, smtp) == ["products"]
    others = consent.withdrawals.marketing_purposes(world_register(db, org)) - {"product_news"}
    assert set(db.scalars(select(consent.Suppression.scope))) == others and "newsletter" in others
    assert audit.latest(db, action="consent.exclusion_narrowed") is not None
