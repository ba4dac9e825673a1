"""The case page in real Chromium: its 72-hour clock counts down live and turns red when the hours are over."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect
from pydantic import SecretStr

from lawful import breaches, clock, keystore, staff
from lawful.app import create_app
from lawful.config import Settings
from lawful.db import make_engine, make_sessionmaker
from tests.conftest import MASTER_KEY, fresh_database
from tests.factories import ACTOR, PASSWORD, make_register, make_staff
from tests.live import serving
from tests.registers import people

pytestmark = pytest.mark.browser

AWARE = datetime.fromisoformat("2026-05-01T10:00:00+02:00")
NOW = AWARE + timedelta(hours=72) - timedelta(seconds=3)  # the server's time: three seconds left
OFFICER = "officer@example.test"


@dataclass(frozen=True)
class Live:
    origin: str
    totp_secret: str


def _seed(settings: Settings, keys: keystore.Keys) -> str:
    engine = make_engine(settings.resolved_database_url())
    with make_sessionmaker(engine)() as db, clock.pinned(NOW):
        org = make_register(db, people()).organisation_id
        officer = make_staff(db, keys, org, [staff.Role.PRIVACY_OFFICER], email=OFFICER)
        facts = breaches.BreachCreate(title="Laptop stolen", summary="left on a train", aware_at=AWARE)
        breaches.open_case(db, ACTOR, organisation_id=org, facts=facts)
        db.commit()
    engine.dispose()
    return officer.totp_secret


@pytest.fixture(scope="module")
def live(template_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    directory = tmp_path_factory.mktemp("breach-browser")
    settings = Settings(
        data_dir=directory,
        database_url=fresh_database(template_url, directory),
        master_key=SecretStr(MASTER_KEY),
        test_mode=True,
        secure_cookies=False,
        audit_seal_seconds=0,
    )
    app = create_app(settings)
    secret = _seed(settings, app.state.keys)
    with serving(app) as origin:
        yield Live(origin, secret)


@pytest.fixture(scope="module")
def page(browser: Browser, live: Live) -> Iterator[Page]:
    """A privacy officer signed in to the console once (an authenticator code is accepted once), every
    request at the server time NOW (test mode)."""
    context = browser.new_context(base_url=live.origin, extra_http_headers={"X-Lawful-Now": NOW.isoformat()})
    opened = context.new_page()
    opened.goto("/console/login")
    opened.fill("#email", OFFICER)
    opened.fill("#password", PASSWORD)
    opened.fill("#code", pyotp.TOTP(live.totp_secret).at(NOW))
    opened.click("button[type=submit]")
    opened.wait_for_url(f"{live.origin}/console")
    yield opened
    context.close()


def test_the_case_page_clock_counts_down_and_turns_red_after_72_hours(page: Page) -> None:
    page.goto("/console/breaches/B-1")
    the_clock = page.locator("#clock")
    expect(the_clock).to_have_text("0 h 00 min left")
    expect(the_clock).not_to_have_class(re.compile("overdue"))
    assert "2026-05-04 10:00" in page.locator("#deadline").inner_text()

    expect(the_clock).to_have_class(re.compile("overdue"), timeout=10_000)

    expect(the_clock).to_have_text("overdue by 0 h 00 min")
    assert the_clock.evaluate("e => getComputedStyle(e).color") == "rgb(138, 28, 28)"


def test_the_register_lists_the_case_with_its_clock(page: Page) -> None:
    page.goto("/console/breaches")

    row = page.locator("tr[data-breach='B-1']")

    expect(row).to_contain_text("Laptop stolen")
    expect(row.locator(".breach-clock")).to_contain_text("min")
