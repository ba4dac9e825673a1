"""R-77, second half: an account that lies unused is detected (its last inbound contact is a year old) and
the person is warned before its deletion; coming back moves the deletion. Through `lawful retention run
--now` and `lawful mail deliver` to a real SMTP server on loopback (last contact 2025-01-10 09:00 UTC,
kept P12M: deleted from 2026-01-10 09:00 UTC, so by the run of 2026-01-11 and not by that of 2026-01-10 at
midnight; warned P30D ahead: by the run of 2025-12-12, not by that of 2025-12-11)."""

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lawful import db
from lawful.config import get_settings
from tests.conftest import Lawful, Mailbox
from tests.factories import make_register
from tests.registers import as_yaml
from tests.retention import world as worlds
from tests.retention.conftest import World


@pytest.fixture
def unused(lawful: Lawful, fresh_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    """The retention register with accounts kept 12 months after the person's last inbound contact."""
    monkeypatch.setenv("LAWFUL_TEST_MODE", "1")
    get_settings.cache_clear()
    document = worlds.register()
    rule = next(r for r in document["retention_rules"] if r["key"] == "account_12m")
    rule["trigger"] = "last_inbound_contact"
    with db.open_session(fresh_url) as session:
        organisation_id = make_register(session, document).organisation_id
        session.commit()
    return World(fresh_url, tmp_path, worlds.keys_for(fresh_url, tmp_path), organisation_id)


@pytest.fixture
def sink(smtp: Mailbox, monkeypatch: pytest.MonkeyPatch) -> Mailbox:
    monkeypatch.setenv("LAWFUL_SMTP_HOST", smtp.host)
    monkeypatch.setenv("LAWFUL_SMTP_PORT", str(smtp.port))
    return smtp


def _member(world: World, email: str) -> uuid.UUID:
    with world.session() as session:
        return worlds.collect(
            session,
            world.keys,
            world.organisation_id,
            email=email,
            activity="accounts",
            category="customer",
            at=datetime(2025, 1, 10, 9, tzinfo=UTC),  # their own sign-up: an inbound contact
            language="nl",
        )


def _run_and_deliver(lawful: Lawful, day: str) -> str:
    done = lawful("retention", "run", "--now", day)
    assert done.exit_code == 0, done.output
    assert lawful("mail", "deliver").exit_code == 0
    return done.stdout


def test_an_unused_account_is_warned_on_the_warning_date_and_deleted_on_its_end(
    lawful: Lawful, unused: World, sink: Mailbox
) -> None:
    sid = _member(unused, "idle@example.test")

    before = _run_and_deliver(lawful, "2025-12-11")
    nothing_yet = list(sink.messages)
    on = _run_and_deliver(lawful, "2025-12-12")
    [warning] = sink.wait_for(1)
    _run_and_deliver(lawful, "2026-01-10")
    with unused.session() as session:
        kept = worlds.exists(session, sid)
    last = _run_and_deliver(lawful, "2026-01-11")

    assert "warned" not in before and nothing_yet == []
    assert "warned:1" in on and warning["To"] == "idle@example.test"
    text = " ".join(warning.get_body(("plain",)).get_content().split())  # type: ignore[union-attr]
    assert "al lang niet meer gebruikt" in text and "10 januari 2026" in text
    assert kept and "deleted:1" in last
    with unused.session() as session:
        assert not worlds.exists(session, sid)


def test_coming_back_after_the_warning_moves_the_deletion_a_year_on(
    lawful: Lawful, unused: World, sink: Mailbox
) -> None:
    sid = _member(unused, "back@example.test")
    _run_and_deliver(lawful, "2025-12-12")
    sink.wait_for(1)

    back = lawful(
        "retention",
        "event",
        str(sid),
        "--kind",
        "last_inbound_contact",
        "--at",
        "2025-12-20",
        "--channel",
        "reply",
    )
    assert back.exit_code == 0, back.output
    after = _run_and_deliver(lawful, "2026-01-11")

    assert "deleted" not in after
    with unused.session() as session:
        assert worlds.exists(session, sid)


def test_register_check_accepts_a_warning_on_inactivity_and_still_refuses_it_on_collection(
    lawful: Lawful, tmp_path: Path
) -> None:
    document = worlds.register()
    rule = next(r for r in document["retention_rules"] if r["key"] == "account_12m")
    rule["trigger"] = "last_inbound_contact"
    inactive = tmp_path / "inactive.yaml"
    inactive.write_text(as_yaml(document), encoding="utf-8")
    rule["trigger"] = "collection"
    collected = tmp_path / "collected.yaml"
    collected.write_text(as_yaml(document), encoding="utf-8")

    accepted = lawful("register", "check", str(inactive))
    refused = lawful("register", "check", str(collected))

    assert accepted.exit_code == 0, accepted.output
    assert refused.exit_code != 0 and "warn_before" in refused.output
