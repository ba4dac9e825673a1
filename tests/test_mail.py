"""The outbox against a real SMTP server on loopback: delivery, retries, and nothing kept after sending."""

import os
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from lawful import clock, consent, intake, jobs, keystore, mail, subjects
from lawful import db as db_module
from lawful.actor import PUBLIC, Actor
from lawful.config import Settings
from lawful.subjects import Subject
from tests.conftest import MASTER_KEY, Lawful, Mailbox
from tests.factories import make_notice, make_register
from tests.registers import people


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def _queue(
    db: Session, keys: keystore.Keys, org: uuid.UUID, to: str = "dest@example.test"
) -> mail.OutboxMessage:
    return mail.queue(
        db,
        keys,
        mail.Mail(to=to, subject="Hello", text="Body", headers=(("X-Test", "1"),)),
        kind="dsr_reminder",
        category="service",
        organisation_id=org,
    )


def test_a_queued_message_reaches_the_smtp_server_and_its_content_is_erased(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    row = _queue(db, keys, org)

    sent = mail.deliver_due(db, keys, settings)

    [message] = smtp.wait_for(1)
    assert sent == 1 and (message["To"], message["Subject"], message["X-Test"]) == (
        "dest@example.test",
        "Hello",
        "1",
    )
    assert (row.status, row.sealed, row.attempts) == ("sent", None, 1) and row.message_id


def test_the_queued_address_is_sealed(db: Session, keys: keystore.Keys, org: uuid.UUID) -> None:
    row = _queue(db, keys, org, to="sealed.address@example.test")

    assert row.sealed is not None and b"sealed.address" not in row.sealed


def test_an_unreachable_server_is_retried_later_and_then_given_up(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    row = _queue(db, keys, org)
    unreachable = settings.model_copy(update={"smtp_port": 9})

    mail.deliver_due(db, keys, unreachable)
    first_retry = row.send_after
    for _ in range(len(mail.RETRY_DELAYS)):
        with clock.pinned(row.send_after + timedelta(seconds=1)):
            mail.deliver_due(db, keys, unreachable)

    assert first_retry > row.created_at
    assert (row.status, row.attempts, row.sealed) == ("failed", len(mail.RETRY_DELAYS) + 1, None)


def test_tell_a_friend_sends_one_message_and_keeps_no_profile(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    before = db.scalar(select(func.count()).select_from(Subject))

    intake.submit(
        db,
        PUBLIC,
        keys,
        organisation_id=org,
        form_key="tell_a_friend",
        language="fr",
        fields={"friend_email": "Friend@Example.test", "referrer_name": "Anne", "message": "Regarde !"},
        marketing_consent=False,
        channel=subjects.Channel.WEB_FORM,
        base_url="https://acme.example.test",
    )
    mail.deliver_due(db, keys, settings)

    [message] = smtp.wait_for(1)
    assert message["To"] == "friend@example.test" and message["Subject"].startswith("Anne vous recommande")
    assert (
        "Regarde !" in message.get_content()
        and f"{settings.base_url}/privacy?lang=fr" in message.get_content()
    )
    assert db.scalar(select(func.count()).select_from(Subject)) == before
    assert db.scalars(select(mail.OutboxMessage.sealed)).all() == [None]


def test_a_friend_on_the_exclusion_list_gets_nothing(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID, actor: Actor
) -> None:
    consent.suppress(
        db,
        actor,
        organisation_id=org,
        lookup=consent.suppression_lookup(keys, "no@example.test"),
        reason="unsubscribed",
    )

    intake.submit(
        db,
        PUBLIC,
        keys,
        organisation_id=org,
        form_key="tell_a_friend",
        language="en",
        fields={"friend_email": "no@example.test"},
        marketing_consent=False,
        channel=subjects.Channel.WEB_FORM,
    )

    assert db.scalar(select(func.count()).select_from(mail.OutboxMessage)) == 0


def test_the_delivery_job_sends_committed_mail(fresh_url: str, tmp_path: Path, smtp: Mailbox) -> None:
    settings = Settings(
        database_url=fresh_url,
        data_dir=tmp_path,
        master_key=SecretStr(MASTER_KEY),
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        jobs_url="sqlite",
    )
    keys = keystore.open_keys(settings)
    with db_module.open_session(fresh_url) as session:
        org = make_register(session, people()).organisation_id
        _queue(session, keys, org, to="committed@example.test")
        session.commit()
    jobs.configure(settings)

    sent = jobs.deliver_mail.call_local()

    assert sent == 1 and [m["To"] for m in smtp.wait_for(1)] == ["committed@example.test"]


def test_the_cli_delivers_what_is_due_and_says_what_it_gave_up(
    lawful: Lawful, fresh_url: str, smtp: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAWFUL_SMTP_PORT", str(smtp.port))
    settings = Settings(
        database_url=fresh_url, data_dir=Path(os.environ["LAWFUL_DATA_DIR"]), master_key=SecretStr(MASTER_KEY)
    )
    with db_module.open_session(fresh_url) as session:
        org = make_register(session, people()).organisation_id
        keys = keystore.open_keys(settings)
        _queue(session, keys, org, to="cli@example.test")
        poisoned = mail.Mail(to="x@example.test", subject="a\nb", text="c")  # as an older version could queue
        session.execute(
            insert(mail.OutboxMessage),
            mail.outbox_row(
                session, keys, poisoned, kind="dsr_reminder", category="service", organisation_id=org
            ),
        )
        session.commit()

    result = lawful("mail", "deliver")

    assert result.exit_code == 0 and "1 message(s) sent" in result.stdout
    assert "1 message(s) given up: malformed 1" in result.stderr
    assert [m["To"] for m in smtp.wait_for(1)] == ["cli@example.test"]


def test_one_delivery_run_sends_its_messages_over_one_smtp_session(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    for n in range(5):
        _queue(db, keys, org, to=f"many{n}@example.test")

    sent = mail.deliver_due(db, keys, settings)

    assert sent == 5 and len(smtp.wait_for(5)) == 5
    assert len({id(session) for session in smtp.sessions}) == 1


def test_a_refused_recipient_does_not_stop_the_others_of_the_run(
    db: Session, keys: keystore.Keys, settings: Settings, smtp: Mailbox, org: uuid.UUID
) -> None:
    smtp.refuse.add("gone@example.test")
    first = _queue(db, keys, org, to="first@example.test")
    refused = _queue(db, keys, org, to="gone@example.test")
    last = _queue(db, keys, org, to="last@example.test")

    outcome = mail.deliver(db, keys, settings)

    assert (outcome.sent, outcome.retrying) == (2, 1)
    assert {m["To"] for m in smtp.wait_for(2)} == {"first@example.test", "last@example.test"}
    assert (first.status, refused.status, last.status) == ("sent", "pending", "sent")
    assert refused.last_error == "refused: SMTPRecipientsRefused"
