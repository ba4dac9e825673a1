"""The cookie banner's harder cases in real Chromium (R-25..R-29, R-31): Global Privacy Control, inert social
embeds, lawful unreachable or hanging, the keyboard, and a strict CSP (fixtures in conftest.py)."""

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.consent.banner_site import (
    Visit,
    banner_config,
    label,
    proof,
    tracker_requests,
    wait_until,
)
from tests.live import free_port as _free_port

pytestmark = pytest.mark.browser


# --- GPC, R-31: social embeds -----------------------------------------------------------------------------


def test_with_global_privacy_control_accept_all_leaves_marketing_and_social_media_off(
    visit: Callable[..., Visit], qualifio: str
) -> None:
    config = banner_config(qualifio)
    assert sorted(config["gpc_refuses"]) == ["marketing", "social_media"]
    seen = visit(
        qualifio,
        extra_http_headers={"Sec-GPC": "1"},
        init_scripts=("Object.defineProperty(navigator, 'globalPrivacyControl', {get: () => true});",),
    )

    with seen.page.expect_request(lambda r: r.url == config["endpoint"] and r.method == "POST") as posted:
        seen.banner.get_by_role("button", name=config["texts"]["accept_all"], exact=True).click()

    sent = posted.value.post_data_json or {}
    assert (sent["gpc"], sent["choices"]) == (True, {"marketing": False, "social_media": False})
    record = proof(qualifio, seen.consent_id())[-1]
    assert (record["gpc"], record["choices"]) == (True, {"marketing": False, "social_media": False})
    assert (seen.stored() or {})["c"] == {"marketing": 0, "social_media": 0}
    assert seen.page.locator("iframe").get_attribute("src") is None and tracker_requests(seen) == []
    seen.page.locator("footer [data-lawful-manage]").click()
    for key in ("marketing", "social_media"):
        switch = seen.banner.get_by_role("switch", name=label(config, key))
        expect(switch).to_be_disabled()
        expect(switch).not_to_be_checked()
        expect(switch).to_have_accessible_description(config["texts"]["gpc"])


def test_social_embeds_stay_inert_until_the_social_category_is_accepted(
    visit: Callable[..., Visit], qualifio: str
) -> None:
    texts = banner_config(qualifio)["texts"]
    seen = visit(qualifio)
    iframe = seen.page.locator("iframe")
    assert iframe.get_attribute("src") is None and tracker_requests(seen) == []

    seen.banner.get_by_role("button", name=texts["accept_all"], exact=True).click()

    expect(iframe).to_have_attribute("src", "linkedin-feed.html")
    expect(seen.page.frame_locator("iframe").get_by_text("CRMS Solutions on LinkedIn")).to_be_visible()
    expect(seen.page.get_by_role("button", name=texts["load_content"])).to_have_count(0)


def test_load_this_content_activates_that_embed_only_and_records_no_choice(
    visit: Callable[..., Visit], crms: str
) -> None:
    texts = banner_config(crms)["texts"]
    seen = visit(crms)

    seen.page.get_by_role("button", name=texts["load_content"]).click()

    expect(seen.page.frame_locator("iframe").get_by_text("CRMS Solutions on LinkedIn")).to_be_visible()
    expect(seen.banner).to_be_visible()
    assert not seen.analytics_ran() and seen.cookies() == {}


@pytest.mark.parametrize("case", ["script-down", "api-down", "api-hangs"])
def test_the_page_keeps_working_when_lawful_is_unreachable(
    visit: Callable[..., Visit], crms: str, silent_origin: str, case: str
) -> None:
    closed = f"http://127.0.0.1:{_free_port()}"
    script, api = {
        "script-down": (closed, closed),
        "api-down": (crms, closed),
        "api-hangs": (crms, silent_origin),
    }[case]
    started = time.monotonic()

    seen = visit(script, api=api)

    assert time.monotonic() - started < 10  # the load event is not held up by lawful
    expect(seen.page.get_by_role("heading", level=1)).to_be_visible()
    if case != "script-down":
        wait_until(seen, lambda: any("lawful banner" in m.text for m in seen.console if m.type == "warning"))
        seen.page.locator("footer [data-lawful-manage]").click()  # does nothing, throws nothing
        seen.page.get_by_role("button", name="Charger ce contenu").click()  # the fallback text
        expect(seen.page.frame_locator("iframe").get_by_text("CRMS Solutions on LinkedIn")).to_be_visible()
    expect(seen.banner).to_have_count(0)
    assert seen.errors == []
    assert not seen.analytics_ran() and "analytics.js" not in " ".join(seen.requests)
    assert seen.cookies() == {}


# --- keyboard --------------------------------------------------------------------------------------------


def test_tab_reaches_the_three_buttons_inside_the_banner_and_enter_on_refuse_completes_the_choice(
    visit: Callable[..., Visit], crms: str
) -> None:
    texts = banner_config(crms)["texts"]
    seen = visit(crms)
    keyboard = seen.page.keyboard
    expect(seen.banner).to_be_focused()

    reached = []
    for _ in range(6):
        keyboard.press("Tab")
        reached.append(seen.page.evaluate("document.activeElement.textContent"))
    assert reached == [
        texts["privacy"],
        texts["cookies"],
        texts["accept_all"],
        texts["refuse_all"],
        texts["manage"],
        texts["privacy"],  # Tab stays inside the banner
    ]
    for _ in range(3):
        keyboard.press("Tab")
    expect(seen.banner.get_by_role("button", name=texts["refuse_all"], exact=True)).to_be_focused()
    keyboard.press("Enter")

    expect(seen.banner).to_be_hidden()
    assert (seen.stored() or {})["c"] == {"analytics": 0, "social_media": 0}
    assert seen.page.evaluate("document.activeElement === document.body")  # where it was before
    assert not seen.analytics_ran()


def test_escape_is_never_consent(visit: Callable[..., Visit], crms: str) -> None:
    texts = banner_config(crms)["texts"]
    seen = visit(crms)
    seen.banner.get_by_role("button", name=texts["manage"], exact=True).click()

    seen.page.keyboard.press("Escape")  # leaves the second layer
    expect(seen.banner.get_by_role("button", name=texts["manage"], exact=True)).to_be_focused()
    seen.page.keyboard.press("Escape")  # gives the focus back; the banner stays

    expect(seen.banner).to_be_visible()
    assert seen.page.evaluate("document.activeElement === document.body")
    assert seen.stored() is None and not seen.analytics_ran()


# --- CSP -------------------------------------------------------------------------------------------------


def test_a_strict_csp_on_the_page_sees_no_violation_through_a_whole_visit(
    visit: Callable[..., Visit], crms: str
) -> None:
    config = banner_config(crms)
    texts = config["texts"]
    seen = visit(crms)

    seen.banner.get_by_role("button", name=texts["manage"], exact=True).click()
    seen.banner.get_by_role("switch", name=label(config, "analytics")).check()
    seen.banner.get_by_role("button", name=texts["save"], exact=True).click()
    wait_until(seen, seen.analytics_ran)
    seen.page.get_by_role("button", name=texts["load_content"]).click()
    expect(seen.page.frame_locator("iframe").get_by_text("CRMS Solutions on LinkedIn")).to_be_visible()
    seen.page.locator("footer [data-lawful-manage]").click()
    seen.banner.get_by_role("button", name=texts["close_manage"], exact=True).click()
    seen.consent_id()

    assert seen.violations() == [] and seen.errors == []
    # The policy is enforced and the recorder works: an inline style attribute is reported.
    seen.page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    wait_until(seen, lambda: bool(seen.page.evaluate("window.__violations.length")))
