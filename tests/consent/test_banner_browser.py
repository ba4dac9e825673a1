"""The cookie banner in real Chromium on the demo company page (R-25..R-29, R-31): nothing before a choice,
one click either way with its proof in lawful, withdrawal, and asking again (fixtures in conftest.py)."""

import json
import time
from collections.abc import Callable
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.consent.banner_site import (
    DemoSite,
    Visit,
    banner_config,
    label,
    proof,
    tracker_requests,
    wait_until,
)

pytestmark = pytest.mark.browser


# --- first layer, nothing before a choice ---------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en", "nl"])
def test_before_any_choice_nothing_runs_and_the_banner_asks_in_the_page_language(
    visit: Callable[..., Visit], crms: str, lang: str
) -> None:
    config = banner_config(crms, lang)
    texts = config["texts"]

    seen = visit(crms, lang=lang)

    banner = seen.banner
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("lang", lang)
    expect(banner).to_have_attribute("aria-modal", "false")
    expect(banner).to_have_accessible_name(texts["title"])
    buttons = [
        banner.get_by_role("button", name=texts[key], exact=True)
        for key in ("accept_all", "refuse_all", "manage")
    ]
    for button in buttons:
        expect(button).to_be_visible()
    classes = {button.get_attribute("class") for button in buttons}
    sizes = {(round(box["width"]), round(box["height"])) for box in (b.bounding_box() or {} for b in buttons)}
    assert len(classes) == 1 and len(sizes) == 1, (classes, sizes)
    expect(banner.get_by_role("link", name=texts["privacy"])).to_have_attribute(
        "href", config["links"]["privacy"]
    )
    expect(banner.get_by_role("link", name=texts["cookies"])).to_have_attribute(
        "href", config["links"]["cookies"]
    )
    assert seen.analytics_ran() is False
    assert seen.context.cookies() == []
    assert tracker_requests(seen) == [] and seen.blocked == []
    assert seen.page.locator("iframe").get_attribute("src") is None
    expect(seen.page.get_by_role("button", name=texts["load_content"])).to_be_visible()
    assert seen.errors == [] and seen.violations() == []


# --- one click either way, and the proof ----------------------------------------------


@pytest.mark.parametrize(("action", "on"), [("refuse_all", False), ("accept_all", True)])
def test_refusing_takes_one_click_like_accepting_and_the_choice_reaches_lawful(
    visit: Callable[..., Visit], crms: str, action: str, on: bool
) -> None:
    config = banner_config(crms)
    seen = visit(crms)

    seen.banner.get_by_role("button", name=config["texts"][action], exact=True).click()

    expect(seen.banner).to_be_hidden()
    consent_id = seen.consent_id()
    stored = seen.stored() or {}
    every = {
        "analytics": int(on),
        "social_media": int(on),
    }  # the CRMS site: Google Analytics, the LinkedIn feed
    assert (stored["id"], stored["v"], stored["c"]) == (consent_id, config["version"], every)
    assert abs(stored["t"] - time.time()) < 60
    record = proof(crms, consent_id)[-1]
    assert (record["choices"], record["version"], record["language"], record["gpc"]) == (
        {"analytics": on, "social_media": on},
        config["version"],
        "fr",
        False,
    )
    if on:
        wait_until(seen, seen.analytics_ran)
        assert seen.cookies()["_ga"] == "GA1.1.123"
    else:
        assert not seen.analytics_ran() and "_ga" not in seen.cookies()
        assert tracker_requests(seen) == []
    assert seen.errors == [] and seen.blocked == []


def test_after_refusing_the_contact_form_still_works(visit: Callable[..., Visit], crms: str) -> None:
    texts = banner_config(crms)["texts"]
    seen = visit(crms)
    seen.banner.get_by_role("button", name=texts["refuse_all"], exact=True).click()

    seen.page.get_by_role("link", name="Nous contacter").click()

    seen.page.wait_for_url(f"{crms}/forms/contact?lang=fr")
    expect(seen.page.locator("form input[type=email]")).to_be_visible()


# --- the persistent link, withdrawal ---------------------------------------------------------------


def test_withdrawing_analytics_through_the_manage_link_removes_its_cookies_and_stops_it(
    visit: Callable[..., Visit], crms: str
) -> None:
    config = banner_config(crms)
    seen = visit(crms)
    seen.banner.get_by_role("button", name=config["texts"]["accept_all"], exact=True).click()
    wait_until(seen, seen.analytics_ran)
    consent_id = seen.consent_id()
    assert {"_ga", "_ga_DEMO42"} <= set(seen.cookies())

    seen.page.locator("footer [data-lawful-manage]").click()
    switch = seen.banner.get_by_role("switch", name=label(config, "analytics"))
    expect(switch).to_be_checked()  # the current state
    switch.uncheck()
    seen.requests.clear()
    with seen.page.expect_navigation():
        seen.banner.get_by_role("button", name=config["texts"]["save"], exact=True).click()

    seen.page.wait_for_load_state()
    assert not {"_ga", "_ga_DEMO42"} & set(seen.cookies())
    assert not seen.analytics_ran() and not any(
        url.endswith("/analytics.js") for url in tracker_requests(seen)
    )
    expect(seen.banner).to_be_hidden()
    assert [r["choices"] for r in proof(crms, consent_id)] == [
        {"analytics": True, "social_media": True},
        {"analytics": False, "social_media": True},  # the LinkedIn feed stays accepted
    ]
    assert (seen.stored() or {})["id"] == consent_id


def test_a_page_without_a_manage_link_gets_a_small_fixed_button(
    visit: Callable[..., Visit], crms: str
) -> None:
    config = banner_config(crms)
    seen = visit(crms, manage=False)
    seen.banner.get_by_role("button", name=config["texts"]["accept_all"], exact=True).click()

    button = seen.page.locator("button[data-lawful-manage]")
    expect(button).to_have_text(config["texts"]["manage_link"])
    button.click()

    expect(seen.banner.get_by_role("switch", name=label(config, "analytics"))).to_be_checked()
    expect(button).to_be_hidden()


# --- asked again only when something changed ------------------------------------------------------


@pytest.mark.parametrize(
    ("stored_version", "age_days", "asked"),
    [("current", 1, False), ("0123456789abcdef", 1, True), ("current", 200, True)],
    ids=["fresh", "new-inventory", "expired"],
)
def test_the_banner_asks_again_only_when_the_inventory_changed_or_the_choice_expired(
    visit: Callable[..., Visit], site: DemoSite, crms: str, stored_version: str, age_days: int, asked: bool
) -> None:
    config = banner_config(crms)
    version = config["version"] if stored_version == "current" else stored_version
    choice = {"id": None, "v": version, "c": {"analytics": 1}, "t": int(time.time()) - age_days * 86400}
    cookie = {"name": "lawful_consent", "value": quote(json.dumps(choice), safe=""), "url": site.origin}

    seen = visit(crms, cookies=(cookie,))

    if asked:
        expect(seen.banner).to_be_visible()
        assert not seen.analytics_ran()
        seen.banner.get_by_role("button", name=config["texts"]["manage"], exact=True).click()
        expect(seen.banner.get_by_role("switch", name=label(config, "analytics"))).to_be_checked()
    else:
        wait_until(seen, seen.analytics_ran)
        expect(seen.banner).to_have_count(0)
