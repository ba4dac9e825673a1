"""Real Chromium against a live server: the privacy center (/rights) in French, from the request to the answer.
Real SMTP and HTTP servers on loopback; with no job queue, the tests deliver mail and run steps as the jobs do."""

import json
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page, Response, expect, sync_playwright
from sqlalchemy.orm import Session

from lawful import consent, dsr, i18n, intake, keystore, mail, notices, processing, subjects
from lawful.actor import Actor, ActorKind
from lawful.app import create_app
from lawful.config import Settings
from lawful.dsr.tasks import WORKER
from lawful.processing.scan import CHROMIUM_ARGS
from tests.conftest import PG_URL, _Collector, drop_database, fresh_database
from tests.factories import make_person
from tests.live import free_port as _free_port
from tests.live import wait_until_healthy as _wait_until_healthy
from tests.registers import as_yaml, people
from tests.subjects.test_encryption import _dump
from tests.test_browser import CHROMIUM

pytestmark = pytest.mark.browser

SEEDER = Actor(ActorKind.CLI, label="cli:dsr-browser-tests")
WAITING = "En attente de votre code de confirmation."
HANDLING, ANSWERED = "Nous traitons votre demande.", "Traitée."
ACCESS, ERASURE = "Une copie de mes données", "Effacer mes données"


@dataclass(frozen=True)
class Live:
    origin: str
    session: Callable[[], Session]
    keys: keystore.Keys
    settings: Settings
    org: uuid.UUID
    inbox: list[EmailMessage]  # what the SMTP server received
    posts: list[dict[str, Any]]  # what the email platform's API was told


def _platform() -> tuple[HTTPServer, list[dict[str, Any]]]:
    posts: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None: ...

    return HTTPServer(("127.0.0.1", 0), Handler), posts


@pytest.fixture(scope="module")
def live(template_url: str, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    directory = tmp_path_factory.mktemp("dsr-browser")
    inbox: list[EmailMessage] = []
    smtp = Controller(_Collector(inbox), hostname="127.0.0.1", port=_free_port())
    smtp.start()
    platform, posts = _platform()
    threading.Thread(target=platform.serve_forever, daemon=True).start()  # stopped by shutdown()
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    url = fresh_database(template_url, directory)
    update = {"data_dir": directory, "database_url": url, "base_url": origin, "smtp_port": smtp.port}
    app = create_app(settings.model_copy(update=update))  # the test settings, with this server's mail and URL
    document = people()
    hubspot = next(r for r in document["recipients"] if r["key"] == "hubspot")
    hubspot["endpoint"] = f"http://127.0.0.1:{platform.server_address[1]}/gdpr"
    with app.state.sessionmaker() as db:
        org = processing.apply(db, SEEDER, text=as_yaml(document), source="browser-tests")[0].organisation_id
        notices.publish(db, SEEDER, organisation_id=org, kind=notices.NoticeKind.PRIVACY)
        db.commit()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    _wait_until_healthy(origin, thread)
    yield Live(origin, app.state.sessionmaker, app.state.keys, app.state.settings, org, inbox, posts)
    server.should_exit = True
    thread.join(timeout=10)
    platform.shutdown()
    platform.server_close()
    smtp.stop()
    app.state.engine.dispose()
    if PG_URL:
        drop_database(url)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live: Live) -> Iterator[Page]:
    context = browser.new_context(base_url=live.origin, locale="fr-BE")  # a French speaker's browser
    yield context.new_page()
    context.close()


def _address(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:6]}@example.test"


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _ask(page: Page, kind: str, email: str) -> str:
    """On the French form: tick one right, type the address, send; returns the status page's token."""
    page.goto("/rights?lang=fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Vos droits en matière de vie privée")
    page.get_by_label(kind).check()
    page.get_by_label("Votre adresse e-mail").fill(email)
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer ma demande").click()
    found = re.search(r"/rights/([^/?]+)\?lang=fr$", page.url)
    assert found is not None, page.url
    return found.group(1)


def _mail(live: Live, to: str, subject: str) -> str:
    """Deliver the outbox as the mail job does; the text of the last message to `to` with that subject."""
    with live.session() as db:
        mail.deliver_due(db, live.keys, live.settings)
        db.commit()
    found = [m for m in live.inbox if m["To"] == to and str(m["Subject"]).startswith(subject)]
    assert found, [(m["To"], m["Subject"]) for m in live.inbox]
    return str(found[-1].get_content())


def _code(live: Live, to: str) -> str:
    found = re.search(r"saisissez ce code : (\d{6})\s", _mail(live, to, "Votre code pour la demande R-"))
    assert found is not None
    return found.group(1)


def _confirm(page: Page, code: str) -> None:
    page.get_by_label("Code", exact=True).fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer").click()


def _request(live: Live, token: str) -> dsr.Request:
    with live.session() as db:
        return dsr.get(db, request_id=dsr.request_from_token(live.keys, token))  # loaded, then detached


