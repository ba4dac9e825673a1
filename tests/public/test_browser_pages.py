"""The people's pages in real Chromium (issue 21): axe-core finds no serious or critical WCAG 2.1 AA
violation on any of them in EN, FR and NL (banner open, each privacy-center step, a form with errors, the
status and answer pages, preferences and unsubscribe); a person does the whole journey with the keyboard
alone; at 360 x 740 nothing scrolls sideways. Screenshots of the privacy center's steps are kept as artefacts."""

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Browser, Locator, Page, expect

from lawful import dsr
from lawful.dsr.tasks import WORKER
from tests.dsr.center import code, mail_text, request_of
from tests.factories import make_person
from tests.public.conftest import BRAND, World

pytestmark = pytest.mark.browser

LANGS = ("en", "fr", "nl")
AXE = Axe()
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
EVERY_RIGHT = "&".join(
    f"right={k}" for k in ("access", "rectification", "restriction", "objection", "portability")
)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: artefacts for a reviewer, never compared."""
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def phone(browser: Browser, world: World) -> Iterator[Page]:
    context = browser.new_context(base_url=world.live.origin, viewport={"width": 360, "height": 740})
    yield context.new_page()
    context.close()


def serious(page: Page, context: object = None) -> list[str]:
    """Each serious or critical WCAG 2.1 A/AA violation axe-core finds, with the elements concerned."""
    found = AXE.run(page, context=context, options=WCAG_AA).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def waiting(world: World, lang: str) -> str:
    """A new request's status page, with its code form."""
    asked = httpx.post(
        f"{world.live.origin}/rights",
        data={"email": f"new-{lang}@example.test", "lang": lang, "kinds": ["access"]},
        follow_redirects=False,
    )
    return str(asked.headers["location"])


def confirming(world: World, lang: str) -> str:
    """The page a newsletter's confirmation link opens (the button that records the consent)."""
    email = f"optin-{lang}@example.test"
    httpx.post(
        f"{world.live.origin}/api/newsletters/newsletter/subscriptions",
        json={"email": email, "language": lang},
    ).raise_for_status()
    found = re.search(r"https?://\S+(/u/confirm/\S+)", mail_text(world.live, email, ""))
    assert found is not None
    return found.group(1)


def in_privacy_center(path: str) -> bool:
    """A step of the privacy center, whose screenshot is kept: the form, the status and the answer."""
    return path.startswith("/rights") and "not-a-token" not in path


def pages(world: World, lang: str) -> list[str]:
    return [
        f"/rights?lang={lang}",
        f"/rights?lang={lang}&step=details",  # "continue" with nothing chosen: the error by the question
        f"/rights?lang={lang}&{EVERY_RIGHT}",
        f"/rights?lang={lang}&right=erasure",
        waiting(world, lang) + "&error=code",
        f"{world.status}?lang={lang}",
        f"{world.answer}?lang={lang}",
        f"/privacy?lang={lang}",
        f"/cookies?lang={lang}",
        f"/privacy/versions?lang={lang}",
        f"/forms/contact?lang={lang}",
        f"/forms/contact/thanks?lang={lang}",
        f"{world.preferences}?lang={lang}",
        f"{world.unsubscribe}?lang={lang}",
        f"{world.update}?lang={lang}",
        confirming(world, lang),
        f"/rights/not-a-token?lang={lang}",
    ]


def test_axe_sees_what_it_is_asked_to_find(page: Page) -> None:
    page.set_content(
        '<html lang="en"><title>t</title><main><input id="x"><p style="color:#bbb">low</p></main></html>'
    )

    assert {problem.split(" ")[0] for problem in serious(page)} == {"label", "color-contrast"}


@pytest.mark.parametrize("lang", LANGS)
def test_no_public_page_has_a_serious_accessibility_violation(
    page: Page, world: World, lang: str, shots: Path
) -> None:
    found: dict[str, list[str]] = {}

    for number, path in enumerate(pages(world, lang)):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator(f'.languages a[hreflang="{lang}"]')).to_have_attribute("aria-current", "page")
        found[path] = serious(page)
        if in_privacy_center(path):
            page.screenshot(path=shots / f"desktop-{lang}-{number:02}.png", full_page=True)
    page.goto(f"/forms/contact?lang={lang}")
    page.locator("form button[type=submit]").click()  # everything left empty: errors by each field
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    found["form with errors"] = serious(page)

    assert {path: problems for path, problems in found.items() if problems} == {}


@pytest.mark.parametrize("lang", LANGS)
def test_the_open_banner_has_no_serious_accessibility_violation(page: Page, world: World, lang: str) -> None:
    page.goto(world.site.url(world.live.origin, lang=lang))
    banner = page.get_by_role("dialog")
    expect(banner).to_be_visible()

    first = serious(page, {"include": [[".lawful-banner"]]})
    banner.locator("[data-action=manage]").click()  # the second layer, with a switch per category
    second = serious(page, {"include": [[".lawful-banner"]]})

    assert (first, second) == ([], [])


