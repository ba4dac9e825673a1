"""A real `lawful serve` (with its embedded worker) delivers a campaign to a real SMTP server while people
unsubscribe by their link and object on their preference page over HTTP (R-36, T-14).

Each of them receives nothing after their click was answered (a message handed to SMTP before it may
have gone: the opt-out waits for the batch that holds it); everyone else receives exactly one message.
An unsubscribe stops all marketing (R-36's default), or the newsletter only by the mail's narrowed link;
neither touches the consents that are not marketing. The size is LAWFUL_LIVE_CAMPAIGN_PEOPLE
(200 in the suite; benchmarks run 1,000)."""

import asyncio
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from pydantic import SecretStr
from sqlalchemy.orm import Session

from lawful import consent, db, keystore
from lawful.config import Settings
from tests.conftest import MASTER_KEY
from tests.factories import make_api_key
from tests.live import free_port, wait_until_healthy
from tests.marketing import world
from tests.registers import as_yaml

PEOPLE = int(os.environ.get("LAWFUL_LIVE_CAMPAIGN_PEOPLE", "200"))
UNSUBSCRIBERS, OBJECTORS = 10, 5
RELAY_SECONDS = 0.01


@dataclass
class Inbox:
    """What the SMTP server received: each recipient with the moments their messages arrived."""

    arrived: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def total(self) -> int:
        with self.lock:
            return sum(len(v) for v in self.arrived.values())

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd API)
        content = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        to = str(message_from_bytes(content, policy=default_policy)["To"])
        await asyncio.sleep(RELAY_SECONDS)  # a relay takes its time: delivery lasts while people click
        with self.lock:
            self.arrived[to].append(time.time())
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, controller.port
    controller.stop()


def _lawful(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lawful", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _seed(url: str, data_dir: Path) -> tuple[keystore.Keys, uuid.UUID, list[uuid.UUID], str]:
    """PEOPLE subscribers with all four consents, in one transaction, through the service functions."""
    settings = Settings(database_url=url, data_dir=data_dir, master_key=SecretStr(MASTER_KEY))
    keys = keystore.open_keys(settings)
    engine = db.make_engine(url)
    from lawful import processing
    from tests.factories import ACTOR

    with Session(engine, expire_on_commit=False) as session:
        org = processing.get_organisation(session, slug="acme").id
        people = [
            world.subscriber(session, keys, ACTOR, org, f"p{n:05d}@example.test") for n in range(PEOPLE)
        ]
        token = make_api_key(session, org, ["marketing:send"])
        session.commit()
    engine.dispose()
    return keys, org, people, token


def test_people_who_opt_out_during_delivery_get_nothing_after_their_click_and_the_rest_get_one(
    fresh_url: str, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    box, port = inbox
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWFUL_")} | {
        "LAWFUL_DATABASE_URL": fresh_url,
        "LAWFUL_DATA_DIR": str(tmp_path),
        "LAWFUL_MASTER_KEY": MASTER_KEY,
        "LAWFUL_SMTP_PORT": str(port),
    }
    register = tmp_path / "register.yaml"
    register.write_text(as_yaml(world.register()), encoding="utf-8")
    applied = _lawful(env, "register", "apply", str(register))
    assert applied.returncode == 0, applied.stderr
    keys, org, people, token = _seed(fresh_url, tmp_path)
    chosen = random.Random(16).sample(people, UNSUBSCRIBERS + OBJECTORS)
    unsubscribers, objectors = chosen[:UNSUBSCRIBERS], chosen[UNSUBSCRIBERS:]
    address = {sid: f"p{n:05d}@example.test" for n, sid in enumerate(people)}
    server_port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "lawful", "serve", "--port", str(server_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    origin = f"http://127.0.0.1:{server_port}"
    try:
        wait_until_healthy(origin, server, seconds=30)
        with httpx.Client(base_url=origin, timeout=60) as http:
            queued = http.post(
                "/api/campaigns",
                json={
                    "purpose": "newsletter",
                    "campaign": "live",
                    "subject": "News",
                    "text": "{unsubscribe_url}",
                },
                headers={"Authorization": f"Bearer {token}"},
            )
            assert queued.status_code == 202 and queued.json()["queued"] == PEOPLE, queued.text
            deadline = time.monotonic() + 60
            while box.total < 1 and time.monotonic() < deadline:  # delivery has started
                time.sleep(0.005)
            clicked = _click(origin, keys, unsubscribers, objectors)
            campaign = _finished(http, token)
    finally:
        server.terminate()
        server.wait(20)

    stopped = set(chosen)
    for sid in people:
        arrived = box.arrived.get(address[sid], [])
        if sid in stopped:
            assert len(arrived) <= 1 and all(at < clicked[sid] for at in arrived), address[sid]
        else:
            assert len(arrived) == 1, address[sid]
    got = sum(1 for sid in stopped if box.arrived.get(address[sid]))
    assert got < len(stopped)  # some clicks came before their message's turn: the test tested something
    assert campaign["outcomes"] == {"sent": PEOPLE - len(stopped) + got, "cancelled": len(stopped) - got}
    assert sum(campaign["cancelled"].values()) == len(stopped) - got
    _other_consents_untouched(fresh_url, org, unsubscribers, objectors)


def _click(
    origin: str, keys: keystore.Keys, unsubscribers: list[uuid.UUID], objectors: list[uuid.UUID]
) -> dict[uuid.UUID, float]:
    """Each opt-out by its own client at once, as people would; when each was answered."""
    answered: dict[uuid.UUID, float] = {}

    def unsubscribe(sid: uuid.UUID) -> None:
        with httpx.Client(base_url=origin, timeout=60) as http:
            link = consent.optin.unsubscribe_token(keys, sid, "newsletter", only=sid in unsubscribers[::2])
            assert http.get(f"/u/{link}").status_code == 200
        answered[sid] = time.time()

    def object_(sid: uuid.UUID) -> None:
        with httpx.Client(base_url=origin, timeout=60) as http:
            page = f"/u/preferences/{consent.preferences.token(keys, sid)}"
            assert http.post(page, data={"action": "object"}).status_code == 303
        answered[sid] = time.time()

    threads = [threading.Thread(target=unsubscribe, args=(s,)) for s in unsubscribers]
    threads += [threading.Thread(target=object_, args=(s,)) for s in objectors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answered) == len(threads)
    return answered


def _finished(http: httpx.Client, token: str) -> dict[str, Any]:
    """The campaign once no message of it is pending any more."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        found = http.get("/api/campaigns/live", headers={"Authorization": f"Bearer {token}"}).json()
        if "pending" not in found["outcomes"]:
            return dict(found)
        time.sleep(0.2)
    raise AssertionError("the campaign was still being delivered after 300 s")


def _other_consents_untouched(
    url: str, org: uuid.UUID, unsubscribers: list[uuid.UUID], objectors: list[uuid.UUID]
) -> None:
    engine = db.make_engine(url)
    with Session(engine) as session:
        for sid in unsubscribers[::2]:  # the link narrowed to the newsletter
            assert world.states(session, org, sid) == {
                "newsletter": "withdrawn",
                "product_news": "given",
                "talent_pool": "given",
                "contest": "given",
            }
        for sid in [*unsubscribers[1::2], *objectors]:
            assert world.states(session, org, sid) == {
                "newsletter": "withdrawn",
                "product_news": "withdrawn",
                "talent_pool": "given",
                "contest": "given",
            }
    engine.dispose()
