"""A real `lawful worker` process killed (SIGKILL) in the middle of an erasure request: a new worker
finishes it, and the erasure is done exactly once. The recipient is a real HTTP server on loopback that
holds its first call open, so the kill lands while the worker is inside the request, deterministically."""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from lawful import audit, consent, db, dsr, jobs, keystore
from lawful.actor import SYSTEM
from lawful.config import Settings
from lawful.dsr import tasks
from tests.conftest import MASTER_KEY
from tests.factories import give_consent, make_person, make_register
from tests.registers import people


class Recipient:
    """Answers 204, except that it holds the first call open until `release()`."""

    def __init__(self) -> None:
        self.calls = 0
        self.first_arrived = threading.Event()
        self.released = threading.Event()
        recipient = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                recipient.calls += 1
                if recipient.calls == 1:
                    recipient.first_arrived.set()
                    recipient.released.wait(30)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/gdpr"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recipient() -> Iterator[Recipient]:
    found = Recipient()
    yield found
    found.close()


def _worker(settings: Settings) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWFUL_")} | {
        "LAWFUL_DATABASE_URL": str(settings.database_url),
        "LAWFUL_DATA_DIR": str(settings.data_dir),
        "LAWFUL_MASTER_KEY": MASTER_KEY,
        "LAWFUL_SMTP_PORT": "9",  # answers go to the outbox; nothing here listens for them
        "LAWFUL_OUTBOUND_ALLOW": '["127.0.0.1"]',  # the recipient's system runs on loopback here
    }
    command = [sys.executable, "-m", "lawful", "worker", "--workers", "1"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for(done: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_killed_worker_leaves_an_erasure_that_a_new_worker_finishes_once(
    fresh_url: str, tmp_path: Path, recipient: Recipient, settings: Settings
) -> None:
    here = Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    keys = keystore.open_keys(here)
    document = people()
    next(r for r in document["recipients"] if r["key"] == "hubspot")["endpoint"] = recipient.url
    with db.open_session(fresh_url) as session:
        org = make_register(session, document).organisation_id
        person = make_person(session, keys, org, email="kill@example.test", activity="newsletter").subject.id
        give_consent(session, org, person)
        request_id: uuid.UUID = dsr.open_request(
            session,
            SYSTEM,
            keys,
            organisation_id=org,
            kinds=["erasure"],
            email="kill@example.test",
            language="en",
            channel="email",
            base_url="",
            identity_verified=True,
        ).id
        session.commit()

    jobs.configure(here)  # the job queue in this data directory, as `lawful worker` reads it
    try:
        first = _worker(here)
        tasks.run_request(str(request_id))
        _wait_for(recipient.first_arrived.is_set)  # the erasure is done; the worker is telling the recipient
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        recipient.released.set()

        second = _worker(here)
        tasks.run_request(str(request_id))  # what the five-minute sweep would do for the lost job
        try:

            def completed() -> bool:
                with db.open_session(fresh_url) as check:
                    return dsr.get(check, request_id=request_id).status == "completed"

            _wait_for(completed)
        finally:
            second.terminate()
            second.wait(10)
    finally:
        jobs.restore([])

    with db.open_session(fresh_url) as check:
        steps = {s.kind: (s.status, s.attempts) for s in check.scalars(select(dsr.Step))}
        erasures = check.scalar(select(func.count()).where(audit.AuditEntry.action == "dsr.step_erasure"))
        suppressions = check.scalar(select(func.count()).select_from(consent.Suppression))
        assert steps == {
            "erasure": ("done", 1),
            "notify_recipients": ("done", 1),  # the killed attempt was rolled back with its process
            "answer": ("done", 1),
        }
        assert erasures == 1 and suppressions == 1
        assert audit.verify(check)[1] is None
    with db.open_session(here.resolved_keystore_url()) as key_store:  # this process still caches the key
        assert key_store.get(keystore.WrappedKey, keystore.subject_owner(person)) is None
    assert recipient.calls == 2  # recipients are told at least once; the erasure itself happened once
