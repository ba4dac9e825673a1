"""A real `lawful serve` killed (SIGKILL) ten times while twenty clients post banner choices and form
submissions: every answered write is in the database whole, nothing is half-written, and the audit chain
verifies. Loopback only; every loop and every wait is bounded."""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from lawful import audit, db, keystore, processing, subjects
from lawful.config import Settings
from lawful.consent import ConsentEvent, CookieChoice
from tests.conftest import MASTER_KEY
from tests.live import free_port, wait_until_healthy
from tests.registers import EXAMPLES

KILLS = 10
CLIENTS = 20


@dataclass
class Answered:
    """What the server said it stored: banner consent ids and form submitters' addresses."""

    consent_ids: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Server:
    env: dict[str, str]
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "lawful", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until_healthy(self.origin, self.process, seconds=30)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)


def lawful(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "lawful", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def server(fresh_url: str, tmp_path: Path) -> Iterator[Server]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWFUL_")} | {
        "LAWFUL_DATABASE_URL": fresh_url,
        "LAWFUL_DATA_DIR": str(tmp_path),
        "LAWFUL_MASTER_KEY": MASTER_KEY,
        "LAWFUL_SMTP_PORT": "9",  # mail goes to the outbox; nothing here listens for it
    }
    applied = lawful(env, "register", "apply", str(EXAMPLES / "crms.yaml"))
    published = lawful(env, "notice", "publish", "--kind", "privacy", "--changelog", "first")
    assert applied.returncode == 0 and published.returncode == 0, applied.stderr + published.stderr
    found = Server(env, free_port())
    yield found
    found.kill()


def _client(n: int, origin: str, stop: threading.Event, answered: Answered) -> None:
    """Alternately a banner choice and a form submission, each unique, until told to stop."""
    sent, version = 0, None
    with httpx.Client(base_url=origin, timeout=2) as http:
        while not stop.is_set() and sent < 2000:
            sent += 1
            address = f"10.{n}.{sent // 256 % 256}.{sent % 256}"
            try:
                if version is None:  # the banner's inventory version, shown to the visitor
                    version = http.get("/api/banner/config", params={"lang": "fr"}).json()["version"]
                if sent % 2:
                    choice = {"choices": {"analytics": sent % 4 == 1}, "language": "fr", "version": version}
                    response = http.post(
                        "/api/banner/consents", json=choice, headers={"X-Forwarded-For": address}
                    )
                    if response.is_success:
                        with answered.lock:
                            answered.consent_ids.append(response.json()["consent_id"])
                else:
                    email = f"c{n}-{sent}-{uuid.uuid4().hex[:6]}@example.test"
                    fields = {"name": "Crash Test", "email": email, "message": "Rappelez-moi."}
                    response = http.post(
                        "/api/forms/contact/submissions",
                        json={"fields": fields, "language": "fr"},
                        headers={"X-Forwarded-For": address},
                    )
                    if response.is_success:
                        with answered.lock:
                            answered.emails.append(email)
            except httpx.HTTPError:
                time.sleep(0.05)  # the server is down: try again soon


def test_a_server_killed_ten_times_keeps_every_answered_write_whole(
    server: Server, fresh_url: str, tmp_path: Path
) -> None:
    answered, stop = Answered(), threading.Event()
    server.start()
    threads = [
        threading.Thread(target=_client, args=(n, server.origin, stop, answered)) for n in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    try:
        for _ in range(KILLS):
            time.sleep(1.0)
            server.kill()
            server.start()
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    server.kill()
    verified = lawful(server.env, "audit", "verify")

    assert len(answered.consent_ids) > 50 and len(answered.emails) > 50  # the clients got through
    assert verified.returncode == 0, verified.stdout + verified.stderr
    keys = keystore.open_keys(
        Settings(database_url=fresh_url, data_dir=tmp_path, master_key=SecretStr(MASTER_KEY))
    )
    with db.open_session(fresh_url) as session:
        org = processing.get_organisation(session).id
        stored_choices = set(session.scalars(select(CookieChoice.consent_id)))
        missing_people = [
            e
            for e in answered.emails
            if subjects.find_by_identity(
                session, keys, organisation_id=org, kind=subjects.IdentityKind.EMAIL, value=e
            )
            is None
        ]
        choices_without_events = session.scalars(
            select(CookieChoice.consent_id).where(
                ~select(ConsentEvent.id).where(ConsentEvent.consent_id == CookieChoice.consent_id).exists()
            )
        ).all()
        audited = set(
            session.scalars(
                select(audit.AuditEntry.entity_id).where(audit.AuditEntry.action == "consent.cookie_choice")
            )
        )
        choices_unaudited = [c for c in session.scalars(select(CookieChoice.id)) if str(c) not in audited]
        half_people = session.scalars(
            select(subjects.Subject.id).where(
                ~select(subjects.Identity.id)
                .where(subjects.Identity.subject_id == subjects.Subject.id)
                .exists()
                | ~select(subjects.Collection.id)
                .where(subjects.Collection.subject_id == subjects.Subject.id)
                .exists()
            )
        ).all()
        people = session.scalar(select(func.count()).select_from(subjects.Subject)) or 0

    assert set(answered.consent_ids) <= stored_choices
    assert missing_people == []
    assert (choices_without_events, choices_unaudited, half_people) == ([], [], [])
    assert people >= len(answered.emails)
