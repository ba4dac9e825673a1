"""The people's pages in Chromium: one live lawful (the people register with audience measurement and a
brand colour, both notices, real SMTP) and the demo company site whose banner talks to it, started once per
module; a person with an answered access request and a newsletter subscriber give the token pages."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
import uvicorn
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page

from lawful import consent, dsr, intake, notices, processing
from lawful.app import create_app
from lawful.config import Settings
from lawful.intake.tokens import update_url
from tests.conftest import PG_URL, _Collector, drop_database, fresh_database
from tests.consent.banner_site import DemoHandler, DemoSite
from tests.dsr.center import SEEDER, Live
from tests.factories import make_fulfilled_request, make_person
from tests.live import free_port, release, wait_until_healthy
from tests.registers import as_yaml, measured, minimal, people

BRAND = "#1f5f3a"  # 7.6:1 against white
YES = consent.Proof(text="Oui", text_version="1", language="fr", channel="web_form", element="x")


@dataclass(frozen=True)
class World:
    live: Live
    site: DemoSite
    status: str  # an answered request's status page
    answer: str  # its answer page
    preferences: str
    unsubscribe: str
    update: str  # the person's own update page


def register() -> dict[str, Any]:
    """people() plus what makes the banner ask (audience measurement on consent) and a brand colour."""
    document, extra, base = people(), measured(), minimal()
    for part in ("subject_categories", "data_categories", "recipients", "activities", "trackers"):
        document[part] += [item for item in extra[part] if item not in base[part]]
    document["organisation"]["brand"] = {"colour": BRAND}
    return document


@pytest.fixture(scope="module")
def world(template_url: str, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    directory = tmp_path_factory.mktemp("public-pages")
    inbox: list[EmailMessage] = []
    smtp = Controller(_Collector(inbox), hostname="127.0.0.1", port=free_port())
    smtp.start()
    demo = ThreadingHTTPServer(("127.0.0.1", 0), DemoHandler)
    threading.Thread(target=demo.serve_forever, daemon=True).start()
    site = DemoSite(f"http://127.0.0.1:{demo.server_address[1]}")
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    url = fresh_database(template_url, directory)
    update = {
        "data_dir": directory,
        "database_url": url,
        "base_url": origin,
        "smtp_port": smtp.port,
        "banner_origins": [site.origin],
    }
    app = create_app(settings.model_copy(update=update))
    keys = app.state.keys
    with app.state.sessionmaker() as db:
        org = processing.apply(db, SEEDER, text=as_yaml(register()), source="public-tests")[0].organisation_id
        for kind in (notices.NoticeKind.PRIVACY, notices.NoticeKind.COOKIES):
            notices.publish(db, SEEDER, organisation_id=org, kind=kind)
        answered = make_person(
            db, keys, org, email="answered@example.test", values={"user.name": "Ann Swered"}
        )
        update_page = update_url(
            "", keys, intake.create_update_link(db, SEEDER, subject_id=answered.subject.id).id
        )
        request = make_fulfilled_request(
            db, SEEDER, keys, org, kinds=["access"], email="answered@example.test", base_url=origin
        )
        subscriber = make_person(db, keys, org, email="reader@example.test", activity="newsletter").subject.id
        consent.record(
            db,
            SEEDER,
            organisation_id=org,
            subject_id=subscriber,
            purpose="newsletter",
            kind=consent.EventKind.GIVEN,
            proof=YES,
        )
        db.commit()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until_healthy(origin, thread)
    yield World(
        live=Live(origin, app.state.sessionmaker, keys, app.state.settings, org, inbox, []),
        site=site,
        status=f"/rights/{dsr.status_token(keys, request.id)}",
        answer=f"/rights/{dsr.steps.download_token(keys, request.id)}/answer",
        preferences=f"/u/preferences/{consent.preferences.token(keys, subscriber)}",
        unsubscribe=f"/u/{consent.optin.unsubscribe_token(keys, subscriber, 'newsletter')}",
        update=update_page,
    )
    server.should_exit = True
    thread.join(timeout=10)
    release(app)
    demo.shutdown()
    demo.server_close()
    smtp.stop()
    app.state.engine.dispose()
    if PG_URL:
        drop_database(url)


@pytest.fixture
def page(browser: Browser, world: World) -> Iterator[Page]:
    context = browser.new_context(base_url=world.live.origin)
    yield context.new_page()
    context.close()
