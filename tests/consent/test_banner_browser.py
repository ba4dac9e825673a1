"""The cookie banner in real Chromium, on the demo company page served from its own origin (R-25..R-29, R-31).

The demo page (examples/website/index.html) is served by a small HTTP server on loopback with a strict CSP
header; lawful runs on another port with the example register applied and both notices published, and
allows the demo origin through CORS. A second lawful with the Qualifio register, which has marketing and
social-media trackers (CRMS has only analytics), serves the GPC and social-embed tests.
"""

import base64
import hashlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Route, expect
from pydantic import SecretStr

from lawful import notices, processing
from lawful.actor import Actor, ActorKind
from lawful.app import create_app
from lawful.config import Settings
from lawful.db import make_engine, make_sessionmaker
from tests.conftest import MASTER_KEY, fresh_database
from tests.live import free_port as _free_port
from tests.live import release
from tests.live import wait_until_healthy as _wait_until_healthy
from tests.registers import example

pytestmark = pytest.mark.browser

DEMO = Path(__file__).resolve().parents[2] / "examples" / "website" / "index.html"
SEEDER = Actor(ActorKind.CLI, label="cli:banner-browser-tests")
# Stand-ins for the Google tag and the LinkedIn feed, served by the demo site itself.
ANALYTICS_JS = (
    b"window.__analyticsRan = true;\n"
    b"document.cookie = '_ga=GA1.1.123; Path=/; Max-Age=63072000; SameSite=Lax';\n"
    b"document.cookie = '_ga_DEMO42=GS1.1.1; Path=/; Max-Age=63072000; SameSite=Lax';\n"
)
FEED_HTML = b"<!doctype html><title>LinkedIn</title><p>CRMS Solutions on LinkedIn</p>"
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""
GPC_ON = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"
STORED_CHOICE = """() => {
  const m = document.cookie.match(/(?:^|; )lawful_consent=([^;]*)/);
  return m && JSON.parse(decodeURIComponent(m[1]));
}"""
STORED_ID = f"() => {{ const s = ({STORED_CHOICE})(); return s && s.id; }}"


# --- the demo site --------------------------------------------------------------------------------------


def demo_page(*, script: str, api: str, lang: str, manage: bool = True) -> tuple[bytes, str]:
    """The demo page for one lawful origin (`script` serves banner.js, `api` answers it), and its CSP."""
    html = DEMO.read_text(encoding="utf-8")
    html = html.replace('data-lawful="{{LAWFUL}}"', f'data-lawful="{api}"').replace("{{LAWFUL}}", script)
    html = html.replace('<html lang="fr">', f'<html lang="{lang}">').replace(
        'data-lang="fr"', f'data-lang="{lang}"'
    )
    if not manage:
        html = html.replace(" data-lawful-manage", "")
    return html.encode(), strict_csp(html, script, api)


def strict_csp(html: str, *origins: str) -> str:
    """The policy of the brief, plus the hash of the page's own <style> element (no 'unsafe-inline')."""
    found = re.search(r"<style>(.*?)</style>", html, re.DOTALL)
    style = found.group(1) if found else ""
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    lawful = " ".join(dict.fromkeys(origins))
    return (
        f"default-src 'self'; script-src 'self' {lawful}; connect-src {lawful}; "
        f"style-src 'self' {lawful} 'sha256-{digest}'; img-src 'self'; base-uri 'none'; object-src 'none'"
    )


