"""R-77: a closed account's data are deleted only after the person was warned `warn_before` ahead, once, in
their language; through `lawful retention run|plan --now` and `lawful mail deliver` to a real SMTP server on
loopback, each at the day before and the day of the warning date (account closed 2025-01-01, kept P12M:
deleted on 2026-01-02; warned P30D ahead: on 2025-12-03)."""

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from lawful import mail, retention, subjects
from lawful.dsr.deletions.execution import erase_whole
from tests.conftest import Lawful, Mailbox
from tests.retention import world as worlds
from tests.retention.conftest import World


@pytest.fixture
def sink(smtp: Mailbox, monkeypatch: pytest.MonkeyPatch) -> Mailbox:
    """The `lawful` commands deliver to the real SMTP server on loopback."""
    monkeypatch.setenv("LAWFUL_SMTP_HOST", smtp.host)
    monkeypatch.setenv("LAWFUL_SMTP_PORT", str(smtp.port))
    return smtp


def _customer(lawful: Lawful, world: World, email: str, lang: str, closed: str = "2025-01-01") -> uuid.UUID:
    with world.session() as session:
        sid = worlds.collect(
            session,
            world.keys,
            world.organisation_id,
            email=email,
            activity="accounts",
            category="customer",
            at=datetime(2024, 3, 1, 9, tzinfo=UTC),
            language=lang,
        )
    done = lawful("retention", "event", str(sid), "--kind", "account_closure", "--at", closed)
    assert done.exit_code == 0, done.output
    return sid


def _run(lawful: Lawful, day: str) -> str:
    done = lawful("retention", "run", "--now", day)
    assert done.exit_code == 0, done.output
    return done.stdout


def _deliver(lawful: Lawful) -> None:
    done = lawful("mail", "deliver")
    assert done.exit_code == 0, done.output


def _queued(world: World) -> int:
    with world.session() as session:
        query = select(func.count()).where(mail.OutboxMessage.kind == "retention_warning")
        return int(session.scalar(query) or 0)


def _warnings(lawful: Lawful, day: str) -> dict[str, Any]:
    planned = json.loads(lawful("retention", "plan", "--now", day, "--json").stdout)
    return next(w for w in planned["warnings"] if w["activity"] == "accounts")


@pytest.mark.parametrize(
    ("lang", "words", "day"),
    [
        ("en", "will be deleted on", "January 2, 2026"),
        ("fr", "seront supprimées le", "2 janvier 2026"),
        ("nl", "worden verwijderd op", "2 januari 2026"),
    ],
)
def test_a_closed_account_is_warned_once_on_the_warning_date_in_the_persons_language(
    lawful: Lawful, world: World, sink: Mailbox, lang: str, words: str, day: str
) -> None:
    sid = _customer(lawful, world, f"closed-{lang}@example.test", lang)

    planned_before = _warnings(lawful, "2025-12-02")
    before = _run(lawful, "2025-12-02")
    _deliver(lawful)
    nothing_yet = list(sink.messages)
    planned_on = _warnings(lawful, "2025-12-03")
    on = _run(lawful, "2025-12-03")
    _deliver(lawful)
    received = list(sink.wait_for(1))
    again = _run(lawful, "2025-12-03")
    later = _run(lawful, "2025-12-20")
    _deliver(lawful)
    planned_after = _warnings(lawful, "2025-12-20")

    assert (planned_before["due"], planned_before["sent"], planned_before["months"]["2025-12"]) == (0, 0, 1)
    assert "warned" not in before and nothing_yet == []
    assert (planned_on["due"], planned_on["sent"]) == (1, 0)
    assert "warned:1" in on
    assert len(received) == 1 and len(sink.messages) == 1  # the second and third runs sent nothing more
    assert "warned" not in again and "warned" not in later
    assert (planned_after["due"], planned_after["sent"]) == (0, 1)
    [message] = received
    assert message["To"] == f"closed-{lang}@example.test" and message["Content-Language"] == lang
    text = " ".join(message.get_body(("plain",)).get_content().split())  # type: ignore[union-attr]
    assert words in text and day in text
    assert _queued(world) == 1
    with world.session() as session:
        assert worlds.exists(session, sid)


def test_the_warned_account_stays_to_its_last_day_and_is_gone_on_the_day_of_its_end(
    lawful: Lawful, world: World, sink: Mailbox
) -> None:
    sid = _customer(lawful, world, "gone@example.test", "en")
    _run(lawful, "2025-12-03")

    _run(lawful, "2026-01-01")
    with world.session() as session:
        kept = worlds.items(session, sid)
    after = _run(lawful, "2026-01-02")

    assert kept > 0 and "deleted:1" in after
    with world.session() as session:
        assert not worlds.exists(session, sid)
        proof = session.scalars(select(retention.RetentionWarning.subject_id)).all()
    assert proof == [sid]  # the proof they were warned outlives them (pseudonymous id only)


def test_a_person_warned_late_keeps_the_whole_notice_before_deletion(
    lawful: Lawful, world: World, sink: Mailbox
) -> None:
    """No run between the warning date and the end (a worker down): the warning goes at the next run, and
    the deletion waits until 30 days after it (2026-01-05 + P30D = 2026-02-04)."""
    sid = _customer(lawful, world, "late@example.test", "fr")

    first = _run(lawful, "2026-01-05")
    _deliver(lawful)
    _run(lawful, "2026-02-03")
    with world.session() as session:
        kept = worlds.exists(session, sid)
    last = _run(lawful, "2026-02-04")

    assert "warned:1" in first and "skipped:warned:1" in first and kept
    assert "deleted:1" in last
    assert len(sink.wait_for(1)) == 1


def test_an_erased_person_is_never_warned(lawful: Lawful, world: World, sink: Mailbox) -> None:
    sid = _customer(lawful, world, "erased@example.test", "nl")
    with world.session() as session:
        person = subjects.get(session, subject_id=sid)
        erase_whole(
            session, worlds.ACTOR, world.keys, organisation_id=world.organisation_id, subject=person,
            suppress=False,
        )  # fmt: skip

    done = _run(lawful, "2025-12-03")
    _deliver(lawful)

    assert "warned" not in done and _queued(world) == 0 and sink.messages == []


def test_the_warning_date_is_the_period_before_the_deletion() -> None:
    end = datetime(2026, 3, 31, tzinfo=retention.rules.BRUSSELS)

    assert retention.rules.warn_from(end, "P30D") == datetime(2026, 3, 1, tzinfo=retention.rules.BRUSSELS)
    assert retention.rules.warn_from(end, "P1M") == datetime(2026, 2, 28, tzinfo=retention.rules.BRUSSELS)
    assert retention.rules.warn_from(end, "P1Y2W") == datetime(2025, 3, 17, tzinfo=retention.rules.BRUSSELS)
