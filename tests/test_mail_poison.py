"""One poisoned message fails alone: the rest of the batch and later mail still go out (real SMTP)."""

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lawful import audit, clock, keystore, mail
from lawful.config import Settings
from tests.conftest import Mailbox
from tests.factories import bearer, make_api_key, make_register
from tests.registers import people

POISON = "Hello\r\nBcc: everyone@example.test"


def _insert(db: Session, keys: keystore.Keys, org: uuid.UUID, to: str, subject: str = "Hello") -> uuid.UUID:
    """Straight into the outbox table, as a bug or an older version could have queued it."""
    row = mail.outbox_row(
        db,
        keys,
        mail.Mail(to=to, subject=subject, text="Body"),
        kind="dsr_reminder",
        category="service",
        organisation_id=org,
    )
    db.execute(insert(mail.OutboxMessage), row)
    return uuid.UUID(str(row["id"]))


def test_a_poisoned_message_fails_alone_and_later_mail_still_goes(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox
) -> None:
    org = make_register(db, people()).organisation_id
    _insert(db, keys, org, "first@example.test")
    poisoned = _insert(db, keys, org, "victim@example.test", POISON)
    _insert(db, keys, org, "third@example.test")

    done = mail.deliver(db, keys, settings)
    _insert(db, keys, org, "later@example.test")
    later = mail.deliver(db, keys, settings)

    row = db.get(mail.OutboxMessage, poisoned)
    assert row is not None
    assert (done.sent, done.failed, later.sent) == (2, {"malformed": 1}, 1)
    assert sorted(m["To"] for m in smtp.wait_for(3)) == [
        "first@example.test",
        "later@example.test",
        "third@example.test",
    ]
    assert (row.status, row.last_error, row.sealed, row.attempts) == (
        "failed",
        "malformed: ValueError",
        None,
        1,
    )
    entry = audit.latest(db, action="mail.failed")
    assert entry is not None and entry.entity_id == str(poisoned) and entry.outcome == "failed"
    assert "victim" not in str(entry.data) and "Bcc" not in str(entry.data)


def test_a_poisoned_message_is_not_tried_again(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox
) -> None:
    org = make_register(db, people()).organisation_id
    poisoned = _insert(db, keys, org, "victim@example.test", "line\nbreak")
    mail.deliver(db, keys, settings)

    with clock.pinned(clock.now() + timedelta(days=2)):
        again = mail.deliver(db, keys, settings)

    row = db.get(mail.OutboxMessage, poisoned)
    assert again == mail.Delivery() and row is not None and row.attempts == 1
    assert smtp.messages == []


@pytest.mark.parametrize("subject", ["News\nBcc: x@example.test", "News\r", "\u2028News"])
def test_a_campaign_subject_with_a_line_break_is_a_422_naming_the_field_and_queues_nothing(
    client: TestClient, db: Session, subject: str
) -> None:
    org = make_register(db, people()).organisation_id

    response = client.post(
        "/api/campaigns",
        json={"purpose": "newsletter", "campaign": "nov", "subject": subject, "text": "Hi {unsubscribe_url}"},
        headers=bearer(make_api_key(db, org, ["marketing:send"])),
    )

    assert response.status_code == 422
    assert (response.json()["error"], response.json()["detail"]) == (
        "header_refused",
        "subject: a mail header cannot hold a line break",
    )
    assert db.scalars(select(mail.OutboxMessage)).all() == []


@pytest.mark.parametrize("sender", ["Acme\nBcc: x@example.test <p@acme.test>", "p@acme.test\r"])
def test_a_sender_with_a_line_break_is_refused_naming_the_setting(sender: str) -> None:
    with pytest.raises(ValidationError, match="mail_from"):
        Settings(mail_from=sender)
