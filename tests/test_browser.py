"""Real Chromium against a live server: public notices in three languages, privacy, keyboard, console login."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect
from pydantic import SecretStr

from lawful import keystore, notices, processing, staff
from lawful.actor import Actor, ActorKind
from lawful.app import create_app
from lawful.config import Settings
from lawful.db import make_engine, make_sessionmaker
from tests.conftest import MASTER_KEY, fresh_database
from tests.factories import PASSWORD, TRAINED_ON
from tests.live import serving
from tests.registers import as_yaml, example, minimal

pytestmark = pytest.mark.browser

SEEDER = Actor(ActorKind.CLI, label="cli:browser-tests")
OFFICER_EMAIL = "officer@example.test"


@dataclass(frozen=True)
class Live:
    origin: str
    totp_secret: str


def _register_text() -> str:
    """The CRMS example register, or the minimal one should the example stop being valid."""
    text = example("crms")
    register, _ = processing.check(text)
    return text if register is not None else as_yaml(minimal())


def _seed(settings: Settings, keys: keystore.Keys) -> str:
    """Apply a register, publish both notices and add a privacy officer; returns the TOTP secret."""
    engine = make_engine(settings.resolved_database_url())
    with make_sessionmaker(engine)() as db:
        version, _ = processing.apply(db, SEEDER, text=_register_text(), source="browser-tests")
        for kind in (notices.NoticeKind.PRIVACY, notices.NoticeKind.COOKIES):
            notices.publish(db, SEEDER, organisation_id=version.organisation_id, kind=kind)
        officer = staff.add(
            db,
            SEEDER,
            keys,
            organisation_id=version.organisation_id,
            email=OFFICER_EMAIL,
            display_name="Browser Officer",
            password=PASSWORD,
            roles=[staff.Role.PRIVACY_OFFICER],
            training_on=TRAINED_ON,
            confidentiality_on=TRAINED_ON,
        )
        db.commit()
    engine.dispose()
    return officer.totp_secret


@pytest.fixture(scope="module")
def live(template_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    directory = tmp_path_factory.mktemp("browser")
    settings = Settings(
        data_dir=directory,
        database_url=fresh_database(template_url, directory),
        master_key=SecretStr(MASTER_KEY),
        test_mode=True,
        secure_cookies=False,
    )
    app = create_app(settings)
    secret = _seed(settings, app.state.keys)  # the keys the server itself decrypts TOTP secrets with
    with serving(app) as origin:
        yield Live(origin, secret)


@pytest.fixture
def open_page(browser: Browser, live: Live) -> Iterator[Callable[..., Page]]:
    """A page in a fresh browser context (no cookies, no cache) with the given context options."""
    contexts = []

    def open_(**options: Any) -> Page:
        context = browser.new_context(base_url=live.origin, **options)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: Callable[..., Page]) -> Page:
    return open_page()


@pytest.mark.parametrize(
    ("lang", "title"),
    [("en", "Privacy notice"), ("fr", "Déclaration de confidentialité"), ("nl", "Privacyverklaring")],
)
def test_the_privacy_notice_shows_every_art_13_section_in_each_language(
    page: Page, lang: str, title: str
) -> None:
    page.goto(f"/privacy?lang={lang}")

    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text() == title
    for element in notices.PRIVACY_ELEMENTS:
        assert page.locator(f"section[data-element={element}]").is_visible(), element


def test_reading_the_notices_leaves_no_cookie_in_the_browser(page: Page) -> None:
    page.goto("/privacy")
    page.goto("/cookies")

    assert page.context.cookies() == []


def test_the_notice_pages_load_nothing_from_another_origin(page: Page, live: Live) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    for path in ("/privacy", "/cookies", "/privacy/versions"):
        page.goto(path)

    assert requested and all(url.startswith(live.origin + "/") for url in requested), requested


def test_a_dutch_speaking_browser_gets_the_dutch_notice_without_asking(
    open_page: Callable[..., Page],
) -> None:
    page = open_page(locale="nl-BE", extra_http_headers={"Accept-Language": "nl-BE,nl;q=0.9,en;q=0.5"})

    page.goto("/privacy")

    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").inner_text() == "Privacyverklaring"


def test_the_translation_note_leads_to_the_prevailing_french_version(page: Page) -> None:
    page.goto("/privacy?lang=en")

    page.locator("[data-element=translation] a[hreflang=fr]").click()

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.locator("h1").inner_text() == "Déclaration de confidentialité"


def test_the_first_tab_focuses_the_skip_link(page: Page) -> None:
    page.goto("/privacy?lang=en")

    page.keyboard.press("Tab")

    expect(page.locator("a.skip")).to_be_focused()


def test_the_skip_link_moves_focus_to_the_main_content(page: Page) -> None:
    page.goto("/privacy?lang=en")

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()


def test_the_console_login_opens_the_register_and_keeps_the_session_in_a_strict_httponly_cookie(
    page: Page, live: Live
) -> None:
    page.goto("/console/login")
    page.fill("#email", OFFICER_EMAIL)
    page.fill("#password", PASSWORD)

    page.fill("#code", pyotp.TOTP(live.totp_secret).now())
    page.click("button[type=submit]")

    page.wait_for_url(f"{live.origin}/console")
    assert "Register of" in page.locator("h1").inner_text()
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    session = cookies["lawful_session"]
    assert (session["httpOnly"], session["sameSite"], session["path"]) == (True, "Strict", "/console")
