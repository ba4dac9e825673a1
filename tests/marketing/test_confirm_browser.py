"""The newsletter's double opt-in in Chromium against a live server: the link from the real mail opens a
page in the person's language; only its button confirms (mail scanners open links, R-21)."""

import re
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, expect
from sqlalchemy import func, select

from lawful import mail, notices, processing, subjects
from lawful.app import create_app
from lawful.config import Settings
from lawful.db import make_engine
from lawful.subjects import Subject
from tests.conftest import PG_URL, _Collector, drop_database, fresh_database
from tests.dsr.center import SEEDER, Live
from tests.live import free_port, serving
from tests.registers import as_yaml, people


@pytest.fixture(scope="module")
def live(template_url: str, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    directory = tmp_path_factory.mktemp("confirm-browser")
    inbox: list[EmailMessage] = []
    smtp = Controller(_Collector(inbox), hostname="127.0.0.1", port=free_port())
    smtp.start()
    url = fresh_database(template_url, directory)
    update = {"data_dir": directory, "database_url": url, "smtp_port": smtp.port}
    app = create_app(settings.model_copy(update=update))
    with app.state.sessionmaker() as db:
        org = processing.apply(db, SEEDER, text=as_yaml(people()), source="browser-tests")[0].organisation_id
        notices.publish(db, SEEDER, organisation_id=org, kind=notices.NoticeKind.PRIVACY)
        db.commit()
    with serving(app) as origin:
        app.state.settings.base_url = origin  # the links in the mails point at this server
        yield Live(origin, app.state.sessionmaker, app.state.keys, app.state.settings, org, inbox, [])
    smtp.stop()
    app.state.engine.dispose()
    if PG_URL:
        drop_database(url)


def _subscribers(live: Live) -> int:
    """Counted through a connection of its own, as another process would see the database."""
    engine = make_engine(live.settings.resolved_database_url())
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(Subject)) or 0)
    finally:
        engine.dispose()


def test_the_person_confirms_with_the_button_on_a_page_in_their_language(
    browser: Browser, live: Live
) -> None:
    context = browser.new_context(base_url=live.origin, locale="fr-BE")  # the browser says French
    page = context.new_page()
    answer = page.request.post(
        "/api/newsletters/newsletter/subscriptions", data={"email": "lien@example.test", "language": "nl"}
    )
    assert answer.status == 202
    with live.session() as db:
        mail.deliver_due(db, live.keys, live.settings)
        db.commit()
    [message] = [m for m in live.inbox if m["To"] == "lien@example.test"]
    found = re.search(r"(http://\S+/u/confirm/\S+)", message.get_content())
    assert found is not None

    page.goto(found.group(1))  # what a mail scanner does too

    expect(page.locator("html")).to_have_attribute(
        "lang", "nl"
    )  # the language subscribed in outranks the browser's
    expect(page.locator("h1")).to_have_text("Bevestig uw inschrijving")
    assert _subscribers(live) == 0
    with page.expect_navigation():
        page.get_by_role("button", name="Mijn inschrijving bevestigen").click()
    expect(page.get_by_role("status")).to_contain_text("uw inschrijving is bevestigd")
    assert _subscribers(live) == 1
    with live.session() as db:
        assert subjects.find_by_identity(
            db,
            live.keys,
            organisation_id=live.org,
            kind=subjects.IdentityKind.EMAIL,
            value="lien@example.test",
        )
    context.close()
