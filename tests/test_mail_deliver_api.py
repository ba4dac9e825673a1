"""POST /api/mail/deliver, the route of `lawful mail deliver` (R-123): the key's organisation's mail that is
due goes out to a real SMTP server on loopback; another organisation's waits for its own call or the worker."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from lawful import mail
from lawful.config import get_settings
from tests.conftest import Lawful, Mailbox
from tests.dsr.api_world import World, build


@pytest.fixture
def world(
    lawful: Lawful, fresh_url: str, tmp_path: Path, smtp: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> Iterator[World]:
    monkeypatch.setenv("LAWFUL_SMTP_HOST", smtp.host)  # the CLI's settings too
    monkeypatch.setenv("LAWFUL_SMTP_PORT", str(smtp.port))
    get_settings.cache_clear()
    yield from build(lawful, fresh_url, tmp_path, smtp_host=smtp.host, smtp_port=smtp.port)


def _queue(world: World, org: uuid.UUID, to: str) -> uuid.UUID:
    with world.sessions() as session:
        row = mail.queue(
            session,
            world.keys,
            mail.Mail(to=to, subject="Your request", text="Body"),
            kind="dsr_reminder",
            category="service",
            organisation_id=org,
        )
        session.commit()
        return row.id


def _status(world: World, row_id: uuid.UUID) -> str:
    with world.sessions() as session:
        return session.scalars(select(mail.OutboxMessage.status).where(mail.OutboxMessage.id == row_id)).one()


def test_deliver_sends_the_keys_organisation_mail_only_and_answers_as_the_command(
    world: World, smtp: Mailbox
) -> None:
    ours = _queue(world, world.ours, "ours@example.test")
    theirs = _queue(world, world.theirs, "theirs@example.test")

    sent = world.client.post("/api/mail/deliver", headers=world.key("dsr:write"))

    assert sent.status_code == 200, sent.text
    assert sent.json() == {"sent": 1, "retrying": 0, "failed": {}, "dropped": 0, "deferred": 0}
    assert [m["To"] for m in smtp.wait_for(1)] == ["ours@example.test"]
    assert (_status(world, ours), _status(world, theirs)) == ("sent", "pending")
    by_cli = world.cli_json("mail", "deliver")  # the operator's: every organisation
    assert by_cli == sent.json() and [m["To"] for m in smtp.wait_for(2)][1:] == ["theirs@example.test"]


def test_another_organisations_key_leaves_our_mail_waiting(world: World, smtp: Mailbox) -> None:
    ours = _queue(world, world.ours, "waiting@example.test")

    sent = world.client.post("/api/mail/deliver", headers=world.key("dsr:write", theirs=True))

    assert sent.status_code == 200 and sent.json()["sent"] == 0, sent.text
    assert smtp.messages == [] and _status(world, ours) == "pending"


def test_deliver_without_dsr_write_is_refused_audited_and_sends_nothing(world: World, smtp: Mailbox) -> None:
    ours = _queue(world, world.ours, "held@example.test")

    refused = world.client.post("/api/mail/deliver", headers=world.key("dsr:read"))

    assert refused.status_code == 403
    [entry] = world.entries("access.refused")
    assert entry.data == {"permission": "dsr:write", "operation": "POST /api/mail/deliver"}
    assert smtp.messages == [] and _status(world, ours) == "pending"
