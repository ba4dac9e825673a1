"""Double opt-in: the person confirms the text they were shown; a text changed in between is asked again
(R-20, R-21). Mail through a real SMTP server on loopback, pages through the app."""

import hashlib
import html
import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import consent, keystore, mail
from lawful.config import Settings
from lawful.subjects import Subject
from tests.conftest import Mailbox
from tests.factories import make_notice, make_register
from tests.registers import label, people


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def _reword(db: Session, name: str) -> None:
    """A new register version where the newsletter is called `name`: the consent text changes."""
    document = people()
    for activity in document["activities"]:
        if activity["key"] == "newsletter":
            activity["name"] = label(name)
    make_register(db, document)


def _signed_up(
    client: TestClient, db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox
) -> str:
    answer = client.post(
        "/api/newsletters/newsletter/subscriptions", json={"email": "t@example.test", "language": "en"}
    )
    assert answer.status_code == 202
    mail.deliver_due(db, keys, settings)
    [message] = smtp.wait_for(1)
    found = re.search(r"https?://\S+/u/confirm/\S+", message.get_content())
    assert found is not None
    return found.group(0).removeprefix(settings.base_url)


def _shown(page: str) -> tuple[str, str]:
    """The consent text the page shows and the hash its button posts back."""
    text = re.search(r'<p class="consent-text">([^<]+)</p>', page)
    digest = re.search(r'name="text_hash" value="([0-9a-f]{64})"', page)
    assert text is not None and digest is not None
    return html.unescape(text.group(1)), digest.group(1)


def _people(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(Subject)) or 0)


def test_confirming_the_unchanged_text_records_the_text_shown_at_sign_up(
    client: TestClient, db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    link = _signed_up(client, db, keys, settings, smtp)
    text, digest = _shown(client.get(link).text)

    done = client.post(link, data={"text_hash": digest})

    assert done.status_code == 200
    [event] = consent.history(db, subject_id=db.scalars(select(Subject.id)).one())
    assert event.text_hash == hashlib.sha256(text.encode()).hexdigest() == digest
    assert "Newsletter" in text


def test_a_text_changed_after_sign_up_is_shown_as_changed_and_confirming_records_the_new_one(
    client: TestClient, db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    link = _signed_up(client, db, keys, settings, smtp)
    _reword(db, "Partner deals")

    blind = client.post(link)  # a button without the page's hash: what they saw is the sign-up text
    page = client.get(link).text
    text, digest = _shown(page)
    done = client.post(link, data={"text_hash": digest})

    assert (
        blind.status_code == 409
        and "Partner deals" in blind.text
        and 'data-element="text_changed"' in blind.text
    )
    assert 'data-element="text_changed"' in page and "Partner deals" in text
    assert done.status_code == 200
    [event] = consent.history(db, subject_id=db.scalars(select(Subject.id)).one())
    assert event.text_hash == hashlib.sha256(text.encode()).hexdigest()


def test_a_text_changed_while_the_page_was_open_records_nothing_and_asks_again(
    client: TestClient, db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    link = _signed_up(client, db, keys, settings, smtp)
    _, seen = _shown(client.get(link).text)
    _reword(db, "Partner deals")

    stale = client.post(link, data={"text_hash": seen})

    assert stale.status_code == 409
    assert _people(db) == 0
    text, digest = _shown(stale.text)
    assert "Partner deals" in text and digest != seen
    assert client.post(link, data={"text_hash": digest}).status_code == 200
    assert _people(db) == 1
