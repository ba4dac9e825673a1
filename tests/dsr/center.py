"""What a person does in the privacy center (/rights) in French, in Chromium, against a live server:
ask, read the code from the real SMTP server, confirm, let the worker's steps run, open the answer."""

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from lawful import dsr, i18n, keystore, mail
from lawful.actor import Actor, ActorKind
from lawful.config import Settings
from lawful.dsr.tasks import WORKER

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


def platform() -> tuple[HTTPServer, list[dict[str, Any]]]:
    """A loopback HTTP server that keeps the JSON body of every POST it receives."""
    posts: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None: ...

    return HTTPServer(("127.0.0.1", 0), Handler), posts


def address(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:6]}@example.test"


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def ask(page: Page, kind: str, email: str, fill: Callable[[Page], None] | None = None) -> str:
    """On the French form: tick one right, continue, fill what it needs, type the address, send; the status token."""
    page.goto("/rights?lang=fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Vos droits en matière de vie privée")
    page.get_by_label(kind).check()
    with page.expect_navigation():  # the first step: what the person wants; then only its fields
        page.get_by_role("button", name="Continuer").click()
    if fill is not None:
        fill(page)
    page.get_by_label("Votre adresse e-mail").fill(email)
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer ma demande").click()
    found = re.search(r"/rights/([^/?]+)\?lang=fr$", page.url)
    assert found is not None, page.url
    return found.group(1)


def mail_text(live: Live, to: str, subject: str) -> str:
    """Deliver the outbox as the mail job does; the text of the last message to `to` with that subject."""
    with live.session() as db:
        mail.deliver_due(db, live.keys, live.settings)
        db.commit()
    found = [m for m in live.inbox if m["To"] == to and str(m["Subject"]).startswith(subject)]
    assert found, [(m["To"], m["Subject"]) for m in live.inbox]
    return str(found[-1].get_content())


def code(live: Live, to: str) -> str:
    found = re.search(r"saisissez ce code : (\d{6})\s", mail_text(live, to, "Votre code pour la demande R-"))
    assert found is not None
    return found.group(1)


def confirm(page: Page, code: str) -> None:
    page.get_by_label("Code", exact=True).fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer").click()


def request_of(live: Live, token: str) -> dsr.Request:
    with live.session() as db:
        return dsr.get(db, request_id=dsr.request_from_token(live.keys, token))  # loaded, then detached


def status(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_have_text(text)


def journey(
    page: Page,
    live: Live,
    kind: str,
    typed: str,
    *,
    wrong_first: bool = False,
    fill: Callable[[Page], None] | None = None,
) -> dsr.Request:
    """Ask, confirm with the emailed code, let the worker run the steps, open the emailed answer link."""
    email = typed.lower()
    token = ask(page, kind, typed, fill)
    status(page, WAITING)
    due = i18n.long_date(request_of(live, token).due_on, "fr")
    expect(page.get_by_text(f"Nous répondrons au plus tard le {due}.")).to_be_visible()
    emailed = code(live, email)
    if wrong_first:
        confirm(page, wrong(emailed))
    confirm(page, emailed)
    return finish(page, live, token, email)


def finish(page: Page, live: Live, token: str, email: str) -> dsr.Request:
    """From "we are handling it": the worker's steps, the status page, then the emailed answer link."""
    status(page, HANDLING)
    request_id = request_of(live, token).id
    with live.session() as db:  # the worker job: every pending step, one commit each
        while dsr.steps.run_next(db, WORKER, live.keys, request_id=request_id, base_url=live.origin):
            db.commit()
    page.reload()
    status(page, ANSWERED)
    found = re.search(
        r"(\S+/rights/[\w.-]+/answer(?:\?lang=\w+)?)\s", mail_text(live, email, "Réponse à votre demande R-")
    )
    assert found is not None and found.group(1).startswith(live.origin + "/rights/")
    page.goto(found.group(1))
    return request_of(live, token)


def download(page: Page, name: str) -> bytes:
    with page.expect_download() as downloaded:
        page.get_by_role("link", name=name, exact=True).click()
    return Path(downloaded.value.path()).read_bytes()
