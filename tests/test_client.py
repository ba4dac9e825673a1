"""lawful.client against a live server on a fresh database: decisions, forms, reads, staff intake, errors."""

import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from pydantic import SecretStr

from lawful import client as client_module
from lawful.app import create_app
from lawful.client import Decision, LawfulAPIError, LawfulClient
from lawful.config import Settings
from lawful.db import make_engine, make_sessionmaker
from lawful.intake.routes import submissions_limit
from tests.conftest import MASTER_KEY, PG_URL, drop_database, fresh_database
from tests.factories import make_api_key, make_notice, make_register
from tests.live import serving
from tests.registers import people

SCOPES = ["decisions:ask", "subjects:read", "personal_data:read", "subjects:write"]
EMAIL_ONLY = ["user.contact.email"]


@dataclass(frozen=True)
class Live:
    origin: str
    token: str


def _seed(database_url: str) -> str:
    """The `people()` register, a published privacy notice and an API key; returns the key."""
    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as db:
        organisation_id = make_register(db, people()).organisation_id
        make_notice(db, organisation_id)
        token = make_api_key(db, organisation_id, SCOPES)
        db.commit()
    engine.dispose()
    return token


@pytest.fixture(scope="module")
def live(template_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    directory = tmp_path_factory.mktemp("client")
    database_url = fresh_database(template_url, directory)
    settings = Settings(
        data_dir=directory,
        database_url=database_url,
        master_key=SecretStr(MASTER_KEY),
        test_mode=True,
        secure_cookies=False,
    )
    token = _seed(database_url)
    app = create_app(settings)
    with serving(app) as origin:
        submissions_limit.reset()  # the limiter is per process: other tests' submissions must not count here
        yield Live(origin, token)
    if PG_URL:
        drop_database(database_url)


@pytest.fixture
def api(live: Live) -> Iterator[LawfulClient]:
    with LawfulClient(live.origin, api_key=live.token) as lawful:
        yield lawful


def _submitted(api: LawfulClient, *, language: str = "en", marketing_consent: bool = False) -> str:
    """A new person who sent the contact form; returns their address."""
    email = f"c-{uuid.uuid4().hex[:8]}@example.test"
    contact = {"name": "Anne", "email": email, "message": "Bonjour"}
    api.submit_form("contact", contact, language=language, marketing_consent=marketing_consent)
    return email


def test_a_person_who_sent_the_contact_form_may_be_answered(api: LawfulClient) -> None:
    email = _submitted(api)

    decision = api.decide(email=email, purpose="request_followup", fields=EMAIL_ONLY)

    assert decision == Decision(allowed=True, reasons=(), fields=("user.contact.email",), basis="contract")


def test_without_the_marketing_box_ticked_the_newsletter_is_denied_for_no_consent(api: LawfulClient) -> None:
    email = _submitted(api)

    decision = api.decide(email=email, purpose="newsletter", fields=EMAIL_ONLY)

    assert decision == Decision(allowed=False, reasons=("no_consent",), fields=(), basis=None)


def test_ticking_the_marketing_box_allows_the_newsletter_on_consent(api: LawfulClient) -> None:
    email = _submitted(api, marketing_consent=True)

    decision = api.decide(email=email, purpose="newsletter", fields=EMAIL_ONLY)

    assert (decision.allowed, decision.basis) == (True, "consent")


def test_decide_many_answers_in_the_order_asked(api: LawfulClient) -> None:
    first, second = _submitted(api), _submitted(api)
    unknown = "nobody@example.test"

    decisions = api.decide_many([first, {"email": unknown}, second], purpose="request_followup")

    assert [(d.allowed, d.reasons) for d in decisions] == [
        (True, ()),
        (False, ("unknown_subject",)),
        (True, ()),
    ]


def test_decide_many_sends_long_lists_in_slices_and_keeps_the_order(
    api: LawfulClient, live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    known = [_submitted(api) for _ in range(3)]
    monkeypatch.setattr(client_module, "BATCH_LIMIT", 2)
    batches: list[httpx.Request] = []
    hooks = {"request": [batches.append]}

    with LawfulClient(live.origin, api_key=live.token, event_hooks=hooks) as lawful:
        decisions = lawful.decide_many(
            [known[0], "nobody@example.test", known[1], known[2], "x@example.test"],
            purpose="request_followup",
        )

    assert [d.allowed for d in decisions] == [True, False, True, True, False]
    assert len(batches) == 3


def test_reading_returns_the_submitted_name_with_its_provenance(api: LawfulClient) -> None:
    email = _submitted(api, language="fr")

    reading = api.read(email=email, purpose="request_followup", fields=["user.name"])

    [name] = reading.values
    assert (name.category, name.value, name.activity, name.channel, name.form_key) == (
        "user.name",
        "Anne",
        "request_followup",
        "api",
        "contact",
    )
    assert (name.notice_number, name.language) == (1, "fr")
    assert name.collected_at.tzinfo is not None and name.collected_at <= datetime.now(UTC)


def test_reading_an_unknown_person_is_a_404(api: LawfulClient) -> None:
    with pytest.raises(LawfulAPIError) as raised:
        api.read(email="nobody@example.test", purpose="request_followup")

    assert (raised.value.status, raised.value.code) == (404, "subject_not_found")


def test_the_form_comes_with_its_notice_in_the_language_asked(api: LawfulClient) -> None:
    form = api.form("contact", language="fr")

    assert form.language == "fr"
    assert [(f.key, f.required) for f in form.fields] == [
        ("name", True),
        ("email", True),
        ("phone", False),
        ("message", True),
    ]
    assert "Acme SRL" in form.notice and form.notice_url.endswith("/privacy?lang=fr")


def test_an_undeclared_form_field_is_an_error_naming_it(api: LawfulClient) -> None:
    fields = {"name": "Anne", "email": "u@example.test", "message": "Hi", "birthdate": "2001-01-01"}

    with pytest.raises(LawfulAPIError) as raised:
        api.submit_form("contact", fields)

    error = raised.value
    assert (error.status, error.code, error.problems[0]["path"]) == (
        422,
        "submission_invalid",
        "fields.birthdate",
    )


def test_a_question_without_an_identity_is_an_error_naming_the_subject(api: LawfulClient) -> None:
    with pytest.raises(LawfulAPIError) as raised:
        api.decide(purpose="request_followup")

    assert (raised.value.status, raised.value.code) == (422, "invalid_input")
    assert [p["path"] for p in raised.value.problems] == ["body.subject"]


def test_a_wrong_api_key_is_refused_with_401(live: Live) -> None:
    with LawfulClient(live.origin, api_key="lw_not-a-key") as lawful, pytest.raises(LawfulAPIError) as raised:
        lawful.decide(email="anne@example.test", purpose="request_followup")

    assert (raised.value.status, raised.value.code) == (401, "unauthorised")


def test_staff_intake_creates_a_person_once_then_updates_them(api: LawfulClient) -> None:
    email = f"s-{uuid.uuid4().hex[:8]}@example.test"
    collection = {
        "activity": "request_followup",
        "channel": "email",
        "collected_at": datetime(2026, 1, 5, tzinfo=UTC),
    }
    first = api.record(
        subject_category="prospect", collection=collection, values={"user.name": "Bob"}, email=email
    )

    second = api.record(
        subject_category="prospect", collection=collection, values={"user.name": "Robert"}, email=email
    )

    assert (first.created, second.created, second.subject_id) == (True, False, first.subject_id)
    assert second.changed == ("user.name",)


def test_no_identity_ever_appears_in_a_request_url(live: Live) -> None:
    urls: list[str] = []
    hooks = {"request": [lambda request: urls.append(str(request.url))]}
    with LawfulClient(live.origin, api_key=live.token, event_hooks=hooks) as lawful:
        email = _submitted(lawful)

        lawful.form("contact", language="nl")
        lawful.decide(email=email, purpose="request_followup")
        lawful.decide_many([email], purpose="newsletter")
        lawful.read(email=email, purpose="request_followup")

    assert len(urls) == 5 and not any("@" in url or "example.test" in url for url in urls), urls


def test_a_server_that_does_not_answer_times_out_as_configured() -> None:
    with socket.socket() as silent:  # accepts connections in the backlog, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        origin = f"http://127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()

        with LawfulClient(origin, timeout=0.2) as lawful, pytest.raises(httpx.ReadTimeout):
            lawful.form("contact")

    assert time.monotonic() - started < 5


class _BadGateway(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        page = b"<html><body>502 Bad Gateway</body></html>"
        self.send_response(502)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_proxy_error_page_still_becomes_a_lawful_api_error() -> None:
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), _BadGateway)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()

    try:
        with (
            LawfulClient(f"http://127.0.0.1:{proxy.server_port}") as lawful,
            pytest.raises(LawfulAPIError) as raised,
        ):
            lawful.form("contact")
    finally:
        proxy.shutdown()
        proxy.server_close()

    error = raised.value
    assert (error.status, error.code, error.detail, error.problems) == (502, "http_502", "Bad Gateway", [])


def test_the_client_imports_nothing_else_of_lawful() -> None:
    probe = "import sys, lawful.client; print(sorted(m for m in sys.modules if m.startswith('lawful')))"

    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout

    assert loaded.strip() == "['lawful', 'lawful.client']"
