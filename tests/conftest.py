"""Test plumbing: real migrations once, a rollback per test, fresh databases for CLI and browser tests.

SQLite by default; PostgreSQL when LAWFUL_TEST_DATABASE_URL is set (CI runs both).
"""

import asyncio
import base64
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect, sync_playwright
from pydantic import SecretStr
from sqlalchemy import Engine, create_engine, inspect, make_url, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from lawful import jobs, keystore, outbound
from lawful.actor import Actor, ActorKind
from lawful.app import create_app
from lawful.cli import app as cli_app
from lawful.config import Settings, get_settings
from lawful.db import Base, make_engine, upgrade_to_head
from lawful.intake.routes import submissions_limit
from lawful.processing.scan import CHROMIUM_ARGS
from tests.tls import TlsReceiver, tls_receiver

PG_URL = os.environ.get("LAWFUL_TEST_DATABASE_URL")
# What a page shows within 15 s passes (Playwright's default: 5 s). CI runs both suites side by side on two
# cores with Chromium, where an iframe once took longer; a page that never shows it still fails.
expect.set_options(timeout=15_000)
# argon2id's cheapest parameters for the suite and the lawful processes it starts: RFC 9106's cost
# 0.1-0.6 s a password on this machine, hundreds of times over; the stored hashes stay argon2id
os.environ.setdefault("LAWFUL_PASSWORD_HASHING", "cheapest")
get_settings.cache_clear()
CHROMIUM = "/usr/bin/chromium"
MASTER_KEY = base64.b64encode(b"k" * 32).decode()
# the recipients of the tests are real servers on loopback (fixture `receiver`): allowed, as a company
# allows its own internal recipients; tests/test_outbound.py takes the allowance away
OUTBOUND_ALLOW = ["127.0.0.1/32", "::1/128"]


