"""An opt-out during a campaign's delivery waits for little, and still nothing reaches the person after it
(R-36, T-14): delivery commits in short units of work, so the write lock (all of SQLite; the claimed rows on
PostgreSQL) is held for a fraction of a second, not for a batch of slow SMTP sends.

The SMTP server on loopback takes DELAY seconds per message, as a remote relay does. Each test prints the
opt-out's wait (`pytest -s`): the figures in docs/performance.md come from here."""

import os
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lawful import consent, db, jobs, keystore, marketing, processing, work
from lawful.actor import Actor, ActorKind
from lawful.config import Settings, get_settings
from tests.conftest import MASTER_KEY, Mailbox
from tests.factories import ACTOR
from tests.marketing import world
from tests.registers import as_yaml

PEOPLE = 100
DELAY = 0.05  # a relay answering in 50 ms: a batch of 50 messages took 2.5 s
WAIT_AT_MOST = 1.0  # seconds an opt-out may wait for a delivery (R-36: before the next dispatch)
LINK = Actor(ActorKind.PUBLIC, label="email-link")


@dataclass
class World:
    engine: Engine
    keys: keystore.Keys
    people: list[uuid.UUID]
    address: dict[uuid.UUID, str]


@pytest.fixture
def campaign(
    fresh_url: str, tmp_path: Path, smtp: Mailbox, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[World]:
    """PEOPLE subscribers and a newsletter campaign to them, committed; delivery configured (environment,
    as `lawful` and the worker read it) to the slow SMTP server."""
    for name, value in {
        "DATABASE_URL": fresh_url,
        "DATA_DIR": str(tmp_path),
        "MASTER_KEY": MASTER_KEY,
        "SMTP_HOST": smtp.host,
        "SMTP_PORT": str(smtp.port),
    }.items():
        monkeypatch.setenv(f"LAWFUL_{name}", value)
    get_settings.cache_clear()
    jobs.configure(get_settings().model_copy(update={"jobs_url": "immediate"}))  # restored by jobs_as_found
    smtp.delay = DELAY
    keys = keystore.open_keys(
        Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    )
    engine = db.make_engine(fresh_url)
    with Session(engine, expire_on_commit=False) as session:
        processing.apply(session, ACTOR, text=as_yaml(world.register()), source="tests")
        org = processing.get_organisation(session).id
        address = {
            world.subscriber(session, keys, ACTOR, org, f"d{n:04d}@example.test"): f"d{n:04d}@example.test"
            for n in range(PEOPLE)
        }
        marketing.send_campaign(
            session,
            ACTOR,
            keys,
            organisation_id=org,
            purpose="newsletter",
            campaign="lock",
            subject_line="News",
            text="{unsubscribe_url}",
            base_url="https://acme.example.test",
        )
        session.commit()
    yield World(engine, keys, list(address), address)
    engine.dispose()
    get_settings.cache_clear()


def _opt_out_while_delivering(
    campaign: World, smtp: Mailbox, deliver: threading.Thread
) -> tuple[float, float, uuid.UUID]:
    """Unsubscribe someone once delivery is under way: (seconds waited, when it committed, who). They are
    in the batch being sent (a quarter down the queue), so on PostgreSQL too the opt-out meets its lock."""
    deliver.start()
    smtp.wait_for(3, seconds=30)
    reached = {str(m["To"]) for m in smtp.messages}
    leaver = next(p for p in campaign.people[PEOPLE // 4 :] if campaign.address[p] not in reached)
    token = consent.optin.unsubscribe_token(campaign.keys, leaver, "newsletter")
    started = time.monotonic()
    with work.unit(db.make_sessionmaker(campaign.engine)) as session:
        consent.optin.unsubscribe(session, LINK, campaign.keys, token=token)
    committed = time.time()
    waited = time.monotonic() - started
    deliver.join(120)
    assert not deliver.is_alive()
    return waited, committed, leaver


def _arrivals(smtp: Mailbox) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in smtp.messages:
        counts[str(message["To"])] = counts.get(str(message["To"]), 0) + 1
    return counts


def test_an_opt_out_during_the_workers_delivery_waits_well_under_a_second(
    campaign: World, smtp: Mailbox
) -> None:
    waited, _, leaver = _opt_out_while_delivering(
        campaign, smtp, threading.Thread(target=jobs.deliver_mail.call_local)
    )
    jobs.deliver_mail.call_local()  # what the minute's sweep finds left

    print(f"\nopt-out during the worker's delivery waited {waited * 1000:.0f} ms ({_database()})")
    got = _arrivals(smtp)
    assert campaign.address[leaver] not in got
    assert sorted(got.values()) == [1] * (PEOPLE - 1)
    assert waited < WAIT_AT_MOST


def test_an_opt_out_during_lawful_mail_deliver_waits_well_under_a_second(
    campaign: World, smtp: Mailbox
) -> None:
    from typer.testing import CliRunner

    from tests.conftest import Lawful  # the CLI in its own process, as cron runs it

    process = Lawful(CliRunner()).process
    answers: list[str] = []

    def deliver() -> None:
        answers.append(process("mail", "deliver").stdout)

    waited, _, leaver = _opt_out_while_delivering(campaign, smtp, threading.Thread(target=deliver))

    print(f"\nopt-out during `lawful mail deliver` waited {waited * 1000:.0f} ms ({_database()})")
    got = _arrivals(smtp)
    assert campaign.address[leaver] not in got
    assert sorted(got.values()) == [1] * (PEOPLE - 1)
    assert answers and f"{PEOPLE - 1} message(s) sent" in answers[0]
    assert waited < WAIT_AT_MOST


def _database() -> str:
    return "PostgreSQL" if os.environ.get("LAWFUL_TEST_DATABASE_URL") else "SQLite"