def test_the_organisation_colour_from_the_register_reaches_the_page(page: Page, world: World) -> None:
    page.goto("/rights?lang=en")

    colour = page.locator("button[type=submit]").evaluate("e => getComputedStyle(e).backgroundColor")

    assert colour == "rgb({}, {}, {})".format(*(int(BRAND[i : i + 2], 16) for i in (1, 3, 5)))


FOCUS_RING = (
    "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }"
)


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if target.evaluate("e => e === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} never received the focus")


def test_a_person_refuses_cookies_asks_for_access_and_downloads_the_answer_with_the_keyboard_alone(
    page: Page, world: World
) -> None:
    email = "keys@example.test"
    with world.live.session() as db:
        make_person(db, world.live.keys, world.live.org, email=email, values={"user.name": "Kay Board"})
        db.commit()
    page.goto(world.site.url(world.live.origin, lang="fr"))

    tab_to(page, page.get_by_role("button", name="Tout refuser"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_hidden()
    tab_to(page, page.locator("footer a", has_text="Déclaration de confidentialité"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Vos droits en matière de vie privée"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Une copie de mes données"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Continuer"))
    assert page.evaluate(FOCUS_RING) == ["solid", "3px"]  # the focus is visible
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Votre adresse e-mail"))
    page.keyboard.type(email)
    tab_to(page, page.get_by_role("button", name="Envoyer ma demande"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    token = re.search(r"/rights/([^/?]+)\?lang=fr$", page.url)
    assert token is not None, page.url
    tab_to(page, page.get_by_label("Code", exact=True))
    page.keyboard.type(code(world.live, email))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    request_id = request_of(world.live, token.group(1)).id
    with world.live.session() as db:  # the worker's job
        while dsr.steps.run_next(
            db, WORKER, world.live.keys, request_id=request_id, base_url=world.live.origin
        ):
            db.commit()
    link = re.search(
        r"(\S+/rights/[\w.-]+/answer(?:\?lang=\w+)?)\s",
        mail_text(world.live, email, "Réponse à votre demande"),
    )
    assert link is not None
    page.goto(link.group(1))  # the link in the answer email
    tab_to(page, page.get_by_role("link", name="access.json", exact=True))
    with page.expect_download() as downloaded:
        page.keyboard.press("Enter")

    assert email in Path(downloaded.value.path()).read_text(encoding="utf-8")
    assert page.locator('li[data-file="access.json"] dd[data-size]').count() == 1


NO_SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  const off = [...document.querySelectorAll('a, button, input, select, textarea, label')]
    .filter(e => e.getClientRects().length && !e.closest('.scroll, table') && !e.matches('.skip:not(:focus)'))
    .filter(e => { const r = e.getBoundingClientRect(); return r.left < -0.5 || r.right > width + 0.5; })
    .map(e => e.outerHTML.slice(0, 80));
  return {scroll: document.documentElement.scrollWidth, width, off};
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_at_360_pixels_no_page_scrolls_sideways_and_every_control_is_within_reach(
    phone: Page, world: World, lang: str, shots: Path
) -> None:
    broken: dict[str, object] = {}

    for number, path in enumerate(pages(world, lang)):
        phone.goto(path)
        layout = phone.evaluate(NO_SIDEWAYS)
        if layout["scroll"] > layout["width"] or layout["off"]:
            broken[path] = layout
        if in_privacy_center(path):
            phone.screenshot(path=shots / f"phone-{lang}-{number:02}.png", full_page=True)

    assert broken == {}


@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_second_step_announces_each_error_beside_its_field(
    page: Page, world: World, lang: str
) -> None:
    page.goto(f"/rights?lang={lang}&right=erasure")
    page.locator("#message").fill("Tout, s'il vous plaît")
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()  # the address left empty

    summary = page.locator("#error-summary")
    email = page.locator("#email")
    expect(summary).to_be_focused()  # moved there, and announced (role=alert)
    expect(summary).to_have_attribute("role", "alert")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile(re.escape(page.locator("#e-email").inner_text())))
    expect(page.locator("#message")).to_have_value("Tout, s'il vous plaît")  # what was typed is kept
    summary.get_by_role("link").first.click()
    expect(email).to_be_focused()  # the summary's link leads to the field
    assert serious(page) == []


@pytest.fixture
def zoomed(browser: Browser, world: World) -> Iterator[Page]:
    """A 1280 x 800 window at 200 % zoom, as Chromium zooms: the layout viewport is 640 x 400 CSS pixels
    and each CSS pixel is two device pixels (devicePixelRatio 2), so media queries and rem sizes respond as
    they do when a person zooms in."""
    context = browser.new_context(
        base_url=world.live.origin, viewport={"width": 640, "height": 400}, device_scale_factor=2
    )
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_at_200_percent_zoom_no_page_scrolls_sideways_and_every_control_is_within_reach(
    zoomed: Page, world: World, lang: str
) -> None:
    broken: dict[str, object] = {}

    for path in pages(world, lang):
        zoomed.goto(path)
        layout = zoomed.evaluate(NO_SIDEWAYS)
        if layout["scroll"] > layout["width"] or layout["off"]:
            broken[path] = layout

    assert zoomed.evaluate("[innerWidth, devicePixelRatio]") == [640, 2]
    assert broken == {}