# A test that reaches no database through these fixtures, and whose module names no database itself, gives
# the same answer on SQLite and PostgreSQL: the PostgreSQL run leaves it to the SQLite run (deselected,
# and counted as such), which keeps CI's two suites, run side by side, within their time.
DATABASE_FIXTURES = frozenset(
    {"db", "engine", "session_url", "template_url", "fresh_url", "settings", "keys", "app"}
)
NAMES_A_DATABASE = ("LAWFUL_TEST_DATABASE_URL", "PG_URL", "postgresql", "DATABASE")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not PG_URL:  # the variants with the company's database on PostgreSQL are the PostgreSQL run's
        elsewhere = [item for item in items if _company_database(item) == "postgresql"]
        if elsewhere:
            config.hook.pytest_deselected(items=elsewhere)
            items[:] = [item for item in items if _company_database(item) != "postgresql"]
        return
    sources: dict[Path, bool] = {}
    kept: list[pytest.Item] = []
    left: list[pytest.Item] = []
    for item in items:
        path = Path(str(item.fspath))
        if path not in sources:
            text = path.read_text(encoding="utf-8")
            sources[path] = any(name in text for name in NAMES_A_DATABASE)
        fixtures = set(getattr(item, "fixturenames", ()))
        (kept if fixtures & DATABASE_FIXTURES or sources[path] else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def _company_database(item: pytest.Item) -> object:
    """The engine of "the company's other database" (tests/connectors' Chinook) a test item is given."""
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("chinook") if callspec is not None else None


@pytest.fixture(autouse=True)
def outbound_allowance() -> Iterator[None]:
    """Each test starts with the loopback allowance, whatever an earlier test configured."""
    outbound.configure(OUTBOUND_ALLOW)
    yield
    outbound.configure(OUTBOUND_ALLOW)


@pytest.fixture(autouse=True)
def jobs_as_found() -> Iterator[None]:
    """The jobs configuration is process-wide: whatever a test configures, the next test finds the jobs as
    this one found them, so no test depends on the order in which others ran."""
    previous = list(jobs._configured)
    yield
    if jobs._configured != previous or (not previous and not jobs.huey.immediate):
        jobs.restore(previous)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lawful-data")


@pytest.fixture(scope="session")
def template_url(data_dir: Path) -> Iterator[str]:
    """A migrated, empty database that fresh test databases are copied from."""
    # One template per test process, so concurrent runs on one server never drop each other's.
    name = f"lawful_template_{os.getpid()}"
    url = _pg_database(PG_URL, name) if PG_URL else f"sqlite:///{data_dir / 'template.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    yield url
    if PG_URL:
        _copier.finish()  # nothing may be copying the template while it is dropped
        drop_database(url)


def _pg_admin(url: str) -> Engine:
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _pg_database(url: str, name: str, template: str | None = None) -> str:
    admin = _pg_admin(url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(
            text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        )
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


class _Dropper:
    """Drops the test databases in a thread of their own. A DROP DATABASE waits for a checkpoint (1 to 8 s
    on a busy machine); a test's teardown hands its database over and the next test starts at once.
    The session waits for the last drops at its end (pytest_sessionfinish)."""

    def __init__(self) -> None:
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.thread: threading.Thread | None = None

    def drop(self, url: str) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="drop-databases", daemon=True)
            self.thread.start()
        self.queue.put(url)

    def _run(self) -> None:
        while (url := self.queue.get()) is not None:
            _drop_now(url)

    def finish(self) -> None:
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None


_dropper = _Dropper()


class _Copier:
    """Copies the template in a thread of its own, a couple of copies ahead of need: a CREATE DATABASE …
    TEMPLATE takes 0.6 to 0.9 s here, mostly waiting on the disk, so a test takes the copy made while the
    tests before it ran. Only this thread copies, so no two copies of the template are ever made at once."""

    AHEAD = 2

    def __init__(self) -> None:
        self.ready: queue.Queue[str | BaseException] = queue.Queue(maxsize=self.AHEAD)
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.template = ""

    def take(self, template: str) -> str:
        if self.thread is None:
            self.template, self.stopping = template, threading.Event()
            self.thread = threading.Thread(target=self._run, name="copy-databases", daemon=True)
            self.thread.start()
        assert template == self.template, "one template per test process"
        made = self.ready.get()
        if isinstance(made, BaseException):
            raise made
        return made

    def _run(self) -> None:
        assert PG_URL is not None
        while not self.stopping.is_set():
            try:
                made: str | BaseException = _pg_database(
                    PG_URL, f"lawful_t_{uuid.uuid4().hex[:10]}", template=self.template
                )
            except Exception as exc:  # the test that takes it fails with the reason
                made = exc
            while not self.stopping.is_set():
                try:
                    self.ready.put(made, timeout=0.2)
                    break
                except queue.Full:
                    continue
            else:
                if isinstance(made, str):
                    _drop_now(made)

    def finish(self) -> None:
        """Stop copying and drop the copies nobody took (before the template itself is dropped)."""
        if self.thread is None:
            return
        self.stopping.set()
        self.thread.join()
        self.thread = None
        while not self.ready.empty():
            if isinstance(made := self.ready.get(), str):
                _drop_now(made)


_copier = _Copier()


def pytest_sessionfinish(session: pytest.Session) -> None:
    _copier.finish()
    _dropper.finish()


def _drop_now(url: str) -> None:
    admin = _pg_admin(url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def drop_database(url: str) -> None:
    """Dropped soon, by the dropper's thread (nothing reads a test's database after its teardown)."""
    _dropper.drop(url)


def fresh_database(template_url: str, directory: Path) -> str:
    """A new database with the schema and nothing else, for code that commits (CLI, live server)."""
    if PG_URL:
        return _copier.take(make_url(template_url).database or "")
    target = directory / f"fresh-{uuid.uuid4().hex[:8]}.db"
    shutil.copyfile(make_url(template_url).database or "", target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def session_url(template_url: str, data_dir: Path) -> Iterator[str]:
    """The database the rollback-per-test fixtures use: a copy, so the template itself stays unconnected
    (PostgreSQL refuses to copy a database while anyone is connected to it)."""
    url = fresh_database(template_url, data_dir)
    yield url
    if PG_URL:
        drop_database(url)


def served_settings(
    data_dir: Path, database_url: str, *, test_mode: bool = True, **overrides: Any
) -> Settings:
    """The settings of an app under test: test mode (X-Lawful-Now), plain-HTTP cookies, outbound calls to
    loopback only, the audit seal on every read (the tests' transactions are never committed, tests/audit)."""
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        master_key=SecretStr(MASTER_KEY),
        test_mode=test_mode,
        secure_cookies=False,
        audit_seal_seconds=0,
        outbound_allow=OUTBOUND_ALLOW,
        **overrides,
    )


@pytest.fixture(scope="session")
def settings(data_dir: Path, session_url: str) -> Settings:
    return served_settings(data_dir, session_url)


@pytest.fixture(scope="session")
def keys(settings: Settings) -> keystore.Keys:
    return keystore.open_keys(settings)


@pytest.fixture(scope="session")
def engine(session_url: str) -> Iterator[Engine]:
    engine = make_engine(session_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(request: pytest.FixtureRequest, engine: Engine, keys: keystore.Keys) -> Iterator[Session]:
    """Service tests: one transaction rolled back at the end. Tests through the app (`client`): a session
    of the test's own on the real database, committed before each request, so the app sees what the test
    arranged through its own sessions and the test sees only what the app committed; emptied afterwards."""
    if "client" in request.fixturenames:
        session = Session(bind=engine, expire_on_commit=False)
        yield session
        session.close()
        empty(engine)
        return
    with engine.connect() as connection:
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        yield session  # code under test may commit: it only releases a savepoint
        session.close()
        outer.rollback()


def empty(engine: Engine) -> None:
    """Every table emptied (the schema stays), children before parents. DELETE, not TRUNCATE: on
    PostgreSQL a TRUNCATE of every table makes new files for each and took about a second a test,
    where deleting the few rows a test wrote takes a few milliseconds."""
    present = set(inspect(engine).get_table_names()) - {"alembic_version"}
    ordered = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name in present]
    tables = sorted(present - set(ordered)) + ordered
    keys = keystore.for_database(engine.url)
    if keys is not None:  # the audit log starts again: so does the key store's record of its head
        keys.store.forget_audit_mark(keystore.database_name(engine.url))
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        for table in tables:
            connection.exec_driver_sql(f'DELETE FROM "{table}"')  # noqa: S608 (the schema's own names)


@pytest.fixture(scope="session")
def app(settings: Settings) -> Iterator[FastAPI]:
    made = create_app(settings)
    yield made
    made.state.engine.dispose()


class OutsideClient(TestClient):
    """A client whose every request runs in the app's own session, as in production: what the test
    arranged in `db` is committed first, and afterwards `db` forgets what it held, so it reads back only
    what the app committed (a write the app forgot to commit is missing)."""

    def __init__(self, app: FastAPI, db: Session) -> None:
        # as a browser on the console sends it: console forms without Origin or Referer are refused
        super().__init__(app, headers={"Referer": "http://testserver/console"})
        self.db = db

    def request(self, *args: Any, **kwargs: Any) -> Any:
        self.db.commit()
        try:
            return super().request(*args, **kwargs)
        finally:
            self.db.expire_all()


@pytest.fixture
def client(app: FastAPI, db: Session) -> Iterator[TestClient]:
    submissions_limit.reset()  # each test starts with a fresh window
    with OutsideClient(app, db) as test_client:
        yield test_client
    for lane in app.state.lanes:
        lane.forget()


@pytest.fixture
def actor() -> Actor:
    return Actor(ActorKind.CLI, label="cli:test")


@pytest.fixture
def fresh_url(template_url: str, tmp_path: Path) -> Iterator[str]:
    url = fresh_database(template_url, tmp_path)
    yield url
    if PG_URL:
        drop_database(url)


@dataclass
class Lawful:
    """`lawful …` run in-process, configured through its real environment variables."""

    runner: CliRunner

    def __call__(self, *args: str) -> Result:
        return self.runner.invoke(cli_app, list(args))

    def apply_register(self, directory: Path, text: str) -> None:
        """Store a register (YAML text) through `lawful register apply`."""
        path = directory / f"register-{uuid.uuid4().hex[:8]}.yaml"
        path.write_text(text, encoding="utf-8")
        assert self("register", "apply", str(path)).exit_code == 0

    def process(self, *args: str) -> "subprocess.CompletedProcess[str]":
        """`python -m lawful …` in its own process: only what the command itself imports is loaded."""
        command = [sys.executable, "-m", "lawful", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def lawful(fresh_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lawful]:
    for name, value in {
        "DATABASE_URL": fresh_url,
        "DATA_DIR": str(tmp_path),
        "MASTER_KEY": MASTER_KEY,
        "OUTBOUND_ALLOW": json.dumps(OUTBOUND_ALLOW),
    }.items():
        monkeypatch.setenv(f"LAWFUL_{name}", value)
    get_settings.cache_clear()
    yield Lawful(CliRunner())
    get_settings.cache_clear()


@dataclass
class Mailbox:
    """What a real SMTP server on loopback received."""

    host: str
    port: int
    messages: list[EmailMessage]
    sessions: list[object] = field(default_factory=list)  # the SMTP session each message came in
    refuse: set[str] = field(default_factory=set)  # recipients the server answers 550
    delay: float = 0.0  # seconds the server takes over each message, as a remote relay does

    def wait_for(self, count: int, seconds: float = 5.0) -> list[EmailMessage]:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


class _Collector:
    def __init__(self, messages: list[EmailMessage], box: "Mailbox | None" = None) -> None:
        self.messages, self.box = messages, box

    async def handle_RCPT(  # noqa: N802 (aiosmtpd API)
        self, server: object, session: object, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.box is not None and address in self.box.refuse:
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd API)
        if self.box is not None and self.box.delay:
            await asyncio.sleep(self.box.delay)
        content = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        self.messages.append(message_from_bytes(content, policy=default_policy))
        if self.box is not None:
            self.box.sessions.append(session)
        return "250 OK"


@pytest.fixture
def smtp(settings: Settings) -> Iterator[Mailbox]:
    """An aiosmtpd server on a free loopback port; the settings point mail at it for the test."""
    box = Mailbox("127.0.0.1", _free_port(), [])
    controller = Controller(_Collector(box.messages, box), hostname="127.0.0.1", port=box.port)
    controller.start()
    previous = (settings.smtp_host, settings.smtp_port)
    settings.smtp_host, settings.smtp_port = "127.0.0.1", controller.port
    yield box
    settings.smtp_host, settings.smtp_port = previous
    controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Receiver:
    """A recipient's system: a real HTTP server on loopback that keeps the JSON bodies posted to it."""

    url: str
    received: list[dict[str, Any]]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Receiver(f"http://127.0.0.1:{server.server_address[1]}/gdpr", received)
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TlsReceiver]:
    """Another system over HTTPS on loopback (tests/tls.py), its CA trusted through SSL_CERT_FILE."""
    with tls_receiver(tmp_path) as receiver:
        monkeypatch.setenv("SSL_CERT_FILE", str(receiver.ca_file))
        outbound.close()  # the client is rebuilt, and reads it
        yield receiver
    outbound.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module; each test opens its own context (no cookies, no cache)."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