def _status(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_have_text(text)


def _journey(page: Page, live: Live, kind: str, typed: str, *, wrong_first: bool = False) -> dsr.Request:
    """Ask, confirm with the emailed code, let the worker run the steps, open the emailed answer link."""
    email = typed.lower()
    token = _ask(page, kind, typed)
    _status(page, WAITING)
    due = i18n.long_date(_request(live, token).due_on, "fr")
    expect(page.get_by_text(f"Nous répondrons au plus tard le {due}.")).to_be_visible()
    code = _code(live, email)
    if wrong_first:
        _confirm(page, _wrong(code))
    _confirm(page, code)
    _status(page, HANDLING)
    request_id = _request(live, token).id
    with live.session() as db:  # the worker job: every pending step, one commit each
        while dsr.steps.run_next(db, WORKER, live.keys, request_id=request_id, base_url=live.origin):
            db.commit()
    page.reload()
    _status(page, ANSWERED)
    found = re.search(
        r"(\S+/rights/[\w.-]+/answer(?:\?lang=\w+)?)\s", _mail(live, email, "Réponse à votre demande R-")
    )
    assert found is not None and found.group(1).startswith(live.origin + "/rights/")
    page.goto(found.group(1))
    return _request(live, token)


def _download(page: Page, name: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=name, exact=True).click()
    return Path(download.value.path()).read_bytes()


def test_a_known_person_confirms_by_code_and_downloads_her_data_with_their_provenance(
    page: Page, live: Live
) -> None:
    with live.session() as db:
        intake.submit(
            db,
            SEEDER,
            live.keys,
            organisation_id=live.org,
            form_key="contact",
            fields={"name": "Élodie", "email": "elodie@example.test", "message": "Bonjour"},
            marketing_consent=False,
            language="fr",
            channel=subjects.Channel.WEB_FORM,
        )
        db.commit()

    _journey(page, live, ACCESS, "Elodie@EXAMPLE.test")

    assert {"access.html", "access.json", "answer.json"} <= set(page.locator("main li a").all_inner_texts())
    data = json.loads(_download(page, "access.json"))["data"]
    assert ("Élodie", "web_form", "contact") in {(d["value"], d["channel"], d["form"]) for d in data}


def test_erasure_leaves_nothing_readable_an_exclusion_entry_and_tells_the_email_platform(
    page: Page, live: Live, tmp_path: Path
) -> None:
    email, name = _address("gaetan"), "Gaëtan Effacé-Dubois"
    with live.session() as db:
        sid = make_person(
            db, live.keys, live.org, email=email, activity="newsletter", values={"user.name": name}
        ).subject.id
        yes = consent.Proof(text="Oui", text_version="1", language="fr", channel="web_form", element="x")
        given = consent.EventKind.GIVEN
        consent.record(
            db, SEEDER, organisation_id=live.org, subject_id=sid, purpose="newsletter", kind=given, proof=yes
        )
        db.commit()

    request = _journey(page, live, ERASURE, email.upper())

    main = _dump(live.settings.resolved_database_url(), tmp_path)
    keys = b"".join(p.read_bytes() for p in live.settings.data_dir.glob("keys.db*"))  # with -wal and -shm
    assert main and keys
    for secret in (email, email.upper(), name):
        assert secret.encode() not in main and secret.encode() not in keys, secret
    with live.session() as db:
        assert db.get(subjects.Subject, sid) is None
        lookup = consent.suppression_lookup(live.keys, email)
        assert consent.suppressed(db, organisation_id=live.org, lookups=[lookup]) == {lookup}
    assert live.posts == [{"event": ["erasure"], "reference": request.reference, "email": email}]


def test_a_request_about_an_unknown_address_finds_nothing_and_creates_no_record(
    page: Page, live: Live
) -> None:
    with live.session() as db:
        before = subjects.count(db, organisation_id=live.org)

    request = _journey(page, live, ACCESS, _address("inconnu"))

    access = _download(page, "access.html").decode()
    assert "Nous ne détenons aucune donnée à caractère personnel vous concernant." in access
    assert json.loads(_download(page, "answer.json"))["results"]["access"] == {"found": False, "values": 0}
    with live.session() as db:
        assert request.subject_id is None and subjects.count(db, organisation_id=live.org) == before


def test_a_wrong_code_is_refused_with_a_message_and_the_page_still_asks_for_the_code(
    page: Page, live: Live
) -> None:
    email = _address("erreur")
    token = _ask(page, ACCESS, email)

    _confirm(page, _wrong(_code(live, email)))

    expect(page.get_by_role("alert")).to_have_text(
        "Ce code n'est pas correct. Vérifiez le dernier e-mail que nous vous avons envoyé et réessayez."
    )
    _status(page, WAITING)
    expect(page.get_by_label("Code", exact=True)).to_be_visible()
    assert _request(live, token).status == "awaiting_identity"


def test_no_page_of_the_privacy_center_sets_a_cookie(page: Page, live: Live) -> None:
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))

    _journey(page, live, ACCESS, _address("biscuit"), wrong_first=True)
    _download(page, "answer.json")

    paths = {r.url.removeprefix(live.origin).split("?")[0].rsplit("/", 1)[-1] for r in responses}
    assert {"rights", "code", "answer", "answer.json"} <= paths, paths
    assert [r.url for r in responses if r.header_value("set-cookie")] == []
    assert page.context.cookies() == []
