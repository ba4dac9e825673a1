"""Real Chromium on a live server: the console's home draws the trend charts with the vendored Chart.js,
and loads nothing from another origin (R-125)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser
from pydantic import SecretStr

from lawful import clock, compliance, keystore, processing, staff
from lawful.actor import Actor, ActorKind
from lawful.app import create_app
from lawful.config import Settings
from lawful.db import make_engine, make_sessionmaker
from tests.compliance import worlds
from tests.conftest import MASTER_KEY, fresh_database
from tests.factories import PASSWORD, TRAINED_ON
from tests.live import serving
from tests.registers import as_yaml

pytestmark = pytest.mark.browser
SEEDER = Actor(ActorKind.CLI, label="cli:trend-browser")
EMAIL = "trend-officer@example.test"


@dataclass(frozen=True)
class Live:
    origin: str
    totp_secret: str


def _seed(settings: Settings, keys: keystore.Keys) -> str:
    engine = make_engine(settings.resolved_database_url())
    with make_sessionmaker(engine)() as db:
        version, _ = processing.apply(db, SEEDER, text=as_yaml(worlds.clean_register()), source="tests")
        org = version.organisation_id
        today = clock.today()
        for back in range(5, -1, -1):
            compliance.trends.snapshot(
                db, keys, organisation_id=org, now=worlds.at(today - timedelta(days=back))
            )
        officer = staff.add(
            db, SEEDER, keys, organisation_id=org, email=EMAIL, display_name="Trend Officer", password=PASSWORD,
            roles=[staff.Role.PRIVACY_OFFICER], training_on=TRAINED_ON, confidentiality_on=TRAINED_ON,
        )  # fmt: skip
        db.commit()
    engine.dispose()
    return officer.totp_secret


@pytest.fixture(scope="module")
def live(template_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    directory: Path = tmp_path_factory.mktemp("trend-browser")
    settings = Settings(data_dir=directory, database_url=fresh_database(template_url, directory),
                        master_key=SecretStr(MASTER_KEY), test_mode=True, secure_cookies=False)  # fmt: skip
    app = create_app(settings)
    secret = _seed(settings, app.state.keys)
    with serving(app) as origin:
        yield Live(origin, secret)


def test_the_home_page_draws_both_charts_from_the_local_library(browser: Browser, live: Live) -> None:
    context = browser.new_context(base_url=live.origin)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/console/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.fill("#code", pyotp.TOTP(live.totp_secret).now())
    page.click("button[type=submit]")
    page.wait_for_url(f"{live.origin}/console")

    page.wait_for_selector("html[data-trend-drawn=yes]")
    painted = page.evaluate(
        """() => [...document.querySelectorAll('canvas')].map(c => {
            const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let inked = 0;
            for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { inked++; } }
            return [c.id, c.width > 0 && c.height > 0, inked > 100, !!window.Chart.getChart(c)];
        })"""
    )
    context.close()

    assert painted == [
        ["compliance-overdue-chart", True, True, True],
        ["compliance-handling-chart", True, True, True],
    ]
    assert any("/static/vendor/chart.umd.min." in url for url in requested)
    assert all(url.startswith(live.origin + "/") for url in requested), requested