class _DemoHandler(BaseHTTPRequestHandler):
    """`/?script=…&api=…&lang=…&manage=0` is the demo page; analytics.js and the feed are its trackers."""

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        if url.path == "/":
            body, csp = demo_page(
                script=query["script"],
                api=query.get("api", query["script"]),
                lang=query.get("lang", "fr"),
                manage=query.get("manage") != "0",
            )
            self._send(body, "text/html; charset=utf-8", {"Content-Security-Policy": csp})
        elif url.path == "/analytics.js":
            self._send(ANALYTICS_JS, "text/javascript", {})
        elif url.path == "/linkedin-feed.html":
            self._send(FEED_HTML, "text/html; charset=utf-8", {})
        else:
            self.send_error(404)

    def _send(self, body: bytes, content_type: str, headers: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass(frozen=True)
class DemoSite:
    origin: str

    def url(self, lawful: str, *, api: str | None = None, lang: str = "fr", manage: bool = True) -> str:
        query = {"script": lawful, "api": api or lawful, "lang": lang, **({} if manage else {"manage": "0"})}
        return f"{self.origin}/?{urlencode(query)}"


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _DemoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield DemoSite(f"http://127.0.0.1:{server.server_address[1]}")
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


# --- lawful ---------------------------------------------------------------------------------------------


@contextmanager
def serving_lawful(template_url: str, directory: Path, register: str, site: DemoSite) -> Iterator[str]:
    """lawful on a free port with `register` applied and both notices published; yields its origin."""
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    settings = Settings(
        data_dir=directory,
        database_url=fresh_database(template_url, directory),
        master_key=SecretStr(MASTER_KEY),
        test_mode=True,
        secure_cookies=False,
        base_url=origin,
        banner_origins=[site.origin],
    )
    engine = make_engine(settings.resolved_database_url())
    with make_sessionmaker(engine)() as db:
        version, _ = processing.apply(db, SEEDER, text=register, source="banner-browser-tests")
        for kind in (notices.NoticeKind.PRIVACY, notices.NoticeKind.COOKIES):
            notices.publish(db, SEEDER, organisation_id=version.organisation_id, kind=kind)
        db.commit()
    engine.dispose()
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    _wait_until_healthy(origin, thread)
    yield origin
    server.should_exit = True
    thread.join(timeout=10)
    release(app)


@pytest.fixture(scope="module")
def crms(template_url: str, tmp_path_factory: pytest.TempPathFactory, site: DemoSite) -> Iterator[str]:
    with serving_lawful(
        template_url, tmp_path_factory.mktemp("banner-crms"), example("crms"), site
    ) as origin:
        yield origin


@pytest.fixture(scope="module")
def qualifio(template_url: str, tmp_path_factory: pytest.TempPathFactory, site: DemoSite) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("banner-qualifio")
    with serving_lawful(template_url, directory, example("qualifio"), site) as origin:
        yield origin


def banner_config(lawful: str, lang: str = "fr") -> dict[str, Any]:
    config: dict[str, Any] = httpx.get(f"{lawful}/api/banner/config", params={"lang": lang}).json()
    return config


def proof(lawful: str, consent_id: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{lawful}/api/banner/consents/{consent_id}")
    assert response.status_code == 200, response.text
    records: list[dict[str, Any]] = response.json()
    return records


# --- the browser ----------------------------------------------------------------------------------------


@dataclass
class Visit:
    """One page in a fresh context, with everything it requested, threw and logged."""

    page: Page
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # requests to any other host: trackers
    errors: list[str] = field(default_factory=list)
    console: list[ConsoleMessage] = field(default_factory=list)

    @property
    def context(self) -> BrowserContext:
        return self.page.context

    @property
    def banner(self) -> Any:
        return self.page.get_by_role("dialog")

    def cookies(self) -> dict[str, str]:
        return {cookie["name"]: cookie["value"] for cookie in self.context.cookies()}

    def stored(self) -> dict[str, Any] | None:
        raw = self.cookies().get("lawful_consent")
        return json.loads(unquote(raw)) if raw else None

    def consent_id(self) -> str:
        """Waits for lawful's answer: the banner stores the id it gives back."""
        wait_until(self, lambda: bool(self.page.evaluate(STORED_ID)))
        consent_id = str(self.page.evaluate(STORED_ID))
        assert re.fullmatch(r"[0-9a-f]{32}", consent_id)
        return consent_id

    def violations(self) -> list[str]:
        found: list[str] = self.page.evaluate("window.__violations")
        return found + [m.text for m in self.console if "Content Security Policy" in m.text]

    def analytics_ran(self) -> bool:
        return bool(self.page.evaluate("window.__analyticsRan === true"))


@pytest.fixture
def visit(browser: Browser, site: DemoSite) -> Iterator[Callable[..., Visit]]:
    """Open the demo page in a fresh context (no cookies, no cache); other hosts are refused and noted."""
    contexts: list[BrowserContext] = []

    def open_(
        lawful: str,
        *,
        api: str | None = None,
        lang: str = "fr",
        manage: bool = True,
        init_scripts: tuple[str, ...] = (),
        cookies: tuple[Any, ...] = (),
        wait_until: str = "load",
        **options: Any,
    ) -> Visit:
        context = browser.new_context(**options)
        contexts.append(context)
        context.add_init_script(RECORD_VIOLATIONS)
        for script in init_scripts:
            context.add_init_script(script)
        if cookies:
            context.add_cookies(list(cookies))
        page = context.new_page()
        seen = Visit(page)
        allowed = {urlsplit(origin).netloc for origin in (site.origin, lawful, api or lawful)}

        def route(route: Route) -> None:
            if urlsplit(route.request.url).netloc in allowed:
                route.continue_()
            else:
                seen.blocked.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        page.on("request", lambda request: seen.requests.append(request.url))
        page.on("pageerror", lambda error: seen.errors.append(str(error)))
        page.on("console", lambda message: seen.console.append(message))
        page.goto(site.url(lawful, api=api, lang=lang, manage=manage), wait_until=wait_until)  # type: ignore[arg-type]
        return seen

    yield open_
    for context in contexts:
        context.close()


def tracker_requests(seen: Visit) -> list[str]:
    return [url for url in seen.requests if url.endswith(("/analytics.js", "/linkedin-feed.html"))]


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


def wait_until(seen: Visit, check: Callable[[], bool], timeout: float = 6.0) -> None:
    """Poll while letting Playwright deliver the page's events (console messages arrive that way)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        seen.page.wait_for_timeout(50)


def label(config: dict[str, Any], key: str) -> str:
    return str(next(c["label"] for c in config["categories"] if c["key"] == key))


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
    assert (stored["id"], stored["v"], stored["c"]) == (consent_id, config["version"], {"analytics": int(on)})
    assert abs(stored["t"] - time.time()) < 60
    record = proof(crms, consent_id)[-1]
    assert (record["choices"], record["version"], record["language"], record["gpc"]) == (
        {"analytics": on},
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
    assert not seen.analytics_ran() and tracker_requests(seen) == []
    expect(seen.banner).to_be_hidden()
    assert [r["choices"] for r in proof(crms, consent_id)] == [{"analytics": True}, {"analytics": False}]
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


# --- never block the page --------------------------------------------------------------------------------


@pytest.fixture
def silent_origin() -> Iterator[str]:
    """An origin that accepts connections and never answers: lawful hanging."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(32)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


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
    assert (seen.stored() or {})["c"] == {"analytics": 0}
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
