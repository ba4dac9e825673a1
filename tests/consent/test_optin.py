"""Newsletter double opt-in and one-click unsubscribe, with mail through a real SMTP server on loopback."""

import re
import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import clock, consent, decisions, intake, keystore, mail, subjects
from lawful.actor import Actor
from lawful.config import Settings
from lawful.subjects import Subject
from tests.conftest import Mailbox
from tests.factories import make_notice, make_register
from tests.registers import people


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def _subscribe(client: TestClient, email: str = "Sub@Example.test", lang: str = "nl") -> None:
    response = client.post(
        "/api/newsletters/newsletter/subscriptions", json={"email": email, "language": lang}
    )
    assert (response.status_code, response.json()) == (202, {"status": "confirmation_sent"})


def _link(db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox) -> str:
    mail.deliver_due(db, keys, settings)
    [message] = smtp.wait_for(1)
    found = re.search(r"https?://\S+/u/confirm/\S+", message.get_content())
    assert found is not None
    return found.group(0).removeprefix(settings.base_url)


def _decide(db: Session, keys: keystore.Keys, org: uuid.UUID, email: str) -> decisions.Decision:
    subject_id = decisions.find_subject(
        db, keys, organisation_id=org, kind=subjects.IdentityKind.EMAIL, value=email
    )
    return decisions.decide(db, organisation_id=org, purpose="newsletter", subject_id=subject_id)


def test_nothing_is_kept_about_a_person_until_they_confirm(
    client: TestClient, db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    _subscribe(client)

    link = _link(db, keys, settings, smtp)

    assert smtp.messages[0]["Subject"].startswith("Gelieve uw inschrijving")
    assert db.scalar(select(func.count()).select_from(Subject)) == 0
    assert "/u/confirm/" in link and "example" not in link.lower()


def test_confirming_records_the_person_and_their_consent(
    client: TestClient, db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    _subscribe(client)

    page = client.post(_link(db, keys, settings, smtp))

    decision = _decide(db, keys, org, "sub@example.test")
    assert page.status_code == 200 and "bevestigd" in page.text
    assert decision.allow and decision.basis == "consent"
    subject = subjects.find_by_identity(
        db, keys, organisation_id=org, kind=subjects.IdentityKind.EMAIL, value="sub@example.test"
    )
    assert subject is not None
    [event] = consent.history(db, subject_id=subject.id)
    assert (event.kind, event.channel, event.language) == ("given", "double_opt_in", "nl")


def test_a_confirmation_link_expires_after_48_hours(
    client: TestClient, db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    _subscribe(client)
    link = _link(db, keys, settings, smtp)
    later = (clock.now() + timedelta(hours=48, minutes=1)).isoformat()

    shown = client.get(link, headers={"X-Lawful-Now": later})
    response = client.post(link, headers={"X-Lawful-Now": later})

    assert shown.status_code == response.status_code == 409
    assert db.scalar(select(func.count()).select_from(Subject)) == 0


def test_a_forged_link_is_404(client: TestClient, org: uuid.UUID) -> None:
    assert client.get("/u/confirm/forged.token").status_code == 404
    assert client.post("/u/confirm/forged.token").status_code == 404
    assert client.get("/u/eyJzIjoiMDAifQ.forged").status_code == 404


def _subscribed(
    client: TestClient, db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox
) -> Subject:
    _subscribe(client, "out@example.test", "fr")
    client.post(_link(db, keys, settings, smtp))
    found = db.scalars(select(Subject)).one()
    return found


def test_one_click_unsubscribes_at_once_and_keeps_the_proof_of_consent(
    client: TestClient, db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    subject = _subscribed(client, db, keys, settings, smtp)
    token = consent.optin.unsubscribe_token(keys, subject.id, "newsletter")

    page = client.get(f"/u/{token}")

    assert page.status_code == 200 and "désinscrit" in page.text
    # the newsletter's consent ends and its exclusion entry is written; no objection to all marketing
    assert _decide(db, keys, org, "out@example.test").reasons == (
        decisions.Reason.CONSENT_WITHDRAWN,
        decisions.Reason.SUPPRESSED,
    )
    assert [e.kind for e in consent.history(db, subject_id=subject.id)] == ["given", "withdrawn"]


def test_the_one_click_post_and_a_replayed_link_both_work(
    client: TestClient, db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    subject = _subscribed(client, db, keys, settings, smtp)
    token = consent.optin.unsubscribe_token(keys, subject.id, "newsletter")

    first = client.post(
        f"/u/{token}",
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    again = client.get(f"/u/{token}")

    assert (first.status_code, first.text, again.status_code) == (200, "unsubscribed", 200)
    assert [e.kind for e in consent.history(db, subject_id=subject.id)] == ["given", "withdrawn"]


def test_no_later_import_brings_an_unsubscribed_address_back(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    actor: Actor,
) -> None:
    subject = _subscribed(client, db, keys, settings, smtp)
    client.get(f"/u/{consent.optin.unsubscribe_token(keys, subject.id, 'newsletter')}")

    result = intake.import_csv(
        db,
        actor,
        keys,
        organisation_id=org,
        text="user.contact.email\n Out@Example.TEST \n",
        activity="request_followup",
        subject_category="prospect",
        source=subjects.Source.PARTNER,
        source_name="P",
    )

    assert (result.imported, result.suppressed) == (0, 1)


def test_a_bad_address_is_422_naming_the_field(client: TestClient, org: uuid.UUID) -> None:
    response = client.post(
        "/api/newsletters/newsletter/subscriptions", json={"email": "no", "language": "fr"}
    )

    assert response.status_code == 422


def test_a_purpose_that_is_not_consent_based_cannot_be_subscribed_to(
    client: TestClient, org: uuid.UUID
) -> None:
    response = client.post(
        "/api/newsletters/request_followup/subscriptions", json={"email": "a@example.test"}
    )

    assert response.status_code == 422 and response.json()["error"] == "not_consent_based"


def test_opening_the_link_only_asks_and_the_button_confirms(
    client: TestClient, db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    _subscribe(client, "scan@example.test", "nl")
    link = _link(db, keys, settings, smtp)

    shown = client.get(link, headers={"Accept-Language": "fr"})  # a mail scanner, or the person
    again = client.get(link)

    assert shown.status_code == again.status_code == 200
    assert '<html lang="nl">' in shown.text and f'<form method="post" action="{link}?lang=nl"' in shown.text
    assert "Mijn inschrijving bevestigen" in shown.text
    assert db.scalar(select(func.count()).select_from(Subject)) == 0
    assert _decide(db, keys, org, "scan@example.test").allow is False
    confirmed = client.post(f"{link}?lang=nl")
    assert confirmed.status_code == 200 and "bevestigd" in confirmed.text
    assert _decide(db, keys, org, "scan@example.test").allow is True
    assert client.post(link).status_code == 409  # the button pressed twice confirms once
