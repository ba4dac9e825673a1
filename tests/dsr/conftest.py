"""A live lawful server with real SMTP and a stand-in email platform, and Chromium, for the privacy center."""

import threading
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
import uvicorn
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page

from lawful import notices, processing
from lawful.app import create_app
from lawful.config import Settings
from tests.conftest import PG_URL, _Collector, drop_database, fresh_database
from tests.dsr.center import SEEDER, Live, platform
from tests.live import free_port, release, wait_until_healthy
from tests.registers import as_yaml, people


@pytest.fixture(scope="module")
def live(
    request: pytest.FixtureRequest,
    template_url: str,
    settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Live]:
    directory = tmp_path_factory.mktemp("dsr-browser")
    inbox: list[EmailMessage] = []
    smtp = Controller(_Collector(inbox), hostname="127.0.0.1", port=free_port())
    smtp.start()
    hubspot_api, posts = platform()
    threading.Thread(target=hubspot_api.serve_forever, daemon=True).start()  # stopped by shutdown()
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    url = fresh_database(template_url, directory)
    update = {"data_dir": directory, "database_url": url, "base_url": origin, "smtp_port": smtp.port}
    app = create_app(settings.model_copy(update=update))  # the test settings, with this server's mail and URL
    document = getattr(request.module, "REGISTER", people)()  # a module may bring its own register
    hubspot = next(r for r in document["recipients"] if r["key"] == "hubspot")
    hubspot["endpoint"] = f"http://127.0.0.1:{hubspot_api.server_address[1]}/gdpr"
    with app.state.sessionmaker() as db:
        org = processing.apply(db, SEEDER, text=as_yaml(document), source="browser-tests")[0].organisation_id
        notices.publish(db, SEEDER, organisation_id=org, kind=notices.NoticeKind.PRIVACY)
        db.commit()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until_healthy(origin, thread)
    yield Live(origin, app.state.sessionmaker, app.state.keys, app.state.settings, org, inbox, posts)
    server.should_exit = True
    thread.join(timeout=10)
    release(app)
    hubspot_api.shutdown()
    hubspot_api.server_close()
    smtp.stop()
    app.state.engine.dispose()
    if PG_URL:
        drop_database(url)


@pytest.fixture
def page(browser: Browser, live: Live) -> Iterator[Page]:
    context = browser.new_context(base_url=live.origin, locale="fr-BE")  # a French speaker's browser
    yield context.new_page()
    context.close()
